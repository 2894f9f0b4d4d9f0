// `elva demo`: Elva's main job for a newcomer. Starts the demo HR system (a SCIM server), a mail
// sink and an e-service portal (Node.js programs under examples/), deploys the process library
// into Elva's embedded database (or --db), takes users and units from HR, starts a hire, a
// deviation and a plan approval, prints where to log in, and then becomes `elva serve` with the
// task list until Ctrl-C (which stops the demo programs too).
//
//   elva demo [--source DIR] [--db URL] [--stop-after SECONDS]
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "elva/bpmn.hpp"
#include "elva/connectors.hpp"

#ifndef ELVA_SOURCE_DIR
#define ELVA_SOURCE_DIR "."
#endif

namespace elva::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts `node script args...` with its output in `log`; it gets SIGTERM when Elva ends. Waits
// until it prints "listening on". Errors say what the program printed.
Result<pid_t> start_peer(const std::string& name, const fs::path& script,
                         const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid < 0) return fail(Errc::Internal, "cannot start " + name);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<std::string> argv{"node", script.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    ::execvp("node", raw.data());
    std::fprintf(stderr, "cannot run node: %s\n", std::strerror(errno));
    ::_exit(127);
  }
  for (int i = 0; i < 150; ++i) {
    if (read_text(log).find("listening on") != std::string::npos) return pid;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGTERM);
  return fail(
      Errc::InvalidArgument,
      name + " did not start (is its port taken by an earlier demo?). It said:\n" + read_text(log));
}

std::string in_days(int days) {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() +
                                                      std::chrono::hours(24 * days));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT08:00:00Z", &tm);
  return buf;
}

}  // namespace

void add_demo(CLI::App& app, int& exit_code) {
  struct Args : AdminArgs {
    std::string source = ELVA_SOURCE_DIR;
    int stop_after = 0;
    bool reset = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "demo",
      "Elva's main job, for trying it: starts a demo HR system (SCIM), a mail sink and an "
      "e-service\n"
      "portal, deploys the process library into Elva's embedded database, starts a hire, a "
      "deviation\n"
      "and a plan approval, prints where to log in, then runs the engine and the task list until\n"
      "Ctrl-C. Needs Node.js and the npm packages of the source tree (scripts/install-deps).");
  cmd->add_option("--source", a->source, "The Elva source tree (processes/, examples/)")
      ->capture_default_str();
  cmd->add_option("--stop-after", a->stop_after, "Stop by itself after this many seconds");
  cmd->add_flag("--reset", a->reset,
                "Start afresh: cancel what earlier demos left running (their tasks go too), then "
                "start the three demo cases anew");
  cmd->add_option("--db", a->db,
                  "PostgreSQL URL (default: Elva's own embedded database under $ELVA_HOME)");
  cmd->callback([a, &exit_code] {
    const fs::path src = a->source;
    if (!fs::exists(src / "processes") || !fs::exists(src / "examples" / "demo" / "elva.toml")) {
      std::cerr
          << "elva demo: " << src
          << " is not the Elva source tree (no processes/ and examples/demo/); give --source\n";
      exit_code = kExitUsage;
      return;
    }
    if (!fs::exists(src / "node_modules" / "scimmy") ||
        std::system("node --version >/dev/null 2>&1") != 0) {
      std::cerr << "elva demo: the demo HR system and mail sink run on Node.js with the npm "
                   "packages of the source tree; "
                   "run scripts/install-deps first\n";
      exit_code = kExitUsage;
      return;
    }
    const fs::path logs = fs::temp_directory_path() / ("elva-demo-" + std::to_string(::getuid()));
    fs::create_directories(logs);
    std::cout << "== demo systems (logs in " << logs.string() << ")\n";
    struct Peer {
      const char* name;
      fs::path script;
      std::vector<std::string> args;
      const char* what;
    };
    const std::vector<Peer> peers = {
        {"the HR system",
         src / "examples/hr-scim-server/server.mjs",
         {"--port", "8086", "--seed", (src / "examples/hr-scim-server/org.json").string()},
         "HR system (SCIM 2.0)  http://127.0.0.1:8086/scim/v2/Users"},
        {"the mail sink",
         src / "examples/smtp-sink/server.mjs",
         {"--port", "2525", "--http-port", "2580"},
         "mail sink            smtp://127.0.0.1:2525, read the mails at http://127.0.0.1:2580/"},
        {"the e-service portal",
         src / "examples/eservice-portal/server.mjs",
         {"--port", "8087"},
         "e-service portal     http://127.0.0.1:8087/"},
    };
    for (const auto& p : peers) {
      auto pid = start_peer(p.name, p.script, p.args,
                            logs / (p.script.parent_path().filename().string() + ".log"));
      if (!pid) {
        std::cerr << "elva demo: " << pid.error().message << "\n";
        exit_code = kExitUsage;
        return;
      }
      std::cout << "  " << p.what << "\n";
    }
    const std::string config_path = (src / "examples/demo/elva.toml").string();
    auto config = connectors::load_config(config_path);
    if (!config) {
      std::cerr << "elva demo: " << config.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    a->registry = config->registry;
    a->calendar = config->calendar;
    std::vector<std::string> started;
    exit_code = run_admin(
        "demo", *a, true,
        [&](Engine& e) -> Result<json> {
          if (a->reset) {
            // The HR system and the mail sink start empty anyway; the engine's cases are ended.
            auto running = e.instances("", "active", 100000);
            if (!running) return fail(running.error());
            for (const auto& i : *running) {
              if (auto r = e.cancel(i["id"].get<std::uint64_t>()); !r) return fail(r.error());
            }
            std::cout << "\n== reset: " << running->size() << " cases of earlier demos cancelled\n";
          }
          auto files = expand_bpmn_paths({(src / "processes").string()}, true);
          if (!files) return fail(files.error());
          auto d = e.deploy(*files);
          if (!d) return fail(d.error());
          std::cout << "\n== the process library: " << (*d)["processes"].size() << " processes, "
                    << (*d)["decisions"].size() << " decision tables, " << (*d)["forms"].size()
                    << " forms deployed, translated into " << (*d)["translations"].size()
                    << " languages (" << (src / "processes").string() << ")\n";
          auto users = read_json_file((src / "examples/demo-users.json").string());
          if (!users) return fail(users.error());
          if (auto r = e.import_users(*users); !r) return fail(r.error());
          auto hr = import_hr_users(e, *config->registry->find("hr"));
          if (!hr) return fail(hr.error());
          std::cout << "== users: passwords from examples/demo-users.json, units and managers from "
                       "the HR system ("
                    << (*hr)["users"] << " people)\n";
          struct Start {
            const char* process;
            const char* key;
            json vars;
            const char* waiting;
          };
          const std::vector<Start> starts = {
              {"personnel-hire",
               "E-1010",
               {{"employee",
                 {{"number", "1010"},
                  {"userName", "nils"},
                  {"givenName", "Nils"},
                  {"familyName", "Nyman"},
                  {"email", "nils@kommun.example"},
                  {"department", "IT"},
                  {"manager", "1003"}}},
                {"startDate", in_days(14)}},
               "a hire (Nils Nyman, IT) waits for a manager's approval: anna or emma"},
              {"deviation",
               "AV-2026-0001",
               {{"category", "quality"},
                {"description", "Invoices to a supplier were paid twice"},
                {"personalInjury", false},
                {"costEstimate", 150000},
                {"unit", "IT"},
                {"reporter", {{"name", "Erik Sund"}, {"email", "erik@kommun.example"}}}},
               "a deviation (paid twice) waits for the quality group's investigation: sara"},
              {"plan-approval",
               "P-2027-4",
               {{"planId", "P-2027-4"},
                {"level", 4},
                {"title", "Verksamhetsplan 2027-2030"},
                {"budget", 30000000},
                {"units", {"Utbildning", "Stadsbyggnad", "IT"}},
                {"publishTo", {"alla@kommun.example"}}},
               "a 4-year plan waits for the planners' draft: ola or jonas"},
          };
          std::cout << "\n== three instances waiting for people\n";
          for (const auto& s : starts) {
            auto existing = e.instances(s.process, "active", 1000);
            if (!existing) return fail(existing.error());
            bool running = false;
            for (const auto& i : *existing) running |= i["businessKey"] == s.key;
            if (!running) {
              auto r = e.start(s.process, s.vars, s.key);
              if (!r) return fail(r.error());
            }
            std::cout << "  " << s.process << " " << s.key
                      << (running ? " (from an earlier demo)" : "") << ": " << s.waiting << "\n";
          }
          return json::object();
        },
        [](const json&) {});
    if (exit_code != kExitOk) return;
    std::cout
        << "\n== log in to the task list: http://127.0.0.1:8080/tasklist/\n"
           "  anna / anna-demo-1    manager, director (Swedish)   emma / emma-demo-1   IT manager "
           "(English)\n"
           "  sara / sara-demo-1    quality and safety (Swedish)  ola / ola-demo-1     HR, planner "
           "(Norwegian)\n"
           "  jonas / jonas-demo-1  planner, permits              admin / admin-demo-1 everything "
           "(REST API)\n"
           "  Demo passwords from examples/demo-users.json; never use them for real.\n"
           "== the cockpit: http://127.0.0.1:8080/cockpit/ as admin / admin-demo-1 or dev / "
           "dev-demo-1\n"
           "  the processes' diagrams with where the cases are, search, dashboards, the network\n"
           "\n== try it, step by step\n"
           "  1. Log in as anna. Her task approves the hire of Nils Nyman: the case beside it says "
           "who is\n"
           "     hired, from when and to which unit. Approve it, with a comment.\n"
           "  2. Log out and log in as ola (HR). His task checks the hire and has the contract "
           "signed; it\n"
           "     shows anna's decision and comment under \"Earlier steps\". Complete it.\n"
           "  3. The HR system now has Nils, with his unit and manager:\n"
           "     http://127.0.0.1:8086/scim/v2/Users?filter=userName%20eq%20%22nils%22\n"
           "  4. The mail sink shows each task prompt (with a link straight to the task) and the "
           "welcome\n"
           "     mail: http://127.0.0.1:2580/\n"
           "  5. As emma, \"Start a request\": report a deviation with its form, follow it under "
           "\"My requests\"\n"
           "     (it waits for the quality group: sara), and withdraw it before sara "
           "investigates.\n"
           "  6. A citizen applies for an excavation permit (jonas gets the task):\n"
           "     curl -s -H 'content-type: application/json' -d '{\"applicant\": {\"name\": "
           "\"Kari\", \"email\": \"kari@example.no\"},"
           " \"data\": {\"address\": \"Storgata 1\", \"area\": 30, \"weeks\": 6, \"plan\": "
           "\"dig 2 m\"}}' http://127.0.0.1:8080/eservice/excavation-permit\n"
           "  REST API: http://127.0.0.1:8080/api (OpenAPI: /api/openapi.json). `elva demo "
           "--reset` "
           "starts afresh.\n"
           "  Stop with Ctrl-C.\n\n"
        << std::flush;
    // Become `elva serve` (the demo programs are our children and end with us).
    std::vector<std::string> argv{"elva", "serve", "--config", config_path};
    if (!a->db.empty()) argv.insert(argv.end(), {"--db", a->db});
    if (a->stop_after > 0) argv.insert(argv.end(), {"--stop-after", std::to_string(a->stop_after)});
    std::vector<char*> raw;
    for (auto& s : argv) raw.push_back(s.data());
    raw.push_back(nullptr);
    ::execv("/proc/self/exe", raw.data());
    std::cerr << "elva demo: cannot start elva serve: " << std::strerror(errno) << "\n";
    exit_code = kExitUsage;
  });
}

}  // namespace elva::cli
