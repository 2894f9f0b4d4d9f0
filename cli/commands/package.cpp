// `elva package keygen|build|sign|verify|inspect` and the package half of `elva import`
// (docs/sharing.md#publishing-a-package). Exit codes: 0 done (verify: trusted), 1 the package
// or its files are wrong (not trusted, do not deploy, a scenario failed), 2 usage, 3 database.
#include "commands/package.hpp"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "elva/connectors.hpp"
#include "elva/package.hpp"
#include "elva/scenario.hpp"
#include "output.hpp"
#include "version.hpp"

namespace elva::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Now in UTC, as `format` (strftime) writes it.
std::string utc(const char* format) {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string today() { return utc("%Y-%m-%d"); }

std::string toml_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

// $ELVA_HOME/trusted-publishers.toml (ELVA_HOME: as the embedded database finds it).
std::string default_trust_file() {
  if (const char* t = std::getenv("ELVA_TRUST"); t && *t) return t;
  std::string home;
  if (const char* h = std::getenv("ELVA_HOME"); h && *h)
    home = h;
  else if (const char* u = std::getenv("HOME"); u && *u)
    home = std::string(u) + "/.local/share/elva";
  return home + "/trusted-publishers.toml";
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::InvalidArgument, path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<json> read_package_file(const std::string& path) {
  auto text = read_text(path);
  if (!text) return fail(text.error());
  auto package = parse_package(*text);
  if (!package) return fail(Errc::InvalidArgument, path + ": " + package.error().message);
  return package;
}

bool write_text(const std::string& path, const std::string& text, bool secret = false) {
  if (secret) {
    std::error_code ec;
    fs::remove(path, ec);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (secret) ::chmod(path.c_str(), 0600);
  out << text;
  return static_cast<bool>(out);
}

// The trust file as JSON; a missing default trust file is an empty one.
Result<json> read_trust(const std::string& given) {
  const std::string path = given.empty() ? default_trust_file() : given;
  std::error_code ec;
  if (given.empty() && !fs::exists(path, ec)) return json::object();
  return connectors::read_toml_file(path);
}

// One line of a command's output; git is asked where the package comes from.
std::string run_git(const std::string& dir, const std::string& args) {
  const std::string command = "git -C '" + dir + "' " + args + " 2>/dev/null";
  if (dir.find('\'') != std::string::npos) return "";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buf[256];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

struct ScenarioRun {
  int passed = 0;
  std::vector<std::string> failures;
};

// Writes `files` under `dir` and runs every scenario among them there.
Result<ScenarioRun> run_scenarios(const PackageFiles& files, const fs::path& dir,
                                  ScenarioOptions::Golden golden) {
  std::vector<std::string> scenarios;
  for (const auto& [path, text] : files) {
    const fs::path target = dir / path;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (!write_text(target.string(), text))
      return fail(Errc::InvalidArgument, target.string() + ": cannot be written");
    if (path.size() > 14 && path.substr(path.size() - 14) == ".scenario.json")
      scenarios.push_back(path);
  }
  ScenarioRun run;
  for (const auto& s : scenarios) {
    ScenarioOptions options;
    options.golden = golden;
    auto report = run_scenario((dir / s).string(), options);
    if (!report) {
      run.failures.push_back(s + ": " + report.error().message);
      continue;
    }
    if (report->passed) {
      ++run.passed;
      continue;
    }
    std::string text = s + ": " + report->name;
    for (const auto& f : report->failures) text += "\n      " + f;
    run.failures.push_back(text);
  }
  return run;
}

// A fresh directory under $TMPDIR ("" when none could be made).
std::string make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "elva-package-XXXXXX").string();
  return mkdtemp(tmpl.data()) ? tmpl : std::string();
}

// Removes its directory when it goes.
struct TempDir {
  std::string path = make_temp_dir();
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

void print_check(const PackageCheck& check, std::ostream& out) {
  if (check.trusted) {
    out << "Signature: " << green("trusted") << ", signed by '" << check.publisher << "'"
        << (check.expires.empty() ? "" : " (key valid until " + check.expires + ")") << "\n";
    return;
  }
  out << "Signature: " << red("not trusted") << "\n";
  for (const auto& p : check.problems) out << "  " << p << "\n";
}

json check_json(const PackageCheck& c) {
  return {{"intact", c.intact},       {"signed", c.is_signed}, {"trusted", c.trusted},
          {"publisher", c.publisher}, {"expires", c.expires},  {"problems", c.problems}};
}

void print_manifest(const json& m, std::ostream& out) {
  out << "Package " << m["name"].get<std::string>() << " " << m["version"].get<std::string>()
      << " (" << m["license"].get<std::string>() << ")\n";
  if (!m.value("description", "").empty())
    out << "  " << m["description"].get<std::string>() << "\n";
  auto list = [&](const char* label, const json& items) {
    if (!items.is_array() || items.empty()) return;
    out << label << ":";
    for (const auto& a : items) out << " " << (a.is_string() ? a.get<std::string>() : a.dump());
    out << "\n";
  };
  list("Authors", m.value("authors", json::array()));
  const auto satisfied = version_satisfies(version_number(), m["elva"].get<std::string>());
  out << "Runs on Elva " << m["elva"].get<std::string>() << " (this is " << version_number()
      << (satisfied && *satisfied ? ": yes" : ": no") << ")\n";
  const json built = m.value("built", json::object());
  const json prov = m.value("provenance", json::object());
  out << "Built by " << built.value("by", "?") << " at " << built.value("at", "?");
  if (!prov.value("repository", "").empty())
    out << " from " << prov["repository"].get<std::string>();
  if (!prov.value("commit", "").empty()) out << " commit " << prov["commit"].get<std::string>();
  if (prov.value("uncommittedChanges", false)) out << " (with uncommitted changes)";
  out << "\n";
  for (const auto& p : m.value("processes", json::array()))
    out << "Process  " << p.value("id", "")
        << (p.value("name", "").empty() ? "" : " (" + p.value("name", "") + ")") << "  "
        << p.value("file", "") << "\n";
  for (const auto& d : m.value("decisions", json::array()))
    out << "Decision " << d.value("id", "") << "  " << d.value("file", "") << "\n";
  for (const auto& f : m.value("forms", json::array()))
    out << "Form     " << f.value("id", "") << "  " << f.value("file", "") << "\n";
  list("Translations", m.value("translations", json::array()));
  list("Scenarios", m.value("scenarios", json::array()));
  for (const auto& c : m.value("connectors", json::array())) {
    out << "Calls connector " << c.value("operation", "") << " with";
    for (const auto& i : c.value("inputs", json::array())) out << " " << i.get<std::string>();
    if (!c.value("outputs", json::array()).empty()) {
      out << "; sets";
      for (const auto& o : c["outputs"]) out << " " << o.get<std::string>();
    }
    out << "\n";
  }
  for (const auto& t : m.value("workerTopics", json::array()))
    out << "Needs a worker for topic " << t.value("topic", "") << "\n";
  const json parameters = m.value("parameters", json::object());
  for (const auto& [name, p] : parameters.items())
    out << "Parameter " << name << ": " << p.value("description", "")
        << " (example: " << p.value("example", "") << ")\n";
  std::int64_t bytes = 0;
  for (const auto& f : m.value("files", json::array())) bytes += f.value("bytes", std::int64_t{0});
  out << "Files: " << m.value("files", json::array()).size() << " (" << bytes << " bytes)\n";
}

struct BuildArgs : AdminArgs {
  std::string dir, output, key, manifest;
  std::vector<std::string> from_db;
};

int build(BuildArgs& args) {
  const bool from_db = !args.from_db.empty();
  if (from_db == !args.dir.empty()) {
    std::cerr << "elva package build: give a directory, or --from-db PROCESS... with --manifest\n";
    return kExitUsage;
  }
  const std::string manifest_path =
      !args.manifest.empty()
          ? args.manifest
          : (fs::path(args.dir.empty() ? "." : args.dir) / "elva-package.toml").string();
  auto source = connectors::read_toml_file(manifest_path);
  if (!source) {
    std::cerr << "elva package build: " << source.error().message
              << (args.manifest.empty() ? " (the package's settings: name, version, license, elva)"
                                        : "")
              << "\n";
    return kExitUsage;
  }
  PackageFiles files;
  if (from_db) {
    AdminArgs admin = args;
    admin.format = "text";
    const int code = run_admin(
        "package build", admin, true,
        [&](Engine& e) -> Result<json> {
          for (const auto& p : args.from_db) {
            auto d = e.definition(p, 0);
            if (!d) return fail(d.error());
            std::string name = fs::path((*d)["file"].get<std::string>()).filename().string();
            if (name.empty()) name = p + ".bpmn";
            files.emplace_back("processes/" + name, (*d)["source"].get<std::string>());
          }
          return json::object();
        },
        [](const json&) {});
    if (code != kExitOk) return code;
    if (!source->contains("provenance"))
      (*source)["provenance"] = {{"repository", "deployed definitions"}, {"commit", ""}};
  } else {
    std::error_code ec;
    if (!fs::is_directory(args.dir, ec)) {
      std::cerr << "elva package build: " << args.dir << ": not a directory\n";
      return kExitUsage;
    }
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(args.dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const std::string rel = fs::relative(it->path(), args.dir, ec).generic_string();
      if (it->is_directory() && it->path().filename().string().front() == '.') {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && is_package_file(rel)) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    for (const auto& f : found) {
      auto text = read_text(f.string());
      if (!text) {
        std::cerr << "elva package build: " << text.error().message << "\n";
        return kExitUsage;
      }
      files.emplace_back(fs::relative(f, args.dir, ec).generic_string(), std::move(*text));
    }
    if (!source->contains("provenance")) {
      const std::string commit = run_git(args.dir, "rev-parse HEAD");
      if (!commit.empty()) {
        (*source)["provenance"] = {
            {"repository", run_git(args.dir, "config --get remote.origin.url")},
            {"commit", commit}};
      }
    }
  }
  auto config = connectors::load_config(args.config);
  if (!config) {
    std::cerr << "elva package build: " << config.error().message << "\n";
    return kExitUsage;
  }
  PackageBuildOptions options;
  const bool dirty = !from_db && !run_git(args.dir, "status --porcelain -- .").empty() &&
                     source->contains("provenance");
  options.source = *source;
  options.built_by = "elva " + version_number();
  options.built_at = utc("%Y-%m-%dT%H:%M:%SZ");
  options.connectors = config->registry.get();
  auto package = build_package(files, options);
  if (!package) {
    std::cerr << "elva package build: " << package.error().message << "\n";
    return package.error().code == Errc::ValidationError ? kExitFindings : kExitUsage;
  }
  if (dirty) (*package)["manifest"]["provenance"]["uncommittedChanges"] = true;
  // The package's own scenarios, with each parameter's example: a publisher cannot ship a
  // package whose scenarios fail, or whose golden traces are out of date.
  TempDir tmp;
  if (tmp.path.empty()) {
    std::cerr << "elva package build: no temporary directory could be made for the scenarios\n";
    return kExitUsage;
  }
  auto examples = package_files(*package, package_examples(*package));
  auto run = run_scenarios(*examples, tmp.path, ScenarioOptions::Golden::Compare);
  if (!run) {
    std::cerr << "elva package build: " << run.error().message << "\n";
    return kExitUsage;
  }
  if (!run->failures.empty()) {
    std::cerr << "elva package build: a scenario failed; no package was written:\n";
    for (const auto& f : run->failures) std::cerr << "  " << f << "\n";
    return kExitFindings;
  }
  if (!args.key.empty()) {
    auto key = connectors::read_toml_file(args.key);
    if (!key) {
      std::cerr << "elva package build: " << key.error().message << "\n";
      return kExitUsage;
    }
    auto signed_package =
        sign_package(*package, key->value("publisher", ""), key->value("secret_key", ""));
    if (!signed_package) {
      std::cerr << "elva package build: " << args.key << ": " << signed_package.error().message
                << "\n";
      return kExitUsage;
    }
    package = std::move(signed_package);
  }
  const json& m = (*package)["manifest"];
  const std::string output =
      !args.output.empty()
          ? args.output
          : m["name"].get<std::string>() + "-" + m["version"].get<std::string>() + ".elvapkg";
  if (!write_text(output, package->dump(1) + "\n")) {
    std::cerr << "elva package build: " << output << ": cannot be written\n";
    return kExitUsage;
  }
  std::cout << "Built " << output << ": " << m["files"].size() << " files, "
            << m["processes"].size() << " processes, " << run->passed << " scenarios passed"
            << (package->contains("signature")
                    ? ", signed by '" + (*package)["signature"]["publisher"].get<std::string>() +
                          "'"
                    : ", not signed (elva package sign)")
            << "\n";
  return kExitOk;
}

}  // namespace

bool is_package_path(const std::string& path) {
  return path.size() > 8 && path.substr(path.size() - 8) == ".elvapkg";
}

UnpackedPackage::~UnpackedPackage() {
  std::error_code ec;
  if (!root.empty()) fs::remove_all(root, ec);
}

int unpack_package(const std::string& path, const std::string& trust_file, const json& binding,
                   bool quiet, UnpackedPackage& out) {
  std::ostringstream sink;
  std::ostream& say = quiet ? sink : std::cout;
  auto package = read_package_file(path);
  if (!package) {
    std::cerr << "elva import: " << package.error().message << "\n";
    return kExitUsage;
  }
  auto trust = read_trust(trust_file);
  if (!trust) {
    std::cerr << "elva import: " << trust.error().message << "\n";
    return kExitUsage;
  }
  const json& m = (*package)["manifest"];
  out.manifest = m;
  say << "Package " << m["name"].get<std::string>() << " " << m["version"].get<std::string>()
      << "\n";
  const auto check = verify_package(*package, *trust, today());
  if (!check.trusted) {
    std::cerr << "elva import: " << path << " is not trusted; nothing was deployed:\n";
    for (const auto& p : check.problems) std::cerr << "  " << p << "\n";
    return kExitFindings;
  }
  say << "  signed by '" << check.publisher << "': trusted\n";
  out.publisher = check.publisher;
  auto fits = version_satisfies(version_number(), m["elva"].get<std::string>());
  if (!fits || !*fits) {
    std::cerr << "elva import: " << path << " needs Elva " << m["elva"].get<std::string>()
              << (fits ? "" : " (" + fits.error().message + ")") << "; this is Elva "
              << version_number() << ": nothing was deployed\n";
    return kExitFindings;
  }
  say << "  made for Elva " << m["elva"].get<std::string>() << ": this is " << version_number()
      << "\n";
  auto files = package_files(*package, binding.value("parameters", json::object()));
  if (!files) {
    std::cerr << "elva import: " << path << ": " << files.error().message
              << "\nnothing was deployed\n";
    return kExitFindings;
  }
  out.root = make_temp_dir();  // removed by ~UnpackedPackage
  if (out.root.empty()) {
    std::cerr << "elva import: no temporary directory could be made\n";
    return kExitUsage;
  }
  out.dir = m["name"].get<std::string>() + "-" + m["version"].get<std::string>();
  // Golden traces were compared when the package was built (with the examples); here the
  // importer's own parameter values make other traces, so only the expectations count.
  auto run = run_scenarios(*files, fs::path(out.root) / out.dir, ScenarioOptions::Golden::Ignore);
  if (!run) {
    std::cerr << "elva import: " << run.error().message << "\n";
    return kExitUsage;
  }
  if (!run->failures.empty()) {
    std::cerr << "elva import: the package's scenarios fail with your parameters; nothing was "
                 "deployed:\n";
    for (const auto& f : run->failures) std::cerr << "  " << f << "\n";
    return kExitFindings;
  }
  say << "  " << run->passed << " scenarios passed\n";
  return kExitOk;
}

void add_package(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "package",
      "Signed process packages to share with other municipalities: keygen, build, sign, verify,\n"
      "inspect (docs/sharing.md#publishing-a-package). `elva import FILE.elvapkg` imports one.");
  cmd->require_subcommand(1);

  struct KeygenArgs {
    std::string publisher, out;
  };
  auto kargs = std::make_shared<KeygenArgs>();
  auto* keygen = cmd->add_subcommand(
      "keygen",
      "Make a publisher's signing key (Ed25519): the secret key file (keep it secret) and, on\n"
      "stdout, the entry others put in their trust file.\n"
      "Exit codes: 0 written, 2 usage (the file exists or cannot be written).");
  keygen->add_option("--publisher", kargs->publisher, "The publisher's name, as others see it")
      ->required();
  keygen->add_option("--out", kargs->out, "Where to write the secret key (TOML)")->required();
  keygen->callback([kargs, &exit_code] {
    std::error_code ec;
    if (fs::exists(kargs->out, ec)) {
      std::cerr << "elva package keygen: " << kargs->out << " exists; not overwritten\n";
      exit_code = kExitUsage;
      return;
    }
    const auto keys = new_publisher_keys();
    const std::string text = "# The package signing key of " + toml_quote(kargs->publisher) +
                             ". Keep it secret: whoever has it can\n# publish packages in this "
                             "name. Made by elva package keygen on " +
                             today() + ".\npublisher = " + toml_quote(kargs->publisher) +
                             "\npublic_key = " + toml_quote(keys.public_key) +
                             "\nsecret_key = " + toml_quote(keys.secret_key) + "\n";
    if (!write_text(kargs->out, text, true)) {
      std::cerr << "elva package keygen: " << kargs->out << ": cannot be written\n";
      exit_code = kExitUsage;
      return;
    }
    std::cerr << "Secret key written to " << kargs->out
              << " (mode 600). Give others this entry for their trust file:\n";
    std::cout << "[publisher." << toml_quote(kargs->publisher)
              << "]\npublic_key = " << toml_quote(keys.public_key)
              << "\n# expires = " << std::stoi(today().substr(0, 4)) + 2 << today().substr(4)
              << "\n";
    exit_code = kExitOk;
  });

  auto bargs = std::make_shared<BuildArgs>();
  auto* b = cmd->add_subcommand(
      "build",
      "Build a package from a directory (its elva-package.toml: name, version, license, elva\n"
      "range, parameters; and every BPMN, DMN, form, translation, scenario, trace, README and\n"
      "LICENSE file under it), or from deployed definitions (--from-db PROCESS... --manifest F).\n"
      "The files must deploy and the scenarios pass (with each parameter's example).\n"
      "Exit codes: 0 built, 1 the files do not deploy or a scenario failed, 2 usage, 3 database.");
  b->add_option("dir", bargs->dir, "The package's directory");
  b->add_option("-o,--output", bargs->output, "The package file (default NAME-VERSION.elvapkg)");
  b->add_option("--key", bargs->key, "Sign it with this key file (elva package keygen)");
  b->add_option("--manifest", bargs->manifest,
                "The package settings (default DIR/elva-package.toml)");
  b->add_option("--from-db", bargs->from_db, "Package these deployed processes (latest versions)");
  add_admin_options(b, *bargs);
  add_config_option(b, *bargs);
  b->callback([bargs, &exit_code] { exit_code = build(*bargs); });

  struct SignArgs {
    std::string package, key;
  };
  auto sargs = std::make_shared<SignArgs>();
  auto* s = cmd->add_subcommand("sign",
                                "Sign a package with a publisher's key (replacing a signature "
                                "there).\nExit codes: 0 signed, 2 usage.");
  s->add_option("package", sargs->package, "The package file")->required();
  s->add_option("--key", sargs->key, "The key file (elva package keygen)")->required();
  s->callback([sargs, &exit_code] {
    auto package = read_package_file(sargs->package);
    auto key = connectors::read_toml_file(sargs->key);
    if (!package || !key) {
      std::cerr << "elva package sign: " << (!package ? package.error() : key.error()).message
                << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto signed_package =
        sign_package(*package, key->value("publisher", ""), key->value("secret_key", ""));
    if (!signed_package) {
      std::cerr << "elva package sign: " << sargs->key << ": " << signed_package.error().message
                << "\n";
      exit_code = kExitUsage;
      return;
    }
    if (!write_text(sargs->package, signed_package->dump(1) + "\n")) {
      std::cerr << "elva package sign: " << sargs->package << ": cannot be written\n";
      exit_code = kExitUsage;
      return;
    }
    std::cout << "Signed " << sargs->package << " as '" << key->value("publisher", "") << "'\n";
    exit_code = kExitOk;
  });

  struct CheckArgs {
    std::string package, trust, format = "text";
  };
  for (const bool inspect : {false, true}) {
    auto cargs = std::make_shared<CheckArgs>();
    auto* c = cmd->add_subcommand(
        inspect ? "inspect" : "verify",
        inspect ? "Show a package's manifest and whether its signature is trusted.\n"
                  "Exit codes: 0 shown, 2 usage."
                : "Check a package's files and signature against the trust file (default\n"
                  "$ELVA_HOME/trusted-publishers.toml, or $ELVA_TRUST).\n"
                  "Exit codes: 0 trusted, 1 not trusted (each reason printed), 2 usage.");
    c->add_option("package", cargs->package, "The package file")->required();
    c->add_option("--trust", cargs->trust, "The trust file of publishers' keys");
    c->add_option("--format", cargs->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}));
    c->callback([cargs, inspect, &exit_code] {
      auto package = read_package_file(cargs->package);
      auto trust = read_trust(cargs->trust);
      if (!package || !trust) {
        std::cerr << "elva package " << (inspect ? "inspect" : "verify") << ": "
                  << (!package ? package.error() : trust.error()).message << "\n";
        exit_code = kExitUsage;
        return;
      }
      const auto check = verify_package(*package, *trust, today());
      if (cargs->format == "json") {
        json out = {{"check", check_json(check)}};
        if (inspect) out["manifest"] = (*package)["manifest"];
        std::cout << out.dump(2) << "\n";
      } else {
        if (inspect) print_manifest((*package)["manifest"], std::cout);
        print_check(check, std::cout);
      }
      exit_code = inspect || check.trusted ? kExitOk : kExitFindings;
    });
  }
}

}  // namespace elva::cli
