// Process packages (docs/sharing.md#publishing-a-package): one file a municipality publishes and
// another imports. A package is a JSON document:
//   {"format": "elva-package/1", "manifest": {...}, "files": {path: text}, "signature": {...}}
// The manifest names the package (name, semver version, description, licence, authors, the
// Elva versions it runs on), lists what is in it (processes, decisions, forms, scenarios,
// translations), the connector operations and worker topics its processes call, the parameters
// an importer must set ({{param:NAME}} in the files) and where it came from; and each file's
// SHA-256. The signature is Ed25519 over "elva-package/1\n" followed by the manifest as compact
// JSON with sorted keys, so it covers every file through its digest.
// Thread-safe (no shared state); never throws for bad input.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "elva/connector.hpp"
#include "elva/result.hpp"

namespace elva {

using PackageFiles = std::vector<std::pair<std::string, std::string>>;  // (relative path, text)

// Whether a file belongs in a package, by its name: BPMN, DMN, forms, translations, scenarios
// (*.scenario.json) and their golden traces (*.trace), README and LICENSE files.
bool is_package_file(const std::string& relative_path);

struct PackageBuildOptions {
  // The manifest's source (elva-package.toml as JSON): name, version, description, license,
  // authors, elva (a version range), parameters {NAME: {description, example}}, provenance
  // {repository, commit}.
  nlohmann::json source = nlohmann::json::object();
  std::string built_by;  // "elva 0.1.0"
  std::string built_at;  // ISO 8601 UTC
  // The connectors the processes are checked against; null: the built-in ones.
  const connector::Registry* connectors = nullptr;
};

// The unsigned package of `files`. The files (with each parameter's example filled in) must
// deploy: the deployer's checks run. Errors: InvalidArgument (a manifest field, with its name;
// a path that is not relative; a file that is not UTF-8 text; a {{param:X}} not declared),
// ValidationError (the files do not deploy: every error with file:line, one per line).
Result<nlohmann::json> build_package(const PackageFiles& files, const PackageBuildOptions& options);

// A publisher's new Ed25519 key pair, each as "ed25519:" + base64 (elva package keygen).
struct PublisherKeys {
  std::string public_key, secret_key;
};
PublisherKeys new_publisher_keys();

// `package` with its signature by `publisher`'s secret key ("ed25519:..."); a signature there
// before is replaced. Errors: InvalidArgument (not a package, or not a secret key).
Result<nlohmann::json> sign_package(nlohmann::json package, const std::string& publisher,
                                    const std::string& secret_key);

struct PackageCheck {
  bool intact = false;  // the files match the manifest, and a signature there matches it
  bool is_signed = false;
  bool trusted = false;  // intact, signed, and the key is the publisher's in the trust file
  std::string publisher;
  std::string expires;                // the trusted key's expiry ("" none)
  std::vector<std::string> problems;  // for people, one each; empty when trusted
};

// Checks a package against a trust file ({"publisher": {NAME: {"public_key", "expires"}}},
// "expires" a date, optional) on `today` ("YYYY-MM-DD").
PackageCheck verify_package(const nlohmann::json& package, const nlohmann::json& trust,
                            const std::string& today);

// Whether `version` ("1.2.3") is in `range`: comparators (>=, >, <=, <, =, ^, ~ or none, then
// a version; "1.2" means 1.2.0) separated by spaces must all hold; "||" separates
// alternatives. Errors: InvalidArgument for a range or version that cannot be read.
Result<bool> version_satisfies(const std::string& version, const std::string& range);

// The package's files with each {{param:NAME}} replaced by `values[NAME]` (a string).
// Errors: InvalidArgument naming every parameter without a value, with its description.
Result<PackageFiles> package_files(const nlohmann::json& package, const nlohmann::json& values);

// The example values of the package's parameters ({NAME: example}).
nlohmann::json package_examples(const nlohmann::json& package);

// A package read from its JSON text. Errors: InvalidArgument (not JSON, not an
// "elva-package/1", a path that is absolute or leaves the package).
Result<nlohmann::json> parse_package(const std::string& text);

}  // namespace elva
