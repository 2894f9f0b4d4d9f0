// `elva serve`: runs the engine (job executor, timers) until Ctrl-C or SIGTERM; with the
// embedded database, that database runs while the engine does. Exit 0 stopped cleanly, 3 database.
#include <csignal>
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "elva/bpmn.hpp"

namespace elva::cli {
namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }
}  // namespace

void add_serve(CLI::App& app, int& exit_code) {
  struct ServeArgs : AdminArgs { std::vector<std::string> deploy; std::string node; int workers = 2; };
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Run the engine: due jobs go to their connectors, timers fire on time, incidents are\n"
                                          "recorded. Several `elva serve` on one database share the work. Stop with Ctrl-C.\n"
                                          "Exit codes: 0 stopped, 1 a file to deploy has errors, 3 database.");
  cmd->add_option("--deploy", a->deploy, "BPMN files or directories to deploy first (unchanged ones keep their version)");
  cmd->add_option("--node", a->node, "This node's name in job leases (default host:pid)");
  cmd->add_option("--workers", a->workers, "Connector calls at once")->capture_default_str();
  add_admin_options(cmd, *a);
  cmd->callback([a, &exit_code] {
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    exit_code = run_admin("serve", *a, true, [&](Engine& e) -> Result<nlohmann::json> {
      if (!a->deploy.empty()) {
        auto files = expand_bpmn_paths(a->deploy);
        if (!files) return fail(files.error());
        auto d = e.deploy(*files);
        if (!d) return fail(d.error());
        for (const auto& p : (*d)["processes"]) {
          std::cerr << "elva serve: " << p["process"].get<std::string>() << " v" << p["version"]
                    << (p["unchanged"].get<bool>() ? " (unchanged)" : " deployed") << "\n";
        }
      }
      auto status = e.db_status();
      if (status) std::cerr << "elva serve: running on " << (*status)["database"].get<std::string>() << "; stop with Ctrl-C\n";
      ServeOptions options;
      options.node = a->node;
      options.workers = a->workers;
      options.stop = &g_stop;
      auto r = e.serve(options);
      if (!r) return fail(r.error());
      std::cerr << "elva serve: stopped\n";
      return nlohmann::json{{"stopped", true}};
    }, [](const nlohmann::json&) {});
  });
}

}  // namespace elva::cli
