// The table behind call_builtin (builtins.hpp), filled by one function per family of built-ins
// (builtins.cpp: conversion, numeric, temporal, context; builtins_text.cpp; builtins_lists.cpp).
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
};
using BuiltinTable = std::unordered_map<std::string_view, Builtin>;

void add_text_builtins(BuiltinTable& t);
void add_list_builtins(BuiltinTable& t);

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

// FEEL positions are 1-based and count from the end when negative: the 0-based index.
inline std::int64_t zero_based(std::int64_t position, std::int64_t length) {
  return position > 0 ? position - 1 : length + position;
}

}  // namespace elva::expr
