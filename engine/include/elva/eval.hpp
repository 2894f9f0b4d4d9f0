// Evaluating one FEEL expression over JSON variables: the API behind `elva eval`, which process
// developers use to try a condition before they deploy. Thread-safe; never throws for bad input.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "elva/result.hpp"

namespace elva {

struct EvalRequest {
  std::string_view expression;                // FEEL; a leading '=' (Zeebe style) is accepted
  const nlohmann::json* variables = nullptr;  // a JSON object, or null for none
  std::int64_t now_millis = 0;     // what now() and today() see (ms since the epoch, UTC)
  std::string_view calendar = {};  // working days: "SE", "NO", "weekdays" ("" = weekdays)
};

// The result as JSON: numbers as numbers, dates, times and durations as ISO 8601 strings.
// Errors: ExpressionError for a syntax error (context "col": 1-based column);
// InvalidArgument when variables are not a JSON object or the calendar is unknown.
Result<nlohmann::json> evaluate_expression(const EvalRequest& request);

}  // namespace elva
