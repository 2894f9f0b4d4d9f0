// `elva start`, `elva instances`, `elva instance ID`, `elva cancel ID`, `elva complete ID ELEMENT`.
// Exit 0 done, 1 refused (unknown process or instance, the step does not fit), 2 usage, 3 database.
#include <iomanip>
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"

namespace elva::cli {
namespace {

void print_instance(const nlohmann::json& i) {
  std::cout << "Instance " << i["id"] << " of " << i["process"].get<std::string>() << " v"
            << i["version"] << ": " << i["status"].get<std::string>();
  if (!i["businessKey"].get<std::string>().empty())
    std::cout << " (business key " << i["businessKey"].get<std::string>() << ")";
  std::cout << "\n  started " << i["startedAt"].get<std::string>().substr(0, 19);
  if (!i["endedAt"].is_null())
    std::cout << ", ended " << i["endedAt"].get<std::string>().substr(0, 19);
  std::cout << "\n";
  if (i.contains("active") && !i["active"].empty()) {
    std::cout << "Active:\n";
    for (const auto& a : i["active"]) {
      std::cout << "  " << a["element"].get<std::string>() << " (" << a["type"].get<std::string>()
                << ")" << (a["waiting"].get<bool>() ? ", waiting" : "") << "\n";
    }
  }
  if (i.contains("variables")) std::cout << "Variables: " << i["variables"].dump() << "\n";
  if (i.contains("incidents")) {
    for (const auto& n : i["incidents"]) {
      if (!n["resolvedAt"].is_null()) continue;
      std::cout << "Incident " << n["key"] << " at " << n["element"].get<std::string>() << ": "
                << n["message"].get<std::string>() << "\n  fix the cause, then: elva retry "
                << n["key"] << "\n";
    }
  }
  if (i.contains("jobs") && !i["jobs"].empty()) {
    std::cout << "Jobs:\n";
    for (const auto& j : i["jobs"])
      std::cout << "  " << j["type"].get<std::string>() << " at " << j["element"].get<std::string>()
                << ", " << j["retries"] << " tries left\n";
  }
  if (i.contains("history")) {
    std::cout << "Timeline:\n";
    for (const auto& h : i["history"]) {
      std::cout << "  " << h["at"].get<std::string>().substr(11, 12) << "  " << std::left
                << std::setw(18) << h["kind"].get<std::string>() << " " << std::setw(20)
                << h.value("element", "") << " " << h["actor"].get<std::string>();
      if (h.contains("data")) std::cout << "  " << h["data"].dump();
      std::cout << "\n";
    }
  }
}

}  // namespace

void add_instances(CLI::App& app, int& exit_code) {
  struct StartArgs : AdminArgs {
    std::string process, vars = "{}", business_key;
  };
  auto s = std::make_shared<StartArgs>();
  auto* start = app.add_subcommand(
      "start",
      "Start an instance of the latest version of a deployed process; it runs to its first\n"
      "wait state. Exit codes: 0 started, 1 unknown process, 2 usage (bad --vars), 3 database.");
  start->add_option("process", s->process, "Process id")->required();
  start->add_option("--vars", s->vars, "Variables as a JSON object");
  start->add_option("--business-key", s->business_key,
                    "A key of your own (case number, employee number)");
  add_admin_options(start, *s);
  start->callback([s, &exit_code] {
    auto vars = parse_vars("start", s->vars);
    if (!vars) {
      exit_code = kExitUsage;
      return;
    }
    exit_code = run_admin(
        "start", *s, true, [&](Engine& e) { return e.start(s->process, *vars, s->business_key); },
        [](const nlohmann::json& i) {
          std::cout << "Started instance " << i["id"] << " of " << i["process"].get<std::string>()
                    << " v" << i["version"] << ": " << i["status"].get<std::string>();
          std::string waits;
          for (const auto& a : i["active"])
            if (a["waiting"].get<bool>())
              waits += (waits.empty() ? "" : ", ") + a["element"].get<std::string>();
          if (!waits.empty()) std::cout << ", waiting at " << waits;
          std::cout << "\n";
        });
  });

  struct ListArgs : AdminArgs {
    std::string process, state;
    int limit = 50;
  };
  auto l = std::make_shared<ListArgs>();
  auto* list = app.add_subcommand("instances", "List process instances, newest first.");
  list->add_option("--process", l->process, "Only this process id");
  list->add_option("--state", l->state, "active, incident, completed or terminated")
      ->check(CLI::IsMember({"active", "incident", "completed", "terminated"}));
  list->add_option("--limit", l->limit, "At most this many")->capture_default_str();
  add_admin_options(list, *l);
  list->callback([l, &exit_code] {
    exit_code = run_admin(
        "instances", *l, true,
        [&](Engine& e) { return e.instances(l->process, l->state, l->limit); },
        [](const nlohmann::json& rows) {
          if (rows.empty()) std::cout << "No instances.\n";
          for (const auto& i : rows) {
            std::cout << std::left << std::setw(10) << i["id"].get<std::uint64_t>() << " "
                      << std::setw(26)
                      << (i["process"].get<std::string>() + " v" +
                          std::to_string(i["version"].get<int>()))
                      << " " << std::setw(11) << i["status"].get<std::string>() << " "
                      << i["startedAt"].get<std::string>().substr(0, 19) << "  "
                      << i["businessKey"].get<std::string>() << "\n";
          }
        });
  });

  // Ids are numbers; CLI11 refuses anything else as a usage error (exit 2).
  struct OneArgs : AdminArgs {
    std::uint64_t id = 0;
  };
  auto o = std::make_shared<OneArgs>();
  auto* one = app.add_subcommand(
      "instance",
      "Show one instance: where it is, its variables, incidents, jobs and its timeline.");
  one->add_option("id", o->id, "Instance id")->required();
  add_admin_options(one, *o);
  one->callback([o, &exit_code] {
    exit_code = run_admin(
        "instance", *o, true, [&](Engine& e) { return e.instance(o->id); }, print_instance);
  });

  auto c = std::make_shared<OneArgs>();
  auto* cancel =
      app.add_subcommand("cancel", "Cancel an active instance (its called instances too).");
  cancel->add_option("id", c->id, "Instance id")->required();
  add_admin_options(cancel, *c);
  cancel->callback([c, &exit_code] {
    exit_code = run_admin(
        "cancel", *c, true, [&](Engine& e) { return e.cancel(c->id); },
        [](const nlohmann::json& i) {
          std::cout << "Instance " << i["id"] << " is " << i["status"].get<std::string>() << ".\n";
        });
  });

  struct CompleteArgs : AdminArgs {
    std::uint64_t id = 0;
    std::string element, vars = "{}";
  };
  auto k = std::make_shared<CompleteArgs>();
  auto* complete = app.add_subcommand(
      "complete",
      "Complete a waiting element (user, receive or manual task, catch event) of an\n"
      "instance, as an administrator.");
  complete->add_option("id", k->id, "Instance id")->required();
  complete->add_option("element", k->element, "Element id")->required();
  complete->add_option("--vars", k->vars, "Variables as a JSON object");
  add_admin_options(complete, *k);
  complete->callback([k, &exit_code] {
    auto vars = parse_vars("complete", k->vars);
    if (!vars) {
      exit_code = kExitUsage;
      return;
    }
    exit_code = run_admin(
        "complete", *k, true, [&](Engine& e) { return e.complete(k->id, k->element, *vars); },
        [](const nlohmann::json& i) {
          std::cout << "Instance " << i["id"] << " is " << i["status"].get<std::string>() << ".\n";
        });
  });
}

}  // namespace elva::cli
