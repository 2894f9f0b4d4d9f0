// FEEL arithmetic (arithmetic.hpp). Machine integers (milliseconds, months, days) use checked
// operations; decimals are range-checked when they become values (Value(Decimal)).
#include "expr/arithmetic.hpp"

#include "expr/budget.hpp"
#include "expr/number.hpp"

namespace elva::expr {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
// Zoned date-times stay within ±2^62 ms, so that their offset can be applied without overflow.
constexpr std::int64_t kMaxZonedMillis = std::int64_t{1} << 62;

bool fits_zone(const DateTime& like, std::int64_t ms) {
  return !like.has_zone || (ms <= kMaxZonedMillis && ms >= -kMaxZonedMillis);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

// A date-time `months` later, following the calendar (Jan 31 + P1M = Feb 28/29). Null when the
// result leaves the FEEL date range.
Value add_months(DateTime dt, std::int64_t months) {
  const std::int64_t local = local_millis(dt);
  const std::int64_t days = floor_div(local, kDayMs), rest = local - days * kDayMs;
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  auto total = checked_add(y * 12 + (m - 1), months);
  if (!total) return {};
  const std::int64_t ny = floor_div(*total, 12);
  if (ny < -999'999'999 || ny > 999'999'999) return {};
  const auto nm = static_cast<unsigned>(*total - ny * 12) + 1;
  static constexpr unsigned kLength[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0;
  const unsigned max = kLength[nm - 1] + (nm == 2 && leap);
  auto ms = checked_mul(days_from_civil(ny, nm, d < max ? d : max), kDayMs);
  if (!ms) return {};
  auto out = checked_add(*ms, rest);
  return out && fits_zone(dt, *out) ? Value(local_in_zone_of(*out, dt)) : Value();
}

Value numbers(Op op, const Decimal& x, const Decimal& y) {
  switch (op) {
    case Op::Add:
      return Value(Decimal(x + y));
    case Op::Sub:
      return Value(Decimal(x - y));
    case Op::Mul:
      return Value(Decimal(x * y));
    case Op::Div:
      return y.is_zero() ? Value() : Value(Decimal(x / y));
    // Infinity (10 ** 99999), NaN ((-8) ** 0.5) and 0 ** -1 come out as null.
    case Op::Pow:
      return Value(Decimal(boost::multiprecision::pow(x, y)));
    default:
      return {};
  }
}

Value day_time(Op op, const DayTimeDuration& x, const Value& b) {
  if (auto* y = b.get<DayTimeDuration>()) {
    std::optional<std::int64_t> r;
    if (op == Op::Add) r = checked_add(x.millis, y->millis);
    if (op == Op::Sub) r = checked_sub(x.millis, y->millis);
    if (r) return Value(DayTimeDuration{*r});
    if (op == Op::Div && y->millis) return Value(Decimal(Decimal(x.millis) / Decimal(y->millis)));
    return {};
  }
  if (auto* n = b.get<Decimal>(); n && (op == Op::Mul || op == Op::Div)) {
    if (op == Op::Div && n->is_zero()) return {};
    const Decimal r = op == Op::Mul ? Decimal(x.millis) * *n : Decimal(x.millis) / *n;
    auto ms = truncated(boost::multiprecision::round(r));
    return ms ? Value(DayTimeDuration{*ms}) : Value();
  }
  return {};
}

Value year_month(Op op, const YearMonthDuration& x, const Value& b) {
  if (auto* y = b.get<YearMonthDuration>()) {
    std::optional<std::int64_t> r;
    if (op == Op::Add) r = checked_add(x.months, y->months);
    if (op == Op::Sub) r = checked_sub(x.months, y->months);
    if (r) return Value(YearMonthDuration{*r});
    if (op == Op::Div && y->months) return Value(Decimal(Decimal(x.months) / Decimal(y->months)));
    return {};
  }
  if (auto* n = b.get<Decimal>(); n && (op == Op::Mul || op == Op::Div)) {
    if (op == Op::Div && n->is_zero()) return {};
    const Decimal r = op == Op::Mul ? Decimal(x.months) * *n : Decimal(x.months) / *n;
    auto months = truncated(boost::multiprecision::round(r));
    return months ? Value(YearMonthDuration{*months}) : Value();
  }
  return {};
}

// Times of day: plus or minus a duration wraps around midnight; time - time is a duration.
Value time_of_day(Op op, const Time& t, const Value& b) {
  if (auto* d = b.get<DayTimeDuration>(); d && (op == Op::Add || op == Op::Sub)) {
    const std::int64_t shift = d->millis % kDayMs;  // |shift| < a day: no overflow below
    std::int64_t ms = (t.millis + (op == Op::Add ? shift : -shift)) % kDayMs;
    if (ms < 0) ms += kDayMs;
    return Value(Time{ms, t.has_zone, t.offset_seconds, t.zone});
  }
  if (auto* u = b.get<Time>(); u && op == Op::Sub && u->has_zone == t.has_zone) {
    return Value(DayTimeDuration{t.has_zone ? time_utc_millis(t) - time_utc_millis(*u)
                                            : t.millis - u->millis});
  }
  return {};
}

std::optional<DateTime> as_date_time(const Value& v) {
  if (auto* d = v.get<DateTime>()) return *d;
  if (auto* d = v.get<Date>()) {
    auto ms = checked_mul(d->days, kDayMs);
    if (ms) return DateTime{*ms, false, 0, nullptr};
  }
  return std::nullopt;
}

Value dates(Op op, const Value& a, const DateTime& dt, const Value& b) {
  const bool date_only = a.get<Date>() != nullptr;
  auto back = [&](Value r) -> Value {
    if (!date_only) return r;
    auto* x = r.get<DateTime>();
    return x ? Value(Date{floor_div(x->millis, kDayMs)}) : r;
  };
  if (auto* d = b.get<DayTimeDuration>(); d && (op == Op::Add || op == Op::Sub)) {
    auto ms = op == Op::Add ? checked_add(dt.millis, d->millis) : checked_sub(dt.millis, d->millis);
    return ms && fits_zone(dt, *ms) ? back(Value(in_zone_of(*ms, dt))) : Value();
  }
  if (auto* d = b.get<YearMonthDuration>(); d && (op == Op::Add || op == Op::Sub)) {
    auto months =
        op == Op::Add ? std::optional<std::int64_t>(d->months) : checked_sub(0, d->months);
    return months ? back(add_months(dt, *months)) : Value();
  }
  if (auto other = as_date_time(b); other && op == Op::Sub) {
    auto ms = checked_sub(dt.millis, other->millis);
    return ms ? Value(DayTimeDuration{*ms}) : Value();
  }
  return {};
}

}  // namespace

Value negate(const Value& v) {
  if (auto* d = v.get<Decimal>()) return Value(Decimal(-*d));
  if (auto* d = v.get<DayTimeDuration>()) {
    auto r = checked_sub(0, d->millis);
    return r ? Value(DayTimeDuration{*r}) : Value();
  }
  if (auto* d = v.get<YearMonthDuration>()) {
    auto r = checked_sub(0, d->months);
    return r ? Value(YearMonthDuration{*r}) : Value();
  }
  return {};
}

Value arithmetic(Op op, const Value& a, const Value& b) {
  if (auto* x = a.get<Decimal>()) {
    if (auto* y = b.get<Decimal>()) return numbers(op, *x, *y);
    if (op == Op::Mul && (b.get<DayTimeDuration>() || b.get<YearMonthDuration>()))
      return arithmetic(op, b, a);
    return {};
  }
  if (op == Op::Add) {
    if (auto* x = a.get<std::string>()) {
      auto* y = b.get<std::string>();
      if (!y || !spend_text(x->size() + y->size())) return {};
      return Value(*x + *y);
    }
  }
  if (auto* x = a.get<DayTimeDuration>()) {
    if (op == Op::Add && (b.get<DateTime>() || b.get<Date>() || b.get<Time>()))
      return arithmetic(op, b, a);
    return day_time(op, *x, b);
  }
  if (auto* x = a.get<YearMonthDuration>()) {
    if (op == Op::Add && (b.get<DateTime>() || b.get<Date>())) return arithmetic(op, b, a);
    return year_month(op, *x, b);
  }
  if (auto* t = a.get<Time>()) return time_of_day(op, *t, b);
  if (auto dt = as_date_time(a)) return dates(op, a, *dt, b);
  return {};
}

Value comparison(Op op, const Value& a, const Value& b) {
  if (op == Op::Eq || op == Op::Ne) {
    if (!a.is_null() && !b.is_null() && a.data().index() != b.data().index()) return {};
    const bool eq = equal(a, b);
    return op == Op::Eq ? eq : !eq;
  }
  auto c = compare(a, b);
  if (!c) return {};
  switch (op) {
    case Op::Lt:
      return *c < 0;
    case Op::Le:
      return *c <= 0;
    case Op::Gt:
      return *c > 0;
    default:
      return *c >= 0;
  }
}

}  // namespace elva::expr
