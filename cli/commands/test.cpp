// `elva test SCENARIO...`: run scenarios in memory; "N passed, N failed" at the end.
// Exit 0 all passed, 1 any failed, 2 usage error or unreadable scenario.
#include <filesystem>
#include <iostream>

#include "commands/commands.hpp"
#include "elva/scenario.hpp"
#include "output.hpp"

namespace elva::cli {
namespace {

struct TestArgs {
  std::vector<std::string> paths;
  bool strict = false;
  bool trace = false;
  bool update_traces = false;
  bool require_traces = false;
  std::string db;
};

std::vector<std::string> expand(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const auto name = it->path().filename().string();
      if (it->is_regular_file() && name.size() > 14 &&
          name.substr(name.size() - 14) == ".scenario.json") {
        found.push_back(it->path().string());
      }
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

int run(const TestArgs& args) {
  int passed = 0, failed = 0, code = kExitOk;
  for (const auto& path : expand(args.paths)) {
    ScenarioOptions options;
    options.strict = args.strict;
    options.golden =
        args.update_traces ? ScenarioOptions::Golden::Update : ScenarioOptions::Golden::Compare;
    options.require_trace = args.require_traces;
    options.database_url = args.db;
    auto report = run_scenario(path, options);
    if (!report) {
      std::cerr << red("error: ") << report.error().message << "\n";
      ++failed;
      code = kExitUsage;
      continue;
    }
    if (report->passed) {
      ++passed;
      std::cout << green("pass") << "  " << report->name << "  (" << path << ")\n";
    } else {
      ++failed;
      if (code == kExitOk) code = kExitFindings;
      std::cout << red("FAIL") << "  " << report->name << "  (" << path << ")\n";
      for (const auto& f : report->failures) std::cout << "      " << f << "\n";
    }
    if (report->trace_written) std::cout << "      wrote " << golden_trace_path(path) << "\n";
    if (!report->unmocked.empty()) {
      std::cout << "      no mock for";
      for (const auto& u : report->unmocked) std::cout << " " << u;
      std::cout << " (completed with no output; --strict makes this a failure)\n";
    }
    if (args.trace || !report->passed) {
      if (args.trace)
        for (const auto& t : report->trace) std::cout << "      | " << t << "\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return code;
}

}  // namespace

void add_test(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TestArgs>();
  auto* cmd = app.add_subcommand(
      "test",
      "Run scenario tests (*.scenario.json, or directories of them) through the same command\n"
      "pipeline as `elva serve`, in memory (or on PostgreSQL with --db), with a virtual clock and\n"
      "mocked connectors. Each trace is compared with its golden trace (x.trace) when there is "
      "one.\n"
      "Format: docs/scenarios.md.\n"
      "Exit codes: 0 all passed, 1 a scenario failed, 2 usage error or unreadable scenario.");
  cmd->add_option("scenarios", args->paths, "Scenario files or directories")->required();
  cmd->add_flag("--strict", args->strict, "Fail when a connector has no mock");
  cmd->add_flag("--trace", args->trace, "Print each instance's event trace");
  cmd->add_flag(
      "--update-traces", args->update_traces,
      "Write each passing scenario's trace as its golden trace (x.scenario.json -> x.trace)");
  cmd->add_flag("--require-traces", args->require_traces,
                "Fail a scenario that has no golden trace");
  cmd->add_option(
      "--db", args->db,
      "Run on this PostgreSQL server instead of in memory: each scenario in a throwaway database\n"
      "of its own (the user needs the right to create databases)");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace elva::cli
