// `elva stats PROCESS [--by unit] [--from DATE --to DATE]`: a process's performance figures, the
// same as GET /api/stats/{process} (docs/operations.md#stats); `elva network [PROCESS]
// [--people]`: hand-offs between units, as GET /api/network (#network). Exit 0 shown, 1 not
// deployed or a bad date, 2 usage, 3 database.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "commands/admin.hpp"
#include "commands/commands.hpp"

namespace elva::cli {
namespace {

using nlohmann::json;

// Seconds as people read a duration: 45 s, 12 min, 3.5 h, 9.2 d; "-" when nothing was measured.
std::string span(const json& seconds) {
  if (!seconds.is_number()) return "-";
  const double s = seconds.get<double>();
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.0f s", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
  else if (s < 48 * 3600)
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  else
    std::snprintf(buf, sizeof buf, "%.1f d", s / 86400);
  return buf;
}

std::string p50_p90(const json& t) { return span(t["p50"]) + " / " + span(t["p90"]); }

void print_instances(const json& i, const std::string& indent) {
  std::cout << indent << "started " << i["started"] << ", completed " << i["completed"]
            << ", running " << i["running"] << "; lead time p50/p90 " << p50_p90(i["leadTime"])
            << "\n";
}

void print_tasks(const json& tasks, const std::string& indent) {
  for (const auto& t : tasks) {
    std::cout << indent << t["element"].get<std::string>() << " (" << t["name"].get<std::string>()
              << "): " << t["tasks"] << " tasks, waited p50/p90 " << p50_p90(t["wait"]) << ", "
              << t["waitingNow"] << " waiting now\n";
  }
}

void print(const json& s) {
  std::cout << s["process"].get<std::string>() << " (" << s["name"].get<std::string>() << ", v"
            << s["version"] << ") from " << s["from"].get<std::string>() << " to "
            << s["to"].get<std::string>() << "\n";
  print_instances(s["instances"], "  ");
  if (!s["steps"].empty()) std::cout << "Steps (lead time p50/p90):\n";
  for (const auto& st : s["steps"]) {
    std::cout << "  " << st["element"].get<std::string>() << " (" << st.value("type", "")
              << "): " << st["completed"] << " completed, " << p50_p90(st["leadTime"]) << "\n";
  }
  if (!s["userTasks"].empty()) std::cout << "Waiting before user tasks:\n";
  print_tasks(s["userTasks"], "  ");
  const auto& o = s["overdue"];
  std::cout << "Overdue tasks: " << o["total"] << "\n";
  for (const auto& h : o["byHolder"]) {
    std::cout << "  " << h["holder"].get<std::string>() << ": " << h["tasks"] << " (oldest due "
              << h["oldestDue"].get<std::string>() << ")\n";
  }
  if (!s["throughput"].empty()) std::cout << "Per week (started / completed):\n";
  for (const auto& w : s["throughput"]) {
    std::cout << "  " << w["week"].get<std::string>() << "  " << w["started"] << " / "
              << w["completed"] << "\n";
  }
  if (s["deadline"].is_object()) {
    const auto& d = s["deadline"];
    std::cout << "Deadline " << d["duration"].get<std::string>() << " from the start: " << d["met"]
              << " of " << d["completed"] << " completed in time";
    if (d["share"].is_number())
      std::cout << " (" << static_cast<int>(d["share"].get<double>() * 100 + 0.5) << "%)";
    std::cout << "; running " << d["late"] << " late, " << d["atRisk"]
              << " at risk (past 80% of it)\n";
    for (const auto& c : d["cases"]) {
      std::cout << "  instance " << c["instance"] << " due " << c["dueAt"].get<std::string>()
                << (c["late"].get<bool>() ? "  LATE" : "") << "\n";
    }
  }
  if (s.contains("units")) {
    for (const auto& u : s["units"]) {
      std::cout << "Unit " << u["unit"].get<std::string>() << ":\n";
      print_instances(u, "  ");
      print_tasks(u["userTasks"], "  ");
      std::cout << "  overdue tasks: " << u["overdue"] << "\n";
    }
  }
}

}  // namespace

void add_stats(CLI::App& app, int& exit_code) {
  struct StatsArgs : AdminArgs {
    std::string process, by, from, to;
  };
  auto a = std::make_shared<StatsArgs>();
  auto* cmd = app.add_subcommand(
      "stats",
      "A process's figures: started, completed, running, lead times per process and step,\n"
      "waiting before user tasks, overdue tasks and who holds them, throughput per week, and\n"
      "its deadline (elva:deadline) met. Exit codes: 0 shown, 1 not deployed or a bad date,\n"
      "2 usage, 3 database.");
  cmd->add_option("process", a->process, "Process id")->required();
  cmd->add_option("--by", a->by, "unit: also split by organisational unit")
      ->check(CLI::IsMember({"unit"}));
  cmd->add_option("--from", a->from, "From this date (2026-01-01; default: 90 days before --to)");
  cmd->add_option("--to", a->to, "Until this date, excluded (default: now)");
  add_admin_options(cmd, *a);
  cmd->callback([a, &exit_code] {
    exit_code = run_admin(
        "stats", *a, true,
        [&](Engine& e) {
          json query = json::object();
          if (!a->from.empty()) query["from"] = a->from;
          if (!a->to.empty()) query["to"] = a->to;
          if (!a->by.empty()) query["by"] = a->by;
          return e.stats(a->process, query);
        },
        print);
  });
}

void add_network(CLI::App& app, int& exit_code) {
  struct NetworkArgs : AdminArgs {
    std::string process, from, to;
    bool people = false;
  };
  auto a = std::make_shared<NetworkArgs>();
  auto* cmd = app.add_subcommand(
      "network",
      "The organisation as a network: from the actions people took in cases, which units pass\n"
      "work to which (how often, how long the case took to cross) and which work on the same\n"
      "cases. Exit codes: 0 shown, 1 not deployed or a bad date, 2 usage, 3 database.");
  cmd->add_option("process", a->process, "Process id (default: every process)");
  cmd->add_option("--from", a->from, "From this date (2026-01-01; default: 90 days before --to)");
  cmd->add_option("--to", a->to, "Until this date, excluded (default: now)");
  cmd->add_flag("--people", a->people,
                "Persons instead of units, for those in units of 5 people or more (the others\n"
                "stay their unit)");
  add_admin_options(cmd, *a);
  cmd->callback([a, &exit_code] {
    exit_code = run_admin(
        "network", *a, true,
        [&](Engine& e) {
          json query = json::object();
          if (!a->from.empty()) query["from"] = a->from;
          if (!a->to.empty()) query["to"] = a->to;
          query["people"] = a->people;
          return e.network(a->process, query);
        },
        [](const json& n) {
          std::cout << (n["process"].is_string() ? n["process"].get<std::string>()
                                                 : std::string("every process"))
                    << " from " << n["from"].get<std::string>() << " to "
                    << n["to"].get<std::string>() << "\n";
          std::cout << (n["people"].get<bool>() ? "People and units" : "Units")
                    << " (actions, people, cases):\n";
          for (const auto& node : n["nodes"]) {
            std::cout << "  " << node["id"].get<std::string>() << ": " << node["actions"] << ", "
                      << node["people"] << ", " << node["cases"] << "\n";
          }
          std::cout << "Hand-offs (times, time to cross p50/p90):\n";
          for (const auto& h : n["handoffs"]) {
            std::cout << "  " << h["from"].get<std::string>() << " -> "
                      << h["to"].get<std::string>() << ": " << h["count"] << ", "
                      << p50_p90(h["time"]) << "\n";
          }
          std::cout << "Working on the same cases:\n";
          for (const auto& t : n["together"]) {
            std::cout << "  " << t["a"].get<std::string>() << " + " << t["b"].get<std::string>()
                      << ": " << t["cases"] << " cases\n";
          }
        });
  });
}

void add_history(CLI::App& app, int& exit_code) {
  struct ExportArgs : AdminArgs {
    std::string process, from, to, out, as = "xes";
  };
  auto a = std::make_shared<ExportArgs>();
  // `elva history` is shared with `elva history cleanup` (privacy.cpp), whichever adds it first.
  CLI::App* history = nullptr;
  for (auto* sub : app.get_subcommands([](CLI::App* s) { return s->get_name() == "history"; }))
    history = sub;
  if (!history) {
    history = app.add_subcommand("history", "History for process mining tools.");
    history->require_subcommand(1);
  }
  auto* cmd = history->add_subcommand(
      "export",
      "The instances of a process started in a window, with every element transition, as an\n"
      "IEEE 1849 XES event log or an OCEL 2.0 JSON log (PM4Py, ProM, Celonis read them). No\n"
      "variables, no business keys.\n"
      "Exit codes: 0 written, 1 not deployed or a bad date, 2 usage, 3 database.");
  cmd->add_option("process", a->process, "Process id")->required();
  cmd->add_option("--format", a->as, "xes (IEEE 1849-2016) or ocel (OCEL 2.0 JSON)")
      ->check(CLI::IsMember({"xes", "ocel"}))
      ->capture_default_str();
  cmd->add_option("--from", a->from, "Instances started from this date (default: 90 days ago)");
  cmd->add_option("--to", a->to, "... until this date, excluded (default: now)");
  cmd->add_option("--out", a->out, "Write to this file (default: standard output)");
  cmd->add_option("--db", a->db,
                  "PostgreSQL URL (default: $ELVA_DATABASE_URL, else the embedded database)");
  cmd->callback([a, &exit_code] {
    exit_code = run_admin(
        "history export", *a, true,
        [&](Engine& e) -> Result<json> {
          json query = json::object();
          if (!a->from.empty()) query["from"] = a->from;
          if (!a->to.empty()) query["to"] = a->to;
          auto xes =
              a->as == "ocel" ? e.export_ocel(a->process, query) : e.export_xes(a->process, query);
          if (!xes) return fail(xes.error());
          if (a->out.empty()) {
            std::cout << *xes;
          } else {
            std::ofstream f(a->out, std::ios::binary);
            f << *xes;
            if (!f) return fail(Errc::InvalidArgument, a->out + ": cannot be written");
          }
          return json::object();
        },
        [](const json&) {});
  });
}

}  // namespace elva::cli
