// `elva diff`, `elva modify`, `elva job complete|fail|retries`, `elva variables set|remove`:
// versions and operator actions on running instances (docs/operations.md). Every action needs
// --reason and is audited with who (the OS user, or --actor) and why.
// Exit 0 done, 1 refused (unknown instance, job or element; the action does not fit), 2 usage,
// 3 database.
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "elva/bpmn.hpp"
#include "elva/json_limits.hpp"

namespace elva::cli {
namespace {

using nlohmann::json;

// --reason (required) and --actor for every operator action.
void add_action_options(CLI::App* cmd, AdminArgs& args, std::string& reason) {
  cmd->add_option("--reason", reason, "Why (required): kept in the instance's history")->required();
  cmd->add_option("--actor", args.actor,
                  "Who, in history (default: your OS user name); recorded as cli:NAME");
  add_admin_options(cmd, args);
}

// name=JSON pairs into one object; prints the problem and returns nullopt when one is wrong.
std::optional<json> parse_assignments(const std::string& verb,
                                      const std::vector<std::string>& pairs) {
  json out = json::object();
  for (const auto& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "elva " << verb << ": '" << p
                << "' is not name=JSON (e.g. amount=1200 or name='\"Anna\"')\n";
      return std::nullopt;
    }
    const std::string name = p.substr(0, eq);
    auto value = parse_json(p.substr(eq + 1), JsonLimits{}, name);
    if (!value) {
      std::cerr << "elva " << verb << ": the value of '" << name
                << "' is not JSON (a text needs quotes: " << name << "='\"text\"')\n";
      return std::nullopt;
    }
    out[name] = std::move(*value);
  }
  return out;
}

void print_outcome(const std::string& what, const json& i) {
  std::cout << what << "; instance " << i["id"] << " is " << i["status"].get<std::string>();
  std::string at;
  for (const auto& a : i.value("active", json::array()))
    at += (at.empty() ? "" : ", ") + a["element"].get<std::string>();
  if (!at.empty()) std::cout << ", at " << at;
  std::cout << ".\n";
  for (const auto& n : i.value("incidents", json::array())) {
    if (!n["resolvedAt"].is_null()) continue;
    std::cout << "Incident " << n["key"] << " at " << n["element"].get<std::string>() << ": "
              << n["message"].get<std::string>() << "\n";
  }
}

std::string quoted(const json& text) { return "\"" + text.get<std::string>() + "\""; }

void print_diff(const json& d) {
  const auto side = [](const json& s) {
    std::string out =
        s.contains("version") ? "version " + s["version"].dump() : s["file"].get<std::string>();
    if (!s.value("versionTag", "").empty())
      out += " (tag " + s["versionTag"].get<std::string>() + ")";
    return out;
  };
  const std::string process = d.contains("process") ? d["process"].get<std::string>()
                                                    : d["to"]["process"].get<std::string>();
  std::cout << process << ": " << side(d["from"]) << " -> " << side(d["to"]) << "\n";
  if (d["identical"].get<bool>()) {
    std::cout << "No differences.\n";
    return;
  }
  for (const auto& c : d["processChanges"])
    std::cout << "  " << c["aspect"].get<std::string>() << ": " << quoted(c["before"]) << " -> "
              << quoted(c["after"]) << "\n";
  for (const auto& a : d["added"])
    std::cout << "+ " << a["kind"].get<std::string>() << " " << a["id"].get<std::string>() << " ("
              << a["type"].get<std::string>() << ")\n";
  for (const auto& r : d["removed"])
    std::cout << "- " << r["kind"].get<std::string>() << " " << r["id"].get<std::string>() << " ("
              << r["type"].get<std::string>() << ")\n";
  for (const auto& c : d["changed"]) {
    std::cout << "~ " << c["kind"].get<std::string>() << " " << c["id"].get<std::string>() << " ("
              << c["type"].get<std::string>() << ")\n";
    for (const auto& x : c["changes"])
      std::cout << "    " << x["aspect"].get<std::string>() << ": " << quoted(x["before"]) << " -> "
                << quoted(x["after"]) << "\n";
  }
}

void add_diff(CLI::App& app, int& exit_code) {
  struct Args : AdminArgs {
    std::vector<std::string> what;
    std::string process;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "diff",
      "What changed between two versions of a deployed process (elva diff PROCESS V1 V2;\n"
      "0 for the latest), or between two BPMN files before deploying (elva diff A.bpmn B.bpmn):\n"
      "added, removed and changed elements and flows by id, with what changed.\n"
      "Exit codes: 0 compared (same or not), 1 unknown process or version, 2 usage or a file\n"
      "that cannot be read, 3 database.");
  cmd->add_option("what", a->what, "PROCESS V1 V2, or FILE1 FILE2")->required()->expected(2, 3);
  cmd->add_option("--process", a->process, "With two files: the process to compare");
  add_admin_options(cmd, *a);
  cmd->callback([a, &exit_code] {
    if (a->what.size() == 2) {
      auto d = diff_files(a->what[0], a->what[1], a->process);
      if (!d) {
        std::cerr << "elva diff: " << d.error().message << "\n";
        exit_code = d.error().code == Errc::ParseError ? kExitFindings : kExitUsage;
        return;
      }
      if (a->format == "json")
        std::cout << d->dump(2) << "\n";
      else
        print_diff(*d);
      exit_code = kExitOk;
      return;
    }
    int versions[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
      const std::string& v = a->what[1 + i];
      if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
        std::cerr << "elva diff: '" << v << "' is not a version number (0: the latest)\n";
        exit_code = kExitUsage;
        return;
      }
      versions[i] = std::stoi(v);
    }
    exit_code = run_admin(
        "diff", *a, true, [&](Engine& e) { return e.diff(a->what[0], versions[0], versions[1]); },
        print_diff);
  });
}

void add_modify(CLI::App& app, int& exit_code) {
  struct Args : AdminArgs {
    std::uint64_t id = 0;
    std::vector<std::string> cancel, before, after, set;
    std::string reason;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "modify",
      "Change where a running instance is, as one unit: set variables, cancel elements, then\n"
      "start before or after elements (a sub-process scope is created when needed). Refused\n"
      "with the reason when the result would not be consistent; nothing changes then.\n"
      "Exit codes: 0 modified, 1 refused or unknown instance, 2 usage, 3 database.");
  cmd->add_option("instance", a->id, "Instance id")->required();
  cmd->add_option("--cancel", a->cancel, "Cancel every active instance of this element");
  cmd->add_option("--start-before", a->before, "Start this element (runs it)");
  cmd->add_option("--start-after", a->after, "Take this element's single outgoing flow");
  cmd->add_option("--set", a->set, "A process variable, name=JSON (set before the rest)");
  add_action_options(cmd, *a, a->reason);
  cmd->callback([a, &exit_code] {
    auto vars = parse_assignments("modify", a->set);
    if (!vars) {
      exit_code = kExitUsage;
      return;
    }
    Engine::Modification m{a->cancel, a->before, a->after, *vars, a->reason};
    exit_code = run_admin(
        "modify", *a, true, [&](Engine& e) { return e.modify(a->id, m); },
        [](const json& i) { print_outcome("Modified", i); });
  });
}

void add_job(CLI::App& app, int& exit_code) {
  auto* job = app.add_subcommand(
      "job",
      "Repair a stuck job by hand: complete it, fail it, or give it retries. Job keys are in\n"
      "`elva instance ID`. Exit codes: 0 done, 1 unknown job or refused, 2 usage, 3 database.");
  job->require_subcommand(1);

  struct CompleteArgs : AdminArgs {
    std::uint64_t key = 0;
    std::string vars = "{}", reason;
  };
  auto c = std::make_shared<CompleteArgs>();
  auto* complete = job->add_subcommand(
      "complete", "Complete the job as its worker would, with --vars as its result.");
  complete->add_option("key", c->key, "Job key")->required();
  complete->add_option("--vars", c->vars, "The job's result variables, a JSON object");
  add_action_options(complete, *c, c->reason);
  complete->callback([c, &exit_code] {
    auto vars = parse_vars("job complete", c->vars);
    if (!vars) {
      exit_code = kExitUsage;
      return;
    }
    exit_code = run_admin(
        "job complete", *c, true,
        [&](Engine& e) { return e.complete_job(c->key, *vars, c->reason); },
        [c](const json& i) { print_outcome("Completed job " + std::to_string(c->key), i); });
  });

  struct FailArgs : AdminArgs {
    std::uint64_t key = 0;
    std::string message, reason;
    int retries = -1;
  };
  auto f = std::make_shared<FailArgs>();
  auto* failed = job->add_subcommand(
      "fail",
      "Fail the job as its worker would: it uses one of its retries (--retries: how many are\n"
      "left; 0 raises the incident now).");
  failed->add_option("key", f->key, "Job key")->required();
  failed->add_option("--message", f->message, "What went wrong (the incident's message)")
      ->required();
  failed->add_option("--retries", f->retries, "Attempts left after this failure")
      ->check(CLI::Range(0, 1000));
  add_action_options(failed, *f, f->reason);
  failed->callback([f, &exit_code] {
    exit_code = run_admin(
        "job fail", *f, true,
        [&](Engine& e) { return e.fail_job(f->key, f->message, f->retries, f->reason); },
        [f](const json& i) { print_outcome("Failed job " + std::to_string(f->key), i); });
  });

  struct RetriesArgs : AdminArgs {
    std::uint64_t key = 0;
    int retries = 1;
    bool resolve = false;
    std::string reason;
  };
  auto r = std::make_shared<RetriesArgs>();
  auto* retries = job->add_subcommand(
      "retries",
      "Give the job N attempts (it gets a new key and is due now); --resolve also resolves\n"
      "the open incident of its element.");
  retries->add_option("key", r->key, "Job key")->required();
  retries->add_option("retries", r->retries, "Attempts")->required()->check(CLI::Range(1, 1000));
  retries->add_flag("--resolve", r->resolve, "Resolve the element's open incident too");
  add_action_options(retries, *r, r->reason);
  retries->callback([r, &exit_code] {
    exit_code = run_admin(
        "job retries", *r, true,
        [&](Engine& e) { return e.set_job_retries(r->key, r->retries, r->resolve, r->reason); },
        [r](const json& i) {
          print_outcome("Job " + std::to_string(r->key) + " is now job " + i["job"].dump() +
                            " with " + std::to_string(r->retries) + " retries",
                        i);
        });
  });
}

void add_variables(CLI::App& app, int& exit_code) {
  auto* vars = app.add_subcommand(
      "variables",
      "Set or remove variables of a running instance, in the process or in one element's\n"
      "scope. Exit codes: 0 done, 1 unknown instance, scope or variable, 2 usage, 3 database.");
  vars->require_subcommand(1);

  struct SetArgs : AdminArgs {
    std::uint64_t id = 0;
    std::vector<std::string> pairs;
    std::string scope, reason;
  };
  auto s = std::make_shared<SetArgs>();
  auto* set = vars->add_subcommand("set", "Set variables: name=JSON ...");
  set->add_option("instance", s->id, "Instance id")->required();
  set->add_option("pairs", s->pairs, "name=JSON (a text needs quotes: name='\"Anna\"')")
      ->required();
  set->add_option("--scope", s->scope,
                  "An active element's id or element instance key (default: the process)");
  add_action_options(set, *s, s->reason);
  set->callback([s, &exit_code] {
    auto values = parse_assignments("variables set", s->pairs);
    if (!values) {
      exit_code = kExitUsage;
      return;
    }
    exit_code = run_admin(
        "variables set", *s, true,
        [&](Engine& e) { return e.set_variables(s->id, *values, s->scope, s->reason); },
        [](const json& i) { print_outcome("Set", i); });
  });

  struct RemoveArgs : AdminArgs {
    std::uint64_t id = 0;
    std::vector<std::string> names;
    std::string scope, reason;
  };
  auto r = std::make_shared<RemoveArgs>();
  auto* remove = vars->add_subcommand("remove", "Remove variables by name.");
  remove->add_option("instance", r->id, "Instance id")->required();
  remove->add_option("names", r->names, "Variable names")->required();
  remove->add_option("--scope", r->scope,
                     "An active element's id or element instance key (default: the process)");
  add_action_options(remove, *r, r->reason);
  remove->callback([r, &exit_code] {
    exit_code = run_admin(
        "variables remove", *r, true,
        [&](Engine& e) { return e.remove_variables(r->id, r->names, r->scope, r->reason); },
        [](const json& i) { print_outcome("Removed", i); });
  });
}

}  // namespace

void add_operations(CLI::App& app, int& exit_code) {
  add_diff(app, exit_code);
  add_modify(app, exit_code);
  add_job(app, exit_code);
  add_variables(app, exit_code);
}

}  // namespace elva::cli
