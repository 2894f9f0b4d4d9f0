// `elva import FILE|DIR...`: the import report of another engine's files, a binding skeleton,
// and (with --deploy) the files deployed as `elva deploy` would. Exit 0 every file can be
// deployed (and, with --deploy, was), 1 a file has errors (nothing deployed), 2 usage, 3
// database. See docs/sharing.md.
#include "elva/import.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "commands/package.hpp"
#include "elva/bpmn.hpp"
#include "elva/connectors.hpp"

namespace elva::cli {
namespace {

namespace fs = std::filesystem;

struct ImportArgs : AdminArgs {
  std::vector<std::string> paths;
  std::string binding;   // --binding FILE
  std::string skeleton;  // --skeleton FILE
  bool no_skeleton = false;
  bool deploy = false;
  std::string trust;  // --trust FILE (packages)
};

// Where elva-binding.toml sits "beside the files": the directory given, else the first file's.
fs::path beside(const std::vector<std::string>& paths) {
  std::error_code ec;
  const fs::path first(paths.front());
  if (fs::is_directory(first, ec)) return first;
  return first.has_parent_path() ? first.parent_path() : fs::path(".");
}

int run(ImportArgs& args) {
  // A package: checked (signature, Elva version, parameters, its scenarios), then its files are
  // imported as a directory, named by the package ("name-1.0.0/...").
  UnpackedPackage package;
  const bool is_package = args.paths.size() == 1 && is_package_path(args.paths.front());
  std::error_code ec;
  const fs::path default_binding = beside(args.paths) / "elva-binding.toml";
  std::string binding_file = args.binding;
  if (binding_file.empty() && fs::exists(default_binding, ec)) binding_file = default_binding;
  nlohmann::json binding = nlohmann::json::object();
  if (!binding_file.empty()) {
    auto doc = connectors::read_toml_file(binding_file);
    if (!doc) {
      std::cerr << "elva import: " << doc.error().message << "\n";
      return kExitUsage;
    }
    binding = std::move(*doc);
  }
  fs::path back_to;
  if (is_package) {
    if (const int code =
            unpack_package(args.paths.front(), args.trust, binding, args.format == "json", package))
      return code;
    if (!args.config.empty()) args.config = fs::absolute(args.config).string();
    if (!args.skeleton.empty()) args.skeleton = fs::absolute(args.skeleton).string();
    back_to = fs::current_path(ec);
    fs::current_path(package.root, ec);
    args.paths = {package.dir};
    args.no_skeleton = args.no_skeleton || args.skeleton.empty();
  }
  struct Back {
    fs::path dir;
    ~Back() {
      std::error_code ec;
      if (!dir.empty()) fs::current_path(dir, ec);
    }
  } back{back_to};
  auto files = expand_bpmn_paths(args.paths, true);
  if (!files) {
    std::cerr << "elva import: " << files.error().message << "\n";
    return kExitUsage;
  }
  if (files->empty()) {
    std::cerr << "elva import: no BPMN, DMN or form files found in the paths given\n";
    return kExitUsage;
  }
  ImportOptions options;
  if (!binding_file.empty()) {
    options.binding = binding;
    options.binding_file = binding_file;
  }
  auto config = connectors::load_config(args.config);
  if (!config) {
    std::cerr << "elva import: " << config.error().message << "\n";
    return kExitUsage;
  }
  options.connectors = config->registry.get();
  auto result = import_files(*files, options);
  if (!back.dir.empty()) fs::current_path(back.dir, ec);  // paths given are read from here on
  if (result && is_package)
    result->report["package"] = {{"name", package.manifest["name"]},
                                 {"version", package.manifest["version"]},
                                 {"elva", package.manifest["elva"]},
                                 {"publisher", package.publisher}};
  if (!result) {
    std::cerr << "elva import: " << (binding_file.empty() ? "" : binding_file + ": ")
              << result.error().message << "\n";
    return result.error().code == Errc::InvalidArgument ? kExitUsage : kExitFindings;
  }
  const bool json = args.format == "json";
  if (!json) std::cout << import_report_text(result->report);
  // The skeleton: where asked, else beside the files unless a binding is already there.
  if (!args.no_skeleton) {
    const fs::path target = !args.skeleton.empty() ? fs::path(args.skeleton) : default_binding;
    if (args.skeleton.empty() && fs::exists(target, ec)) {
      if (!json)
        std::cout << "Binding: " << target.string() << " exists; not overwritten (write a "
                  << "skeleton elsewhere with --skeleton FILE)\n";
    } else {
      std::ofstream out(target);
      out << result->binding_skeleton;
      if (!out) {
        std::cerr << "elva import: " << target.string() << ": cannot be written\n";
        return kExitUsage;
      }
      if (!json) std::cout << "Binding skeleton written to " << target.string() << "\n";
    }
  }
  auto print_json = [&] {
    if (json)
      std::cout << result->report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
  };
  if (!result->report["deployable"].get<bool>()) {
    print_json();
    if (args.deploy) std::cerr << "elva import: nothing was deployed; fix the errors first\n";
    return kExitFindings;
  }
  if (!args.deploy) {
    print_json();
    return kExitOk;
  }
  auto deployable = result->files;
  AdminArgs admin = args;
  admin.format = "text";  // one JSON document: the report, with what was deployed in it
  const int code = run_admin(
      "import", admin, true, [&](Engine& e) { return e.deploy_files(deployable); },
      [&](const nlohmann::json& r) {
        result->report["deployed"] = r;
        if (json) return;
        for (const auto& p : r["processes"])
          std::cout << "deployed " << p["process"].get<std::string>() << " version " << p["version"]
                    << (p["unchanged"].get<bool>() ? " (unchanged)" : "") << "\n";
      });
  print_json();
  return code;
}

}  // namespace

void add_import(CLI::App& app, int& exit_code);  // declared for main.cpp

void add_import(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand(
      "import",
      "Import another engine's files (Camunda 7, Operaton, Camunda 8, Flowable, Activiti):\n"
      "report for each element whether it runs, runs after configuration, is degraded or\n"
      "does not run (file:line), what must be configured, and write a binding skeleton\n"
      "(elva-binding.toml). Nothing is deployed unless --deploy. See docs/sharing.md.\n"
      "A package (.elvapkg) is first checked: its signature against the trust file, the Elva\n"
      "version it needs, its parameters (set in the binding's [parameters]) and its scenarios.\n"
      "Exit codes: 0 deployable (and deployed with --deploy), 1 errors (nothing deployed),\n"
      "2 usage, 3 database.");
  cmd->add_option("paths", args->paths, "BPMN files or directories, or one package (.elvapkg)")
      ->required();
  cmd->add_option("--trust", args->trust,
                  "A package's trust file of publishers' keys (default "
                  "$ELVA_HOME/trusted-publishers.toml)");
  cmd->add_option("--binding", args->binding,
                  "The binding file (default: elva-binding.toml beside the files)");
  cmd->add_option("--skeleton", args->skeleton,
                  "Where to write the binding skeleton (default: elva-binding.toml beside the "
                  "files, unless one is there)");
  cmd->add_flag("--no-skeleton", args->no_skeleton, "Write no binding skeleton");
  cmd->add_flag("--deploy", args->deploy, "Deploy the files (bound) as elva deploy does");
  add_admin_options(cmd, *args);
  add_config_option(cmd, *args);
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace elva::cli
