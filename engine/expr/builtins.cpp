// FEEL built-in functions: the table (builtin_table.hpp) with conversion, numeric, temporal and
// context functions here, strings in builtins_text.cpp and lists in builtins_lists.cpp. Numbers
// that become machine integers (scales, years, hours) are range-checked first (number.hpp).
#include "expr/builtins.hpp"

#include "common/iso8601.hpp"
#include "expr/budget.hpp"
#include "expr/builtin_table.hpp"
#include "expr/number.hpp"

namespace elva::expr {
namespace {

using Args = std::vector<Value>;

constexpr std::int64_t kDayMs = 86'400'000;

Value string_of(const Value& v) {
  if (v.is_null()) return {};
  if (auto* s = v.get<std::string>()) return *s;
  if (auto* d = v.get<Decimal>()) return decimal_to_string(*d);
  if (auto* d = v.get<Date>()) return date_to_string(*d);
  if (auto* d = v.get<DateTime>()) return date_time_to_string(*d);
  if (auto* d = v.get<DayTimeDuration>()) return duration_to_string(*d);
  if (auto* d = v.get<YearMonthDuration>()) return duration_to_string(*d);
  if (auto* t = v.get<Time>()) return time_to_string(*t);
  std::string s = v.to_string();  // lists, contexts, ranges: FEEL's own text
  return spend_text(s.size()) ? Value(std::move(s)) : Value();
}

// DMN 1.5: grouping separator one of space, comma or period; decimal separator period or comma.
Value number_of(const Args& a) {
  auto* s = str(a, 0);
  if (!s || !spend_text(s->size())) return {};
  auto separator = [&](std::size_t i, std::string_view allowed, char& out) {
    if (i >= a.size() || a[i].is_null()) return true;
    auto* t = a[i].get<std::string>();
    if (!t || t->size() != 1 || allowed.find((*t)[0]) == std::string_view::npos) return false;
    out = (*t)[0];
    return true;
  };
  char group = 0, point = 0;
  if (!separator(1, " ,.", group) || !separator(2, ".,", point) || (group && group == point))
    return {};
  std::string x;
  x.reserve(s->size());
  for (char ch : *s) {
    if (group && ch == group) continue;
    x += point && ch == point ? '.' : ch;
  }
  auto d = decimal_from_string(x);
  return d ? Value(*d) : Value();
}

Value round_to(const Args& a, int mode) {  // 0 up, 1 down, 2 half up, 3 half down, 4 half even
  auto* n = num(a, 0);
  if (!n) return {};
  std::int64_t scale = 0;
  if (a.size() > 1 && !a[1].is_null()) {
    auto* s = num(a, 1);
    auto checked = s ? truncated(*s) : std::nullopt;
    if (!checked || *checked < -6111 || *checked > 6176) return {};  // the range DMN 1.5 gives
    scale = *checked;
  }
  const Decimal factor = boost::multiprecision::pow(Decimal(10), Decimal(scale));
  const Decimal x = *n * factor;
  static const Decimal all_digits("1e34");
  if (boost::multiprecision::abs(x) >= all_digits) return Value(*n);  // no digits beyond the scale
  const bool neg = x < 0;
  const Decimal ax = boost::multiprecision::abs(x);
  const Decimal fl = boost::multiprecision::floor(ax);
  const Decimal frac = ax - fl;
  const Decimal half("0.5");
  Decimal r = fl;
  if (mode == 0 && frac > 0)
    r = fl + 1;
  else if (mode == 2 && frac >= half)
    r = fl + 1;
  else if (mode == 3 && frac > half)
    r = fl + 1;
  else if (mode == 4 &&
           (frac > half || (frac == half && boost::multiprecision::fmod(fl, Decimal(2)) != 0)))
    r = fl + 1;
  return Value(Decimal((neg ? -r : r) / factor));
}

Value date_of(const Args& a) {
  if (auto* s = str(a, 0)) return date_from_string(*s);
  if (auto* dt = a[0].get<DateTime>())
    return Value(Date{dt->millis / kDayMs - (dt->millis % kDayMs < 0)});
  if (auto* d = a[0].get<Date>()) return Value(*d);
  auto *y = num(a, 0), *m = num(a, 1), *d = num(a, 2);
  if (!y || !m || !d) return {};
  auto year = whole(*y, -999'999'999, 999'999'999), month = whole(*m, 1, 12),
       day = whole(*d, 1, 31);
  if (!year || !month || !day) return {};
  const std::int64_t days =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  std::int64_t cy;
  unsigned cm, cd;
  civil_from_days(days, cy, cm, cd);
  if (cy != *year || cm != *month || cd != *day) return {};  // February 30th
  return Value(Date{days});
}

Value date_time_of(const Args& a) {
  if (auto* s = str(a, 0)) return date_time_from_string(*s);
  const Time* tm = a.size() > 1 ? a[1].get<Time>() : nullptr;
  std::optional<std::int64_t> day;
  if (const auto* dt = a[0].get<DateTime>())
    day = dt->millis / kDayMs - (dt->millis % kDayMs < 0);
  else if (const auto* d = a[0].get<Date>())
    day = d->days;
  if (!day || !tm) return {};
  auto ms = checked_mul(*day, kDayMs);
  auto out = ms ? checked_add(*ms, tm->has_zone ? time_utc_millis(*tm) : tm->millis) : std::nullopt;
  return out ? Value(DateTime{*out, tm->has_zone}) : Value();
}

Value time_of(const Args& a) {
  if (auto* s = str(a, 0)) return time_from_string(*s) ? Value(*time_from_string(*s)) : Value();
  if (auto* tm = a[0].get<Time>()) return Value(*tm);
  if (auto* dt = a[0].get<DateTime>()) {
    std::int64_t rest = dt->millis % kDayMs;
    if (rest < 0) rest += kDayMs;
    return Value(Time{rest, dt->has_zone, 0});
  }
  if (a[0].get<Date>()) return Value(Time{0, true, 0});  // midnight UTC, as the spec says
  auto *h = num(a, 0), *m = num(a, 1), *sec = num(a, 2);
  if (!h || !m || !sec || *h < 0 || *h > 23 || *m < 0 || *m > 59 || *sec < 0 || *sec >= 60)
    return {};
  Time out{*truncated(*h) * 3'600'000 + *truncated(*m) * 60'000 +
               *truncated(boost::multiprecision::round(*sec * 1000)),
           false, 0};
  if (a.size() > 3 && !a[3].is_null()) {
    auto* off = a[3].get<DayTimeDuration>();
    if (!off || off->millis < -14 * 3'600'000 || off->millis > 14 * 3'600'000)
      return {};  // offsets are -14:00 .. +14:00
    out.has_zone = true;
    out.offset_seconds = static_cast<std::int32_t>(off->millis / 1000);
  }
  return Value(out);
}

Value years_and_months(const Args& a) {
  auto to_days = [](const Value& v) -> std::optional<std::int64_t> {
    if (auto* d = v.get<Date>()) return d->days;
    if (auto* d = v.get<DateTime>()) return d->millis / kDayMs;
    return std::nullopt;
  };
  auto from = to_days(a[0]), to = to_days(a[1]);
  if (!from || !to) return {};
  std::int64_t y1, y2;
  unsigned m1, m2, d1, d2;
  civil_from_days(*from, y1, m1, d1);
  civil_from_days(*to, y2, m2, d2);
  std::int64_t months = (y2 - y1) * 12 + (static_cast<std::int64_t>(m2) - m1);
  if (months > 0 && d2 < d1) --months;
  if (months < 0 && d2 > d1) ++months;
  return Value(YearMonthDuration{months});
}

BuiltinTable make_table() {
  BuiltinTable t{
      // JUEL's `empty x`: null, "", [] or {}.
      {"is empty",
       {{"value"},
        [](const BuiltinCall& c) -> Value {
          const Value& v = c.args[0];
          if (v.is_null()) return true;
          if (auto* s = v.get<std::string>()) return s->empty();
          if (auto* l = v.list()) return l->empty();
          if (auto* ctx = v.context()) return ctx->empty();
          return false;
        },
        1}},
      {"not",
       {{"negand"},
        [](const BuiltinCall& c) -> Value {
          auto* b = c.args[0].get<bool>();
          return b ? Value(!*b) : Value();
        },
        1}},
      {"string", {{"from"}, [](const BuiltinCall& c) { return string_of(c.args[0]); }, 1}},
      {"number",
       {{"from", "grouping separator", "decimal separator"},
        [](const BuiltinCall& c) { return number_of(c.args); },
        1}},
      {"date", {{"from", "month", "day"}, [](const BuiltinCall& c) { return date_of(c.args); }, 1}},
      {"date and time",
       {{"from", "time"}, [](const BuiltinCall& c) { return date_time_of(c.args); }, 1}},
      {"time",
       {{"from", "minute", "second", "offset"},
        [](const BuiltinCall& c) { return time_of(c.args); },
        1}},
      {"duration",
       {{"from"},
        [](const BuiltinCall& c) -> Value {
          auto* s = str(c.args, 0);
          return s ? duration_from_string(*s) : Value();
        },
        1}},
      {"years and months duration",
       {{"from", "to"}, [](const BuiltinCall& c) { return years_and_months(c.args); }, 2}},
      {"now",
       {{},
        [](const BuiltinCall& c) {
          return Value(DateTime{c.now_millis, true});
        },
        0}},
      {"today", {{}, [](const BuiltinCall& c) { return Value(Date{c.now_millis / kDayMs}); }, 0}},
      {"decimal", {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 4); }, 2}},
      {"round up", {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 0); }, 1}},
      {"round down", {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 1); }, 1}},
      {"round half up",
       {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 2); }, 1}},
      {"round half down",
       {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 3); }, 1}},
      {"floor",
       {{"n"},
        [](const BuiltinCall& c) -> Value {
          auto* n = num(c.args, 0);
          return n ? Value(Decimal(boost::multiprecision::floor(*n))) : Value();
        },
        1}},
      {"ceiling",
       {{"n"},
        [](const BuiltinCall& c) -> Value {
          auto* n = num(c.args, 0);
          return n ? Value(Decimal(boost::multiprecision::ceil(*n))) : Value();
        },
        1}},
      {"abs",
       {{"n"},
        [](const BuiltinCall& c) -> Value {
          if (auto* n = num(c.args, 0)) return Value(Decimal(boost::multiprecision::abs(*n)));
          if (auto* d = c.args[0].get<DayTimeDuration>()) {
            auto r =
                d->millis < 0 ? checked_sub(0, d->millis) : std::optional<std::int64_t>(d->millis);
            return r ? Value(DayTimeDuration{*r}) : Value();
          }
          return {};
        },
        1}},
      {"modulo",
       {{"dividend", "divisor"},
        [](const BuiltinCall& c) -> Value {
          auto *a = num(c.args, 0), *b = num(c.args, 1);
          if (!a || !b || b->is_zero()) return {};
          return Value(Decimal(*a - *b * boost::multiprecision::floor(*a / *b)));
        },
        2}},
      {"sqrt",
       {{"number"},
        [](const BuiltinCall& c) -> Value {
          auto* n = num(c.args, 0);
          return n && *n >= 0 ? Value(Decimal(boost::multiprecision::sqrt(*n))) : Value();
        },
        1}},
      {"odd",
       {{"number"},
        [](const BuiltinCall& c) -> Value {
          auto* n = num(c.args, 0);
          if (!n || boost::multiprecision::floor(*n) != *n) return {};
          return boost::multiprecision::fmod(*n, Decimal(2)) != 0;
        },
        1}},
      {"even",
       {{"number"},
        [](const BuiltinCall& c) -> Value {
          auto* n = num(c.args, 0);
          if (!n || boost::multiprecision::floor(*n) != *n) return {};
          return boost::multiprecision::fmod(*n, Decimal(2)) == 0;
        },
        1}},
      {"get value",
       {{"m", "key"},
        [](const BuiltinCall& c) -> Value {
          auto* ctx = c.args[0].context();
          auto* k = str(c.args, 1);
          if (!ctx || !k || !spend(ctx->size())) return {};
          for (const auto& [key, v] : *ctx)
            if (key == *k) return v;
          return {};
        },
        2}},
      {"get entries",
       {{"m"},
        [](const BuiltinCall& c) -> Value {
          auto* ctx = c.args[0].context();
          if (!ctx || !spend(ctx->size())) return {};
          List out;
          out.reserve(ctx->size());
          for (const auto& [k, v] : *ctx)
            out.push_back(Value(Context{{"key", Value(k)}, {"value", v}}));
          return out;
        },
        1}},
      {"day of week",
       {{"date"},
        [](const BuiltinCall& c) -> Value {
          static const char* names[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
          std::int64_t days;
          if (auto* date = c.args[0].get<Date>())
            days = date->days;
          else if (auto* dt = c.args[0].get<DateTime>())
            days = dt->millis / kDayMs;
          else
            return {};
          return std::string(names[((days % 7) + 7 + 3) % 7]);
        },
        1}},
  };
  add_text_builtins(t);
  add_list_builtins(t);
  return t;
}

const BuiltinTable& table() {
  static const BuiltinTable t = make_table();
  return t;
}

}  // namespace

const std::vector<std::string_view>* builtin_params(std::string_view name) {
  auto it = table().find(name);
  return it == table().end() ? nullptr : &it->second.params;
}

Value call_builtin(std::string_view name, const BuiltinCall& call) {
  auto it = table().find(name);
  if (it == table().end() || call.args.size() < it->second.min_args) return {};
  if (!it->second.params.empty() && call.args.size() > it->second.params.size() &&
      !it->second.variadic)
    return {};
  return it->second.fn(call);
}

Value date_from_string(std::string_view text) {
  if (text.size() != 10) return {};
  auto dt = iso8601::parse_date_time(text);
  if (!dt) return {};
  return Value(Date{dt->epoch_millis / kDayMs - (dt->epoch_millis % kDayMs < 0)});
}

Value date_time_from_string(std::string_view text) {
  auto dt = iso8601::parse_date_time(text);
  if (!dt) return {};
  return Value(DateTime{dt->epoch_millis, dt->has_zone});
}

Value duration_from_string(std::string_view text) {
  const bool neg = !text.empty() && text.front() == '-';
  if (neg) text.remove_prefix(1);
  auto d = iso8601::parse_duration(text);
  if (!d) return {};
  // Each part is at most 10^9, but parts may repeat (P1D1D): the sums are checked.
  if (d->years || d->months) {
    if (d->days || d->millis) return {};
    auto months = checked_mul(d->years, 12);
    months = months ? checked_add(*months, d->months) : std::nullopt;
    return months ? Value(YearMonthDuration{neg ? -*months : *months}) : Value();
  }
  auto ms = checked_mul(d->days, kDayMs);
  ms = ms ? checked_add(*ms, d->millis) : std::nullopt;
  return ms ? Value(DayTimeDuration{neg ? -*ms : *ms}) : Value();
}

}  // namespace elva::expr
