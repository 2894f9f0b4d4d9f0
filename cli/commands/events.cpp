// `elva message NAME` and `elva signal NAME`. Exit 0 delivered (or buffered), 1 nobody waits
// and no time to live was given, or several instances wait and nothing tells them apart (the
// message names them), 2 usage, 3 database.
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"

namespace elva::cli {

void add_events(CLI::App& app, int& exit_code) {
  struct MessageArgs : AdminArgs {
    std::string name, key, business_key, vars = "{}", ttl;
    std::vector<std::string> match;
  };
  auto m = std::make_shared<MessageArgs>();
  auto* msg = app.add_subcommand(
      "message",
      "Publish a message: it goes to the one instance waiting for it (by name and exactly its\n"
      "correlation key; a catch without a key is addressed by --business-key or --match), else\n"
      "starts a process with that message start event; with --ttl nobody's catch keeps it\n"
      "until one opens. Several instances waiting: refused, naming them. Exit codes: 0\n"
      "delivered or kept, 1 nobody waits or several do, 2 usage, 3 database.");
  msg->add_option("name", m->name, "Message name")->required();
  msg->add_option("--correlation-key", m->key, "Which instance it is for (e.g. the case number)");
  msg->add_option(
      "--business-key", m->business_key,
      "Only the instance with this business key (Camunda 7 processInstanceBusinessKey)");
  msg->add_option("--match", m->match,
                  "NAME=VALUE: only instances whose process variable NAME equals VALUE (JSON, or\n"
                  "else text: --match caseId=A-17, --match count=3, --match 'id=\"017\"'); repeat\n"
                  "for several (Camunda 7 processInstanceVariableEquals)")
      ->allow_extra_args(false)  // one value per --match: the message name is not swallowed
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  msg->add_option("--vars", m->vars, "Variables as a JSON object");
  msg->add_option("--ttl", m->ttl,
                  "How long to keep it when nobody waits yet (ISO 8601, e.g. PT1H)");
  add_admin_options(msg, *m);
  msg->callback([m, &exit_code] {
    auto vars = parse_vars("message", m->vars);
    if (!vars) {
      exit_code = kExitUsage;
      return;
    }
    Engine::MessageTarget to{m->key, m->business_key, nlohmann::json::object()};
    for (const auto& pair : m->match) {
      const auto eq = pair.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "elva message: --match takes NAME=VALUE, like --match caseId=A-17\n";
        exit_code = kExitUsage;
        return;
      }
      const std::string value = pair.substr(eq + 1);
      auto parsed = nlohmann::json::parse(value, nullptr, false);
      to.process_variables[pair.substr(0, eq)] =
          parsed.is_discarded() ? nlohmann::json(value) : parsed;
    }
    exit_code = run_admin(
        "message", *m, true, [&](Engine& e) { return e.message(m->name, to, *vars, m->ttl); },
        [m](const nlohmann::json& r) {
          for (const auto& id : r["correlated"])
            std::cout << "Delivered to instance " << id << ".\n";
          for (const auto& id : r["started"]) std::cout << "Started instance " << id << ".\n";
          if (r["buffered"].get<bool>())
            std::cout << "Nobody waits yet; kept for " << m->ttl << ".\n";
        });
  });

  struct SignalArgs : AdminArgs {
    std::string name, vars = "{}";
  };
  auto s = std::make_shared<SignalArgs>();
  auto* sig = app.add_subcommand(
      "signal",
      "Broadcast a signal to every instance waiting for it and every process that starts\n"
      "with it. Exit codes: 0 sent (also when nobody waited), 2 usage, 3 database.");
  sig->add_option("name", s->name, "Signal name")->required();
  sig->add_option("--vars", s->vars, "Variables as a JSON object");
  add_admin_options(sig, *s);
  sig->callback([s, &exit_code] {
    auto vars = parse_vars("signal", s->vars);
    if (!vars) {
      exit_code = kExitUsage;
      return;
    }
    exit_code = run_admin(
        "signal", *s, true, [&](Engine& e) { return e.signal(s->name, *vars); },
        [](const nlohmann::json& r) {
          std::cout << "Delivered to " << r["delivered"].size() << " instance(s); started "
                    << r["started"].size() << ".\n";
        });
  });
}

}  // namespace elva::cli
