// The table behind call_builtin (builtins.hpp), filled by one function per family of built-ins
// (builtins.cpp: conversion and boolean; builtins_numeric.cpp; builtins_text.cpp;
// builtins_lists.cpp and builtins_stats.cpp; builtins_temporal.cpp with the range functions;
// builtins_context.cpp).
// Every implementation is total: wrong types or counts give null, and work proportional to the
// data is charged to the evaluation's budget (budget.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "expr/builtins.hpp"

namespace elva::expr {

struct Builtin {
  std::vector<std::string_view> params;
  std::function<Value(const BuiltinCall&)> fn;
  std::size_t min_args;
  bool variadic = false;  // takes any number of arguments (max(1, 2, 3), concatenate(a, b, c))
  // The parameter names of its other signatures, for named arguments (date(year, month, day)
  // beside date(from)); positions are shared, so `fn` tells them apart by the values' types.
  std::vector<std::vector<std::string_view>> other_params = {};
};
using BuiltinTable = std::unordered_map<std::string_view, Builtin>;

void add_numeric_builtins(BuiltinTable& t);
void add_text_builtins(BuiltinTable& t);
void add_list_builtins(BuiltinTable& t);
void add_stats_builtins(BuiltinTable& t);
void add_temporal_builtins(BuiltinTable& t);
void add_context_builtins(BuiltinTable& t);
void add_calendar_builtins(BuiltinTable& t);  // builtins_calendar.cpp: working days

// Argument helpers: the i-th argument as that type, or null.
inline const Decimal* num(const std::vector<Value>& a, std::size_t i) {
  return i < a.size() ? a[i].get<Decimal>() : nullptr;
}
inline const std::string* str(const std::vector<Value>& a, std::size_t i) {
  return i < a.size() ? a[i].get<std::string>() : nullptr;
}
inline const List* lst(const std::vector<Value>& a, std::size_t i) {
  return i < a.size() ? a[i].list() : nullptr;
}

// A list argument, or for list functions that also take the items one by one (max(1, 2) =
// max([1, 2])) those arguments; `storage` holds them in the second case.
inline const List* items(const std::vector<Value>& a, List& storage) {
  if (a.size() == 1 && a[0].list()) return a[0].list();
  storage = a;
  return &storage;
}

// FEEL positions are 1-based and count from the end when negative: the 0-based index.
inline std::int64_t zero_based(std::int64_t position, std::int64_t length) {
  return position > 0 ? position - 1 : length + position;
}

}  // namespace elva::expr
