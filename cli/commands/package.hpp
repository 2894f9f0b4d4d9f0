// `elva package ...` (keygen, build, sign, verify, inspect) and what `elva import PACKAGE` does
// before the import report: the signature against the trust file, the Elva version range, the
// parameters from the binding, and the package's own scenarios (docs/sharing.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace elva::cli {

// True for a path `elva import` reads as a package (*.elvapkg).
bool is_package_path(const std::string& path);

struct UnpackedPackage {
  std::string root;  // a fresh temporary directory (removed by the destructor)
  std::string dir;   // NAME-VERSION inside root: the files, parameters filled in
  nlohmann::json manifest;
  std::string publisher;  // who signed it (trusted)
  UnpackedPackage() = default;
  UnpackedPackage(const UnpackedPackage&) = delete;
  UnpackedPackage& operator=(const UnpackedPackage&) = delete;
  ~UnpackedPackage();
};

// Checks the package at `path` (signature against `trust_file`, "" = the default trust file;
// the Elva version range), fills in its parameters from `binding`'s [parameters], writes its
// files under `out.root` and runs its scenarios there. Prints what it checked (to stdout unless
// `quiet`) and why it stopped (stderr). Returns 0, or the exit code to stop with: 1 the package
// is not trusted, not for this Elva, lacks parameters or a scenario failed; 2 usage.
int unpack_package(const std::string& path, const std::string& trust_file,
                   const nlohmann::json& binding, bool quiet, UnpackedPackage& out);

}  // namespace elva::cli
