// `elva deploy FILE...` and `elva definitions [PROCESS]`. A file whose content is unchanged makes
// no new version. Exit 0 deployed, 1 a file has errors (nothing is deployed), 2 usage, 3 database.
#include <iomanip>
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "elva/bpmn.hpp"

namespace elva::cli {

void add_deploy(CLI::App& app, int& exit_code) {
  struct Args : AdminArgs {
    std::vector<std::string> files;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "deploy",
      "Deploy BPMN and DMN files (or directories of them): every executable process and\n"
      "every decision gets a new version, unless its file is unchanged. Running instances\n"
      "keep their process version; business rule tasks use the latest decision.\n"
      "Exit codes: 0 deployed, 1 a file has errors (nothing deployed), 2 usage, 3 database.");
  cmd->add_option("files", args->files, "BPMN files or directories")->required();
  add_admin_options(cmd, *args);
  add_config_option(cmd, *args);
  cmd->callback([args, &exit_code] {
    auto files = expand_bpmn_paths(args->files, true);
    if (!files) {
      std::cerr << "elva deploy: " << files.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    exit_code = run_admin(
        "deploy", *args, true, [&](Engine& e) { return e.deploy(*files); },
        [](const nlohmann::json& r) {
          for (const auto& p : r["processes"]) {
            std::cout << std::left << std::setw(28) << p["process"].get<std::string>()
                      << " version " << p["version"]
                      << (p["unchanged"].get<bool>() ? "  unchanged" : "  deployed") << "  ("
                      << p["file"].get<std::string>() << ")\n";
          }
          for (const auto& d : r["decisions"]) {
            std::cout << std::left << std::setw(28) << d["decision"].get<std::string>()
                      << " version " << d["version"]
                      << (d["unchanged"].get<bool>() ? "  unchanged" : "  deployed") << "  ("
                      << d["file"].get<std::string>() << ", DMN)\n";
          }
          for (const auto& f : r["forms"]) {
            std::cout << std::left << std::setw(28) << f["form"].get<std::string>() << " version "
                      << f["version"] << (f["unchanged"].get<bool>() ? "  unchanged" : "  deployed")
                      << "  (" << f["file"].get<std::string>() << ", form)\n";
          }
          if (r["processes"].empty() && r["decisions"].empty() && r["forms"].empty())
            std::cout
                << "No executable process or decision in the files (isExecutable=\"true\").\n";
          for (const auto& w : r["warnings"]) std::cerr << w.get<std::string>() << "\n";
        });
  });

  struct DefinitionsArgs : AdminArgs {
    std::string process;
  };
  auto dargs = std::make_shared<DefinitionsArgs>();
  auto* defs = app.add_subcommand(
      "definitions",
      "List deployed process definitions and their versions; with PROCESS, that process's\n"
      "versions with who deployed them, their version tag and how many instances run on each.\n"
      "Exit codes: 0 listed, 1 the process is not deployed, 2 usage, 3 database.");
  defs->add_option("process", dargs->process, "A process id: its versions");
  add_admin_options(defs, *dargs);
  defs->callback([dargs, &exit_code] {
    if (!dargs->process.empty()) {
      exit_code = run_admin(
          "definitions", *dargs, true, [&](Engine& e) { return e.versions(dargs->process); },
          [](const nlohmann::json& p) {
            std::cout << p["process"].get<std::string>() << " (latest: v" << p["latest"] << ")\n";
            std::cout << "  " << std::left << std::setw(6) << "ver" << std::setw(21) << "deployed"
                      << std::setw(18) << "by" << std::setw(12) << "tag" << std::setw(8) << "active"
                      << std::setw(10) << "incident"
                      << "file\n";
            for (const auto& v : p["versions"]) {
              const std::string tag = v["versionTag"].get<std::string>();
              std::cout << "  " << std::setw(6) << ("v" + std::to_string(v["version"].get<int>()))
                        << std::setw(21) << v["deployedAt"].get<std::string>().substr(0, 19)
                        << std::setw(18) << v["deployedBy"].get<std::string>() << std::setw(12)
                        << (tag.empty() ? "-" : tag) << std::setw(8)
                        << v["instances"]["active"].get<int>() << std::setw(10)
                        << v["instances"]["incident"].get<int>() << v["file"].get<std::string>()
                        << "\n";
            }
          });
      return;
    }
    exit_code = run_admin(
        "definitions", *dargs, true, [](Engine& e) { return e.definitions(); },
        [](const nlohmann::json& rows) {
          if (rows.empty()) std::cout << "Nothing is deployed yet: elva deploy FILE.bpmn\n";
          for (const auto& d : rows) {
            std::cout << std::left << std::setw(28) << d["process"].get<std::string>() << " v"
                      << std::setw(4) << d["version"].get<int>() << " "
                      << d["deployedAt"].get<std::string>().substr(0, 19) << "  "
                      << d["file"].get<std::string>() << "\n";
          }
        });
  });
}

}  // namespace elva::cli
