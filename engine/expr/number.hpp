// FEEL numbers are decimal128 (DMN 1.5 §10.3.2.3.1: 34 digits, |x| < 10^6145). The Decimal
// type has a far larger exponent range and can reach infinity or NaN, so every computed number
// passes through number() here; conversions to machine integers are checked (never UB, never a
// throw). Integer arithmetic on temporals is checked the same way.
#pragma once

#include <cstdint>
#include <optional>

#include "expr/value.hpp"

namespace elva::expr {

// A computed decimal as a FEEL value: null when it is not finite or beyond decimal128's largest
// magnitude (FEEL has no infinities); 0 when its magnitude is below decimal128's smallest
// (10^-6176, underflow).
Value number(const Decimal& d);
// The same check, for a decimal that must stay a Decimal: false when number(d) would be null.
bool representable(const Decimal& d);

// `d` truncated towards zero, when its magnitude is below 2^62; nullopt otherwise (or NaN).
std::optional<std::int64_t> truncated(const Decimal& d);
// `d` when it is a whole number in [lo, hi]; nullopt otherwise.
std::optional<std::int64_t> whole(const Decimal& d, std::int64_t lo, std::int64_t hi);

// Checked machine arithmetic: nullopt on overflow.
std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b);
std::optional<std::int64_t> checked_sub(std::int64_t a, std::int64_t b);
std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b);

// Temporal values stay within years -999,999,999 .. 999,999,999 (the FEEL date range); date and
// time values within what milliseconds since the epoch hold in 64 bits (about ±292 million
// years).
inline constexpr std::int64_t kMaxDateDays =
    365'242'500'000;  // 999,999,999 years of days, rounded up
bool valid_days(std::int64_t days);

}  // namespace elva::expr
