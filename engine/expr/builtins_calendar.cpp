// Working-day built-ins (Elva's, not DMN's): add working days(), working days between(),
// is working day() and working day on or after(). They count on the calendar the evaluation was
// given (EvalOptions::calendar: the tenant's, from elva.toml), or on one named by a last
// argument ("SE", "NO", "weekdays"). Dates give dates; date-times keep their wall-clock time and
// zone.
#include "common/calendar.hpp"
#include "expr/budget.hpp"
#include "expr/builtin_table.hpp"
#include "expr/number.hpp"

namespace elva::expr {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::optional<std::int64_t> local_day(const Value& v) {
  if (auto* d = v.get<Date>()) return d->days;
  if (auto* dt = v.get<DateTime>()) {
    const std::int64_t local = local_millis(*dt);
    return local / kDayMs - (local % kDayMs < 0);
  }
  return std::nullopt;
}

// The same kind of value as `like` on day `day` (a date-time keeps its time of day and zone).
Value on_day(const Value& like, std::int64_t day) {
  if (like.get<Date>()) return Value(Date{day});
  const auto& dt = *like.get<DateTime>();
  const std::int64_t local = local_millis(dt);
  const std::int64_t time_of_day = local - (local / kDayMs - (local % kDayMs < 0)) * kDayMs;
  return Value(local_in_zone_of(day * kDayMs + time_of_day, dt));
}

// The calendar to count on: a name given as argument `i`, else the evaluation's; null when
// the name is unknown (the call is then null).
std::optional<calendar::Calendar> calendar_for(const BuiltinCall& c, std::size_t i) {
  if (i < c.args.size() && !c.args[i].is_null()) {
    const auto* name = str(c.args, i);
    if (!name) return std::nullopt;
    return calendar::Calendar::named(*name);
  }
  if (c.calendar) return *c.calendar;
  return calendar::Calendar::named("weekdays");
}

std::optional<std::int64_t> whole_days(const std::vector<Value>& a, std::size_t i) {
  const Decimal* n = num(a, i);
  if (!n) return std::nullopt;
  return whole(*n, -calendar::Calendar::kMaxWorkingDays, calendar::Calendar::kMaxWorkingDays);
}

// Counting walks day by day: each calendar day is a step of the evaluation's budget (about 1.4
// per working day).
bool spend_days(std::int64_t days) {
  return spend(static_cast<std::uint64_t>(days < 0 ? -days : days) + 1);
}

}  // namespace

void add_calendar_builtins(BuiltinTable& t) {
  t["add working days"] = {{"from", "days", "calendar"},
                           [](const BuiltinCall& c) -> Value {
                             auto day = local_day(c.args[0]);
                             auto n = whole_days(c.args, 1);
                             auto cal = calendar_for(c, 2);
                             if (!day || !n || !cal || !spend_days(*n * 7 / 5)) return {};
                             auto to = cal->add_working_days(*day, *n);
                             return to ? on_day(c.args[0], *to) : Value();
                           },
                           2};
  t["working days between"] = {{"from", "to", "calendar"},
                               [](const BuiltinCall& c) -> Value {
                                 auto from = local_day(c.args[0]);
                                 auto to = local_day(c.args[1]);
                                 auto cal = calendar_for(c, 2);
                                 if (!from || !to || !cal) return {};
                                 if (!spend_days(*to > *from ? *to - *from : *from - *to))
                                   return {};
                                 auto n = cal->working_days_between(*from, *to);
                                 return n ? Value(Decimal(*n)) : Value();
                               },
                               2};
  t["is working day"] = {{"date", "calendar"},
                         [](const BuiltinCall& c) -> Value {
                           auto day = local_day(c.args[0]);
                           auto cal = calendar_for(c, 1);
                           if (!day || !cal) return {};
                           return Value(cal->is_working_day(*day));
                         },
                         1};
  t["working day on or after"] = {{"date", "calendar"},
                                  [](const BuiltinCall& c) -> Value {
                                    auto day = local_day(c.args[0]);
                                    auto cal = calendar_for(c, 1);
                                    if (!day || !cal) return {};
                                    return on_day(c.args[0], cal->on_or_after(*day));
                                  },
                                  1};
}

}  // namespace elva::expr
