// `elva history cleanup` (retention) and `elva privacy report` (records of processing, GDPR
// Art. 30): docs/privacy.md. Exit 0 done, 1 the files have errors, 2 usage, 3 database.
#include "elva/privacy.hpp"

#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"

namespace elva::cli {
namespace {

using nlohmann::json;

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string list(const json& items) {
  std::string out;
  if (items.is_string()) return items.get<std::string>();
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i.get<std::string>();
  return out.empty() ? "none" : out;
}

// Markdown for the register of processing activities: one section per process.
void print_markdown(const json& report) {
  std::cout << "# Records of processing\n";
  if (report["processes"].empty()) std::cout << "\nNo executable processes.\n";
  for (const auto& p : report["processes"]) {
    std::cout << "\n## " << (text(p, "name").empty() ? text(p, "process") : text(p, "name"))
              << " (`" << text(p, "process") << "`)\n\n";
    std::cout << "- **Source:** " << text(p, "file");
    if (p.contains("version")) std::cout << ", version " << p["version"];
    std::cout << "\n- **Purpose:** "
              << (text(p, "purpose").empty() ? "not stated (add elva:purpose)" : text(p, "purpose"))
              << "\n- **Retention:** "
              << (p["retention"].is_null()
                      ? std::string("kept (no historyTimeToLive)")
                      : p["retention"].get<std::string>() + " after the case ends, then removed")
              << "\n- **Stored in:** " << list(p["storedIn"]) << "\n";
    std::cout << "\n### Data classes\n\n";
    if (p["variables"].empty()) {
      std::cout << "No variables are marked.\n";
    } else {
      std::cout << "| variable | class | retention | declared in |\n|---|---|---|---|\n";
      for (const auto& v : p["variables"]) {
        std::cout << "| " << text(v, "variable") << (v.value("subject", false) ? " (subject)" : "")
                  << " | " << text(v, "class") << " | "
                  << (v["retention"].is_null() ? std::string("kept")
                                               : v["retention"].get<std::string>())
                  << " | " << text(v, "declaredIn") << " |\n";
      }
    }
    std::cout << "\n### Recipients\n\n";
    if (p["recipients"].empty()) {
      std::cout << "None: no connector or worker receives data.\n";
    } else {
      std::cout << "| task | receiver | kind | variables | of them classified |\n"
                   "|---|---|---|---|---|\n";
      for (const auto& r : p["recipients"]) {
        std::cout << "| " << (text(r, "name").empty() ? text(r, "element") : text(r, "name"))
                  << " | " << text(r, "jobType") << " | " << text(r, "kind") << " | "
                  << list(r["variables"]) << " | " << list(r["classified"]) << " |\n";
      }
    }
  }
}

struct ReportArgs : AdminArgs {
  std::vector<std::string> files;
  bool from_db = false;
};

int report(const ReportArgs& a) {
  auto print = [&](const json& j) {
    if (a.format == "json")
      std::cout << j.dump(2) << "\n";
    else
      print_markdown(j);
  };
  if (a.from_db) {
    return run_admin(
        "privacy report", a, true, [](Engine& e) { return e.privacy_report(); }, print);
  }
  if (a.files.empty()) {
    std::cerr << "elva privacy report: give BPMN files or directories, or --from-db\n";
    return kExitUsage;
  }
  auto r = privacy_report_files(a.files);
  if (!r) {
    std::cerr << "elva privacy report: " << r.error().message << "\n";
    return r.error().code == Errc::ParseError ? kExitFindings : kExitUsage;
  }
  print(*r);
  return kExitOk;
}

}  // namespace

void add_privacy(CLI::App& app, int& exit_code) {
  // `elva history` is shared with `elva history export` (stats.cpp), whichever adds it first.
  CLI::App* history = nullptr;
  for (auto* sub : app.get_subcommands([](CLI::App* s) { return s->get_name() == "history"; }))
    history = sub;
  if (!history) {
    history = app.add_subcommand("history", "");
    history->require_subcommand(1);
  }
  history->description(
      "History: retention cleanup (docs/privacy.md) and export for process mining tools.");
  struct CleanupArgs : AdminArgs {
    Engine::HistoryCleanup options;
  };
  auto c = std::make_shared<CleanupArgs>();
  auto* cleanup = history->add_subcommand(
      "cleanup",
      "Remove what the deployed processes' retention rules say is due: ended instances past\n"
      "their process's historyTimeToLive (with their history, tasks, jobs ...), and values of\n"
      "variables past their data class's retention. Small batches, each its own transaction;\n"
      "a run cut short continues where it stopped next time. Counts are recorded, never values.");
  cleanup->add_flag("--dry-run", c->options.dry_run, "Count what is due; remove nothing");
  cleanup->add_option("--batch", c->options.batch, "Instances per batch (transaction)")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  cleanup
      ->add_option("--max-batches", c->options.max_batches,
                   "Stop after this many batches (0: until nothing is due)")
      ->check(CLI::NonNegativeNumber);
  add_admin_options(cleanup, *c);
  cleanup->callback([c, &exit_code] {
    exit_code = run_admin(
        "history cleanup", *c, true, [c](Engine& e) { return e.history_cleanup(c->options); },
        [](const json& run) {
          const bool dry = run.value("dryRun", false);
          for (const auto& r : run["rules"]) {
            std::cout << r["rule"].get<std::string>() << ": " << r["instances"] << " instances, "
                      << r["history"] << " history rows" << (dry ? " due" : " removed") << "\n";
          }
          const auto& t = run["total"];
          std::cout << (dry ? "Due (dry run, nothing removed): " : "Removed: ") << t["instances"]
                    << " instances, " << t["history"] << " history rows, " << t["tasks"]
                    << " tasks, " << t["incidents"] << " incidents, " << t["attachments"]
                    << " attachments in " << run["batches"] << " batches";
          if (!run.value("finished", true)) std::cout << " (stopped early: run it again)";
          std::cout << ".\n";
        });
  });

  auto* privacy = app.add_subcommand("privacy", "Personal data in processes (docs/privacy.md).");
  privacy->require_subcommand(1);
  auto r = std::make_shared<ReportArgs>();
  auto* rep = privacy->add_subcommand(
      "report",
      "Records of processing (GDPR Art. 30) per process: purpose, data classes with their\n"
      "variables, recipients (connectors and workers and the variables they receive),\n"
      "retention and where the data is stored. From BPMN files, or what is deployed.");
  rep->add_option("files", r->files, "BPMN files or directories");
  rep->add_flag("--from-db", r->from_db, "Report the deployed processes (latest versions)");
  rep->add_option("--db", r->db, "Database URL (default: ELVA_DATABASE_URL, else embedded)");
  rep->add_option("--format", r->format, "md (Markdown) or json")
      ->check(CLI::IsMember({"md", "json", "text"}))
      ->capture_default_str();
  r->format = "md";
  rep->callback([r, &exit_code] { exit_code = report(*r); });

  struct EraseArgs : AdminArgs {
    std::string subject, reason;
  };
  auto x = std::make_shared<EraseArgs>();
  auto* erase = privacy->add_subcommand(
      "erase",
      "Erase the personal and sensitive values of one data subject (GDPR Art. 17) in every\n"
      "case whose subject variable (<elva:data subject=\"true\">) names them: history,\n"
      "instances, task names, waiting jobs, e-service payloads and attachments. Who did what\n"
      "when stays; running cases get an incident. Prints and records a receipt.");
  erase
      ->add_option("--subject", x->subject,
                   "The subject's identifier (as the subject variable "
                   "or one of its fields holds it)")
      ->required();
  erase->add_option("--reason", x->reason, "Why: the request this answers (its reference)")
      ->required();
  add_admin_options(erase, *x);
  erase->callback([x, &exit_code] {
    exit_code = run_admin(
        "privacy erase", *x, true,
        [x](Engine& e) { return e.privacy_erase(x->subject, x->reason); },
        [](const json& receipt) {
          std::cout << "Receipt " << receipt["receipt"] << ": erased " << list(receipt["variables"])
                    << " in " << receipt["instances"].size() << " cases";
          if (!receipt["running"].empty())
            std::cout << "; " << receipt["running"].size()
                      << " running cases got an incident (see `elva incidents`)";
          std::cout << ".\n";
        });
  });

  struct AccessArgs : AdminArgs {
    std::string subject;
    bool values = false;
  };
  auto g = std::make_shared<AccessArgs>();
  auto* access = privacy->add_subcommand(
      "access-log",
      "A data subject's right of access (GDPR Art. 15): their cases, the personal and\n"
      "sensitive data each holds, and who read it when (REST, task list, cockpit, CLI).\n"
      "With --values, the values too (that read is recorded as well).");
  access
      ->add_option("--subject", g->subject,
                   "The subject's identifier (as the subject variable or one of its fields holds "
                   "it)")
      ->required();
  access->add_flag("--values", g->values, "Also print the values (for the subject's copy)");
  add_admin_options(access, *g);
  access->callback([g, &exit_code] {
    exit_code = run_admin(
        "privacy access-log", *g, true,
        [g](Engine& e) { return e.privacy_access_log(g->subject, g->values); },
        [](const json& log) {
          std::cout << log["cases"].size() << " cases hold data about this person:\n";
          for (const auto& held : log["cases"]) {
            std::cout << "  " << held["process"].get<std::string>() << " " << held["instance"]
                      << " (" << held["status"].get<std::string>() << "):";
            for (const auto& h : held["held"])
              std::cout << " " << h["variable"].get<std::string>() << " ("
                        << h["class"].get<std::string>() << ")";
            std::cout << "\n";
            if (held.contains("values")) {
              for (const auto& [k, v] : held["values"].items())
                std::cout << "      " << k << " = " << v.dump() << "\n";
            }
          }
          std::cout << log["reads"].size() << " recorded reads:\n";
          for (const auto& read : log["reads"]) {
            std::cout << "  " << read["at"].get<std::string>() << "  "
                      << read["actor"].get<std::string>() << " read " << list(read["variables"])
                      << " of " << read["instance"] << " (" << read["via"].get<std::string>()
                      << ")\n";
          }
        });
  });
}

}  // namespace elva::cli
