// FEEL built-in functions of DMN 1.5 §10.3.4: conversion, boolean, string, list, numeric, date
// and time, range, temporal, sort and context functions (docs/feel.md lists them all).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/value.hpp"

namespace elva::calendar {
class Calendar;
}

namespace elva::expr {

struct BuiltinCall {
  std::vector<Value> args;  // positional, named ones already placed
  std::int64_t now_millis = 0;
  const calendar::Calendar* calendar = nullptr;  // working days; null: Monday to Friday
  // Calls a function value with positional arguments (sort's `precedes`, list replace's
  // `match`); null when it is not a function. Set by the evaluator; may be empty.
  std::function<Value(const Value& fn, const List& args)> invoke;
};

// True when `name` is a built-in function.
bool is_builtin(std::string_view name);
// Where named arguments go: the position of each of `names` in the first signature of built-in
// `name` that has them all (date(year:, month:, day:) or date(from:)); nullopt when none has.
std::optional<std::vector<std::size_t>> builtin_slots(std::string_view name,
                                                      const std::vector<std::string>& names);
// Calls a built-in; null for wrong argument types or counts (FEEL semantics).
Value call_builtin(std::string_view name, const BuiltinCall& call);

Value date_from_string(std::string_view text);
Value date_time_from_string(std::string_view text);
Value duration_from_string(std::string_view text);
// DMN 1.5 range(from): "[1..10)", "]a..b]", "< 10", ">= date(\"2024-01-01\")"; endpoints must be
// literals. Null when the text is not such a range. (evaluator.cpp: it parses FEEL.)
Value range_from_string(std::string_view text);

}  // namespace elva::expr
