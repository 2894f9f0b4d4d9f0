// `elva decide`: evaluate one DMN decision from a file, showing which rules matched.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "elva/result.hpp"

namespace elva {

// {"decision", "value", "entries": [...], "matched": [{"row", "rule", "annotation", "outputs"}],
//  "required": [<the same, per required decision>]}. Errors: NotFound (file or decision),
// ValidationError (the file has errors, file:line), ExpressionError (e.g. UNIQUE violated).
Result<nlohmann::json> decide(const std::string& file, const std::string& decision,
                              const nlohmann::json& variables, std::int64_t now_millis);

}  // namespace elva
