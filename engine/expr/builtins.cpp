// FEEL built-in functions: the table (builtin_table.hpp) with the conversion and boolean
// functions of DMN 1.5 §10.3.4.1-2 here; the other families live in builtins_*.cpp. Numbers
// that become machine integers (years, hours) are range-checked first (number.hpp).
#include "expr/builtins.hpp"

#include <algorithm>

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

std::int64_t local_day(const DateTime& dt) {
  const std::int64_t local = local_millis(dt);
  return local / kDayMs - (local % kDayMs < 0);
}

Value date_of(const Args& a) {
  if (a.size() == 1) {
    if (auto* s = str(a, 0)) return date_from_string(*s);
    if (auto* dt = a[0].get<DateTime>()) return Value(Date{local_day(*dt)});
    if (auto* d = a[0].get<Date>()) return Value(*d);
    return {};
  }
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
  if (a.size() == 1) {
    if (auto* s = str(a, 0)) return date_time_from_string(*s);
    return {};
  }
  const Time* tm = a[1].get<Time>();
  std::optional<std::int64_t> day;
  if (const auto* dt = a[0].get<DateTime>())
    day = local_day(*dt);
  else if (const auto* d = a[0].get<Date>())
    day = d->days;
  if (!day || !tm) return {};
  auto ms = checked_mul(*day, kDayMs);
  auto local = ms ? checked_add(*ms, tm->millis) : std::nullopt;
  if (!local ||
      (tm->has_zone && (*local > (std::int64_t{1} << 62) || *local < -(std::int64_t{1} << 62))))
    return {};  // zoned values stay within ±2^62 ms (arithmetic.cpp)
  // A zone id is resolved for that day (a time alone carries the zone's offset in 1970).
  return Value(local_in_zone_of(*local, DateTime{0, tm->has_zone, tm->offset_seconds, tm->zone}));
}

Value time_of(const Args& a) {
  if (a.size() == 1) {
    if (auto* s = str(a, 0)) return time_from_string(*s) ? Value(*time_from_string(*s)) : Value();
    if (auto* tm = a[0].get<Time>()) return Value(*tm);
    if (auto* dt = a[0].get<DateTime>()) {
      std::int64_t rest = local_millis(*dt) % kDayMs;
      if (rest < 0) rest += kDayMs;
      return Value(Time{rest, dt->has_zone, dt->offset_seconds, dt->zone});
    }
    if (a[0].get<Date>()) return Value(Time{0, true, 0, nullptr});  // midnight UTC (the spec)
    return {};
  }
  auto *h = num(a, 0), *m = num(a, 1), *sec = num(a, 2);
  if (!h || !m || !sec || *h < 0 || *h > 23 || *m < 0 || *m > 59 || *sec < 0 || *sec >= 60)
    return {};
  Time out{*truncated(*h) * 3'600'000 + *truncated(*m) * 60'000 +
               *truncated(boost::multiprecision::floor(*sec * 1000)),
           false, 0, nullptr};
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
    if (auto* d = v.get<DateTime>()) return local_day(*d);
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
      {"date",
       {{"from"},
        [](const BuiltinCall& c) { return date_of(c.args); },
        1,
        false,
        {{"year", "month", "day"}}}},
      {"date and time",
       {{"from"},
        [](const BuiltinCall& c) { return date_time_of(c.args); },
        1,
        false,
        {{"date", "time"}}}},
      {"time",
       {{"from"},
        [](const BuiltinCall& c) { return time_of(c.args); },
        1,
        false,
        {{"hour", "minute", "second", "offset"}}}},
      {"range",
       {{"from"},
        [](const BuiltinCall& c) -> Value {
          auto* s = str(c.args, 0);
          return s && spend_text(s->size()) ? range_from_string(*s) : Value();
        },
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
          return Value(DateTime{c.now_millis, true, 0, nullptr});
        },
        0}},
      {"today", {{}, [](const BuiltinCall& c) { return Value(Date{c.now_millis / kDayMs}); }, 0}},
  };
  add_numeric_builtins(t);
  add_text_builtins(t);
  add_list_builtins(t);
  add_stats_builtins(t);
  add_temporal_builtins(t);
  add_context_builtins(t);
  add_calendar_builtins(t);
  return t;
}

const BuiltinTable& table() {
  static const BuiltinTable t = make_table();
  return t;
}

}  // namespace

bool is_builtin(std::string_view name) { return table().count(name) != 0; }

std::optional<std::vector<std::size_t>> builtin_slots(std::string_view name,
                                                      const std::vector<std::string>& names) {
  auto it = table().find(name);
  if (it == table().end()) return std::nullopt;
  auto fits = [&](const std::vector<std::string_view>& params) {
    std::optional<std::vector<std::size_t>> slots(std::in_place);
    for (const auto& n : names) {
      auto at = std::find(params.begin(), params.end(), n);
      if (at == params.end()) return std::optional<std::vector<std::size_t>>();
      slots->push_back(static_cast<std::size_t>(at - params.begin()));
    }
    return slots;
  };
  if (auto s = fits(it->second.params)) return s;
  for (const auto& other : it->second.other_params)
    if (auto s = fits(other)) return s;
  return std::nullopt;
}

Value call_builtin(std::string_view name, const BuiltinCall& call) {
  auto it = table().find(name);
  if (it == table().end() || call.args.size() < it->second.min_args) return {};
  std::size_t most = it->second.params.size();
  for (const auto& other : it->second.other_params) most = std::max(most, other.size());
  if (call.args.size() > most && !it->second.variadic) return {};
  return it->second.fn(call);
}

Value date_from_string(std::string_view text) {
  auto dt = date_time_from_text(text);
  if (!dt || text.find('T') != std::string_view::npos) return {};
  return Value(Date{dt->millis / kDayMs - (dt->millis % kDayMs < 0)});
}

Value date_time_from_string(std::string_view text) {
  auto dt = date_time_from_text(text);
  return dt ? Value(*dt) : Value();
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
