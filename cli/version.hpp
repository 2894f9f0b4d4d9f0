// What `elva --version` prints: the version and the git commit the build was configured from
// (generated into the build directory by cmake/ElvaVersion.cmake, the only file that changes
// with the commit).
#pragma once

#include <string>

namespace elva::cli {

// "elva 0.1.0 (commit 0123456789ab)"; "commit unknown" when built outside a git clone.
std::string version_text();
// "0.1.0": the version alone (package version ranges are checked against it).
std::string version_number();

}  // namespace elva::cli
