// `elva migrate plan|dry-run|run`: instance migration between versions of a process
// (docs/operations.md#migration). Exit codes: plan 0 written; dry-run 0 every selected instance
// can move (or has), 1 some cannot; run 0 all moved, 1 some did not; 2 usage; 3 database.
#include <fstream>
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"

namespace elva::cli {
namespace {

using nlohmann::json;

// "old=new" pairs into {"old": "new"}; nullopt (and a message) for one without '='.
std::optional<json> parse_map(const std::vector<std::string>& pairs) {
  json map = json::object();
  for (const auto& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size()) {
      std::cerr << "elva migrate plan: --map takes OLD_ID=NEW_ID, not '" << p << "'\n";
      return std::nullopt;
    }
    map[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return map;
}

// --instances: all, ids:1,2,3 or businessKey:TEXT (the engine reads it; a typo is a usage error).
std::string instance_query_error(const std::string& q) {
  if (q == "all" || q.rfind("businessKey:", 0) == 0) return "";
  if (q.rfind("ids:", 0) == 0 && q.size() > 4 &&
      q.find_first_not_of("0123456789,", 4) == std::string::npos)
    return "";
  return "--instances takes all, ids:1,2,3 or businessKey:TEXT";
}

bool all_moved(const json& result) {
  for (const auto& [outcome, n] : result["counts"].items())
    if (outcome != "migrated" && outcome != "migrates" && outcome != "already-migrated")
      return false;
  return true;
}

void print_verdicts(const json& r) {
  for (const auto& i : r["instances"]) {
    const std::string outcome = i["outcome"];
    std::cout << "  " << i["instance"].get<std::uint64_t>() << "  " << outcome;
    if (i.contains("reason")) std::cout << ": " << i["reason"].get<std::string>();
    std::cout << "\n";
    if (!i.contains("report")) continue;
    for (const auto& t : i["report"].value("timers", json::array())) {
      std::cout << "      timer " << t["timer"].get<std::string>() << ": "
                << t["rule"].get<std::string>();
      if (t.contains("due"))
        std::cout << ", due " << t["due"].get<std::string>() << " (was "
                  << t["was"].get<std::string>() << ")";
      std::cout << "\n";
    }
    for (const auto& x : i["report"].value("subscriptions", json::array())) {
      std::cout << "      subscription " << x["event"].get<std::string>() << ": "
                << x["rule"].get<std::string>();
      if (x.contains("correlationKey"))
        std::cout << ", correlation key " << x["correlationKey"].get<std::string>();
      std::cout << "\n";
    }
    for (const auto& a : i["report"].value("armed", json::array()))
      std::cout << "      armed " << a.get<std::string>() << " (new in this version)\n";
  }
  std::cout << r["selected"] << " instance(s) of " << r["process"].get<std::string>() << " v"
            << r["from"] << " -> v" << r["to"] << ":";
  for (const auto& [outcome, n] : r["counts"].items()) std::cout << " " << n << " " << outcome;
  std::cout << "\n";
}

}  // namespace

void add_migrate(CLI::App& app, int& exit_code) {
  auto* migrate = app.add_subcommand(
      "migrate",
      "Move running instances to another version of their process: plan, dry-run, run\n"
      "(docs/operations.md#migration).");
  migrate->require_subcommand(1);

  struct PlanArgs : AdminArgs {
    std::string process, out, timers = "keep";
    int from = 0, to = 0;
    std::vector<std::string> map, timer_rules;
  };
  auto p = std::make_shared<PlanArgs>();
  auto* plan_cmd = migrate->add_subcommand(
      "plan",
      "Build a migration plan: elements with the same id and a compatible type map by\n"
      "themselves; the rest need --map. Prints what is unmapped. Exit 0 written, 1 unknown\n"
      "process or version or a mapping that does not fit, 2 usage, 3 database.");
  plan_cmd->add_option("process", p->process, "Process id")->required();
  plan_cmd->add_option("--from", p->from, "Version the instances run now")->required();
  plan_cmd->add_option("--to", p->to, "Version to move them to")->required();
  plan_cmd->add_option("--map", p->map,
                       "OLD_ID=NEW_ID for an element whose id changed (repeatable)");
  plan_cmd
      ->add_option("--timers", p->timers,
                   "keep (the due time), recompute (from now), rebase (from when the timer "
                   "began)")
      ->check(CLI::IsMember({"keep", "recompute", "rebase"}))
      ->capture_default_str();
  plan_cmd->add_option("--timer", p->timer_rules, "TIMER_ID=keep|recompute|rebase for one timer");
  plan_cmd->add_option("--out", p->out, "Write the plan (JSON) to this file");
  add_admin_options(plan_cmd, *p);
  plan_cmd->callback([p, &exit_code] {
    auto map = parse_map(p->map);
    auto rules = parse_map(p->timer_rules);
    if (!map || !rules) {
      exit_code = kExitUsage;
      return;
    }
    const json request = {{"process", p->process}, {"from", p->from},     {"to", p->to},
                          {"map", *map},           {"timers", p->timers}, {"timerRules", *rules}};
    exit_code = run_admin(
        "migrate plan", *p, true,
        [&](Engine& e) -> Result<json> {
          auto r = e.migration_plan(request);
          if (!r || p->out.empty()) return r;
          std::ofstream out(p->out, std::ios::trunc);
          out << r->dump(2) << "\n";
          if (!out) return fail(Errc::InvalidArgument, p->out + ": cannot be written");
          return r;
        },
        [p](const json& r) {
          std::cout << "Plan for " << r["process"].get<std::string>() << " v" << r["from"]
                    << " -> v" << r["to"] << ": " << r["mappings"].size() << " element(s) map, "
                    << r["unmapped"].size() << " unmapped, " << r["instances"]
                    << " active instance(s) on v" << r["from"] << "\n";
          for (const auto& m : r["mappings"])
            if (m["by"] == "map")
              std::cout << "  mapped   " << m["from"].get<std::string>() << " -> "
                        << m["to"].get<std::string>() << "\n";
          for (const auto& u : r["unmapped"])
            std::cout << "  unmapped " << u["element"].get<std::string>() << " ("
                      << u["type"].get<std::string>() << "): " << u["why"].get<std::string>()
                      << "\n";
          for (const auto& t : r["timerPlan"])
            std::cout << "  timer    " << t["timer"].get<std::string>() << ": "
                      << t["rule"].get<std::string>() << "\n";
          if (!p->out.empty())
            std::cout << "Written to " << p->out << "; check it with: elva migrate dry-run "
                      << p->out << "\n";
        });
  });

  struct RunArgs : AdminArgs {
    std::string plan, instances = "all", reason;
    int batch = 100;
  };
  auto d = std::make_shared<RunArgs>();
  auto* dry = migrate->add_subcommand(
      "dry-run",
      "Check each selected instance against its actual state with the real migration, without\n"
      "committing it: migrates / needs-mapping / refused, and why. Exit 0 all can move, 1 some\n"
      "cannot, 2 usage, 3 database.");
  dry->add_option("plan", d->plan, "Plan file (elva migrate plan --out)")->required();
  dry->add_option("--instances", d->instances, "all, ids:1,2,3 or businessKey:TEXT")
      ->check(instance_query_error)
      ->capture_default_str();
  add_admin_options(dry, *d);
  dry->callback([d, &exit_code] {
    auto plan = read_json_file(d->plan);
    if (!plan) {
      std::cerr << "elva migrate dry-run: " << plan.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    json result;
    exit_code = run_admin(
        "migrate dry-run", *d, true,
        [&](Engine& e) -> Result<json> {
          auto r = e.migration_dry_run(*plan, d->instances);
          if (r) result = *r;
          return r;
        },
        print_verdicts);
    if (exit_code == kExitOk && !all_moved(result)) exit_code = kExitFindings;
  });

  auto r = std::make_shared<RunArgs>();
  auto* run = migrate->add_subcommand(
      "run",
      "Migrate the selected instances, each in its own transaction, with --reason in their\n"
      "history. Run it again to resume after an interruption: instances already moved are left\n"
      "alone. Exit 0 all moved, 1 some did not (listed), 2 usage, 3 database.");
  run->add_option("plan", r->plan, "Plan file (elva migrate plan --out)")->required();
  run->add_option("--instances", r->instances, "all, ids:1,2,3 or businessKey:TEXT")
      ->check(instance_query_error)
      ->capture_default_str();
  run->add_option("--reason", r->reason, "Why (goes into each instance's history)")->required();
  run->add_option("--batch", r->batch, "Report progress every N instances")->capture_default_str();
  add_admin_options(run, *r);
  run->callback([r, &exit_code] {
    auto plan = read_json_file(r->plan);
    if (!plan) {
      std::cerr << "elva migrate run: " << plan.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    json result;
    exit_code = run_admin(
        "migrate run", *r, true,
        [&](Engine& e) -> Result<json> {
          auto out =
              e.migration_run(*plan, r->instances, r->reason, r->batch, [](const json& progress) {
                std::cerr << "migrated " << progress["done"] << " of " << progress["of"] << "\n";
              });
          if (out) result = *out;
          return out;
        },
        print_verdicts);
    if (exit_code == kExitOk && !all_moved(result)) exit_code = kExitFindings;
  });
}

}  // namespace elva::cli
