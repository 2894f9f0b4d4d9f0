// FEEL numeric built-ins (DMN 1.5 §10.3.4.5). Results are decimal128 like every FEEL number:
// sqrt, log and exp are computed to 34 digits (feelin, with JavaScript doubles, gives 16).
#include "expr/budget.hpp"
#include "expr/builtin_table.hpp"
#include "expr/number.hpp"

namespace elva::expr {
namespace {

using Args = std::vector<Value>;
namespace mp = boost::multiprecision;

enum class Rounding { Up, Down, HalfUp, HalfDown, HalfEven, Floor, Ceiling };

// n rounded to `scale` digits after the point (args[1]; 0 when absent or null). The scale must
// be in [-6111..6176], the range DMN 1.5 gives; otherwise null.
Value round_to(const Args& a, Rounding mode) {
  auto* n = num(a, 0);
  if (!n) return {};
  std::int64_t scale = 0;
  if (a.size() > 1 && !a[1].is_null()) {
    auto* s = num(a, 1);
    auto checked = s ? whole(*s, -6111, 6176) : std::nullopt;
    if (!checked) return {};
    scale = *checked;
  }
  const Decimal factor = mp::pow(Decimal(10), Decimal(scale));
  const Decimal x = *n * factor;
  static const Decimal all_digits("1e34");
  if (mp::abs(x) >= all_digits) return Value(*n);  // no digits beyond the scale
  const bool neg = x < 0;
  const Decimal ax = mp::abs(x);
  const Decimal fl = mp::floor(ax);
  const Decimal frac = ax - fl;
  const Decimal half("0.5");
  bool away = false;  // from zero
  switch (mode) {
    case Rounding::Up:
      away = frac > 0;
      break;
    case Rounding::Down:
      break;
    case Rounding::HalfUp:
      away = frac >= half;
      break;
    case Rounding::HalfDown:
      away = frac > half;
      break;
    case Rounding::HalfEven:
      away = frac > half || (frac == half && mp::fmod(fl, Decimal(2)) != 0);
      break;
    case Rounding::Floor:
      away = neg && frac > 0;
      break;
    case Rounding::Ceiling:
      away = !neg && frac > 0;
      break;
  }
  const Decimal r = away ? fl + 1 : fl;
  return Value(Decimal((neg ? -r : r) / factor));
}

Builtin rounding(Rounding mode, std::size_t min_args) {
  return {
      {"n", "scale"}, [mode](const BuiltinCall& c) { return round_to(c.args, mode); }, min_args};
}

// A whole number's parity, or null for fractions and non-numbers.
Value parity(const Args& a, bool want_odd) {
  auto* n = num(a, 0);
  if (!n || mp::floor(*n) != *n) return {};
  return (mp::fmod(*n, Decimal(2)) != 0) == want_odd;
}

}  // namespace

void add_numeric_builtins(BuiltinTable& t) {
  t["decimal"] = rounding(Rounding::HalfEven, 2);
  t["floor"] = rounding(Rounding::Floor, 1);
  t["ceiling"] = rounding(Rounding::Ceiling, 1);
  t["round up"] = rounding(Rounding::Up, 1);
  t["round down"] = rounding(Rounding::Down, 1);
  t["round half up"] = rounding(Rounding::HalfUp, 1);
  t["round half down"] = rounding(Rounding::HalfDown, 1);
  t["abs"] = {{"n"},
              [](const BuiltinCall& c) -> Value {
                if (auto* n = num(c.args, 0)) return Value(Decimal(mp::abs(*n)));
                if (auto* d = c.args[0].get<DayTimeDuration>()) {
                  auto r = d->millis < 0 ? checked_sub(0, d->millis)
                                         : std::optional<std::int64_t>(d->millis);
                  return r ? Value(DayTimeDuration{*r}) : Value();
                }
                if (auto* d = c.args[0].get<YearMonthDuration>()) {
                  auto r = d->months < 0 ? checked_sub(0, d->months)
                                         : std::optional<std::int64_t>(d->months);
                  return r ? Value(YearMonthDuration{*r}) : Value();
                }
                return {};
              },
              1};
  t["modulo"] = {{"dividend", "divisor"},
                 [](const BuiltinCall& c) -> Value {
                   auto *a = num(c.args, 0), *b = num(c.args, 1);
                   if (!a || !b || b->is_zero()) return {};
                   return Value(Decimal(*a - *b * mp::floor(*a / *b)));
                 },
                 2};
  t["sqrt"] = {{"number"},
               [](const BuiltinCall& c) -> Value {
                 auto* n = num(c.args, 0);
                 return n && *n >= 0 ? Value(Decimal(mp::sqrt(*n))) : Value();
               },
               1};
  t["log"] = {{"number"},
              [](const BuiltinCall& c) -> Value {
                auto* n = num(c.args, 0);
                return n && *n > 0 ? Value(Decimal(mp::log(*n))) : Value();
              },
              1};
  t["exp"] = {{"number"},
              [](const BuiltinCall& c) -> Value {
                auto* n = num(c.args, 0);
                // e^14200 is already beyond decimal128: null without computing it.
                if (!n || mp::abs(*n) > 15000) return n && *n < 0 ? Value(0) : Value();
                return Value(Decimal(mp::exp(*n)));
              },
              1};
  t["odd"] = {{"number"}, [](const BuiltinCall& c) { return parity(c.args, true); }, 1};
  t["even"] = {{"number"}, [](const BuiltinCall& c) { return parity(c.args, false); }, 1};
}

}  // namespace elva::expr
