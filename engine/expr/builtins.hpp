// FEEL built-in functions (string, list, numeric, conversion, date and time, context).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "expr/value.hpp"

namespace elva::expr {

struct BuiltinCall {
  std::vector<Value> args;  // positional, named ones already placed
  std::int64_t now_millis = 0;
};

// Parameter names of a built-in, for named arguments; empty when there is no such built-in.
const std::vector<std::string_view>* builtin_params(std::string_view name);
// Calls a built-in; null for wrong argument types or counts (FEEL semantics).
Value call_builtin(std::string_view name, const BuiltinCall& call);

Value date_from_string(std::string_view text);
Value date_time_from_string(std::string_view text);
Value duration_from_string(std::string_view text);

}  // namespace elva::expr
