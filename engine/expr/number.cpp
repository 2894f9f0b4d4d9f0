// Decimal range checks and checked conversions (number.hpp).
#include "expr/number.hpp"

#include <cmath>

namespace elva::expr {
namespace {

const Decimal& largest() {
  static const Decimal d("9.999999999999999999999999999999999e6144");
  return d;
}
const Decimal& smallest() {
  static const Decimal d("1e-6176");
  return d;
}

}  // namespace

bool representable(const Decimal& d) {
  if (!boost::multiprecision::isfinite(d)) return false;
  return boost::multiprecision::abs(d) <= largest();
}

Value number(const Decimal& d) {
  if (!representable(d)) return {};
  if (!d.is_zero() && boost::multiprecision::abs(d) < smallest()) return Value(Decimal(0));
  return Value(d);
}

std::optional<std::int64_t> truncated(const Decimal& d) {
  static const Decimal limit(std::int64_t{1} << 62);
  if (!boost::multiprecision::isfinite(d) || boost::multiprecision::abs(d) >= limit)
    return std::nullopt;
  return d.convert_to<std::int64_t>();
}

std::optional<std::int64_t> whole(const Decimal& d, std::int64_t lo, std::int64_t hi) {
  auto t = truncated(d);
  if (!t || Decimal(*t) != d || *t < lo || *t > hi) return std::nullopt;
  return t;
}

std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<std::int64_t> checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

bool valid_days(std::int64_t days) { return days >= -kMaxDateDays && days <= kMaxDateDays; }

}  // namespace elva::expr
