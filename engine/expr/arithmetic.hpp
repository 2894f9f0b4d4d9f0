// FEEL arithmetic and comparison (DMN 1.5 §10.3.2.3 and tables 57-61): numbers, text
// concatenation, dates, date-times, times and durations. Total: every mismatch, overflow or
// out-of-range result is null, never a throw or undefined behaviour.
#pragma once

#include "expr/ast.hpp"
#include "expr/value.hpp"

namespace elva::expr {

// op is Add, Sub, Mul, Div or Pow.
Value arithmetic(Op op, const Value& a, const Value& b);
Value negate(const Value& v);
// op is Eq, Ne, Lt, Le, Gt or Ge; null when the values cannot be compared.
Value comparison(Op op, const Value& a, const Value& b);

}  // namespace elva::expr
