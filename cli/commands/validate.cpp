// `elva validate FILE...`: read and check BPMN files; exit 0 valid, 1 errors, 2 usage/I/O.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "elva/bpmn.hpp"
#include "output.hpp"

namespace elva::cli {
namespace {

struct ValidateArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::size_t max_size = ReadOptions{}.max_file_bytes;
  std::int64_t min_timer_cycle_ms = ReadOptions{}.min_timer_cycle_ms;
  bool quiet = false;
};

nlohmann::json diagnostics_json(const std::vector<Diagnostic>& list) {
  auto out = nlohmann::json::array();
  for (const auto& d : list) {
    out.push_back({{"line", d.pos.line},
                   {"col", d.pos.col},
                   {"element", d.element_id},
                   {"type", d.element_type},
                   {"message", d.message}});
  }
  return out;
}

int run(const ValidateArgs& args) {
  // Directories: their form files and translation files (i18n/LANG.json) too, as deploy reads.
  auto files = expand_bpmn_paths(args.paths, true);
  if (!files) {
    std::cerr << "elva validate: " << files.error().message << "\n";
    return kExitUsage;
  }
  if (files->empty()) {
    std::cerr << "elva validate: no BPMN or DMN files (*.bpmn, *.bpmn2, *.bpmn20.xml, *.dmn, "
                 "*.dmn11.xml ...) found in the paths given\n";
    return kExitUsage;
  }
  const auto reports = validate_files(*files, ReadOptions{args.max_size, args.min_timer_cycle_ms});
  int code = kExitOk;
  for (const auto& r : reports) {
    if (!r.io_error.empty())
      code = kExitUsage;
    else if (!r.valid && code == kExitOk)
      code = kExitFindings;
  }
  if (args.format == "json") {
    auto out = nlohmann::json::array();
    for (const auto& r : reports) {
      nlohmann::json j{{"file", r.file},
                       {"valid", r.valid},
                       {"errors", diagnostics_json(r.errors)},
                       {"warnings", diagnostics_json(r.warnings)}};
      if (!r.io_error.empty()) j["ioError"] = r.io_error;
      out.push_back(std::move(j));
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return code;
  }
  std::size_t valid = 0;
  for (const auto& r : reports) {
    if (!r.io_error.empty()) {
      std::cerr << red("error: ") << r.io_error << "\n";
      continue;
    }
    for (const auto& d : r.errors) std::cout << d.to_string() << "\n";
    if (!args.quiet) {
      for (const auto& d : r.warnings) std::cout << yellow(d.to_string()) << "\n";
    }
    valid += r.valid;
    std::string summary = r.valid ? green("valid") : red("invalid");
    summary += " (" + std::to_string(r.errors.size()) + " errors, " +
               std::to_string(r.warnings.size()) + " warnings)";
    std::cout << bold(r.file) << ": " << summary << "\n";
  }
  if (reports.size() > 1) {
    std::cout << reports.size() << " files: " << valid << " valid, " << reports.size() - valid
              << " invalid\n";
  }
  return code;
}

}  // namespace

void add_validate(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ValidateArgs>();
  auto* cmd = app.add_subcommand(
      "validate",
      "Check BPMN files (or directories of them) for errors and warnings.\n"
      "In a directory, form files and translation files (i18n/LANG.json) are checked too:\n"
      "ids that are not in the processes and forms given, and texts left untranslated.\n"
      "Each finding reads 'file:line:col: element 'id' (type): message'.\n"
      "Exit codes: 0 all valid, 1 errors found, 2 usage error or unreadable file.");
  cmd->add_option(
         "files", args->paths,
         "BPMN files or directories (searched for *.bpmn, *.bpmn2, *.bpmn20.xml, *.dmn ...)")
      ->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--max-size", args->max_size, "Largest file to read, in bytes")
      ->capture_default_str();
  cmd->add_option("--min-timer-cycle", args->min_timer_cycle_ms,
                  "Shortest interval, in ms, a timer cycle may repeat at (as deploy and serve "
                  "refuse faster ones; 0: no check)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", args->quiet, "Print errors only, not warnings");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace elva::cli
