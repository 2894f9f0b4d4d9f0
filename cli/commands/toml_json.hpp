// TOML files people write beside their processes (elva-binding.toml, elva-package.toml, the
// trust file of publishers' keys), read as JSON: tables are objects, dates and times are texts
// as TOML writes them ("2027-12-31").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "elva/result.hpp"

namespace elva::cli {

// Errors: InvalidArgument "PATH: cannot be read" or "PATH:LINE:COLUMN: what is wrong".
Result<nlohmann::json> read_toml_file(const std::string& path);

}  // namespace elva::cli
