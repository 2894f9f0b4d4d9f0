// FEEL temporal built-ins (DMN 1.5 §10.3.4.8: day of year, day of week, month of year, week of
// year), is() (§10.3.4.6) and the range functions of §10.3.4.7 (before, after, meets, ...), each
// with its point and range signatures. A null bound of a range is unbounded; points or bounds
// of different types make the answer null.
#include "expr/builtin_table.hpp"

namespace elva::expr {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// The local calendar day of a date or date-time argument.
std::optional<std::int64_t> day_of(const Value& v) {
  if (auto* d = v.get<Date>()) return d->days;
  if (auto* dt = v.get<DateTime>()) {
    const std::int64_t local = local_millis(*dt);
    return local / kDayMs - (local % kDayMs < 0);
  }
  return std::nullopt;
}

int iso_weekday(std::int64_t days) {  // 1 = Monday .. 7 = Sunday
  return static_cast<int>(((days % 7) + 7 + 3) % 7) + 1;
}

Value day_of_year(const BuiltinCall& c) {
  auto d = day_of(c.args[0]);
  if (!d) return {};
  std::int64_t y;
  unsigned m, day;
  civil_from_days(*d, y, m, day);
  return Value(Decimal(*d - days_from_civil(y, 1, 1) + 1));
}

Value day_of_week(const BuiltinCall& c) {
  static const char* names[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                "Friday", "Saturday", "Sunday"};
  auto d = day_of(c.args[0]);
  return d ? Value(names[iso_weekday(*d) - 1]) : Value();
}

Value month_of_year(const BuiltinCall& c) {
  static const char* names[] = {"January",   "February", "March",    "April",
                                "May",       "June",     "July",     "August",
                                "September", "October",  "November", "December"};
  auto d = day_of(c.args[0]);
  if (!d) return {};
  std::int64_t y;
  unsigned m, day;
  civil_from_days(*d, y, m, day);
  return Value(names[m - 1]);
}

// ISO 8601: week 1 is the week (Monday to Sunday) with the year's first Thursday.
Value week_of_year(const BuiltinCall& c) {
  auto d = day_of(c.args[0]);
  if (!d) return {};
  const std::int64_t thursday = *d - iso_weekday(*d) + 4;
  std::int64_t y;
  unsigned m, day;
  civil_from_days(thursday, y, m, day);
  return Value(Decimal((thursday - days_from_civil(y, 1, 1)) / 7 + 1));
}

// One end of an interval: a point is [p..p]; a range's null bound is -inf or +inf.
struct End {
  const Value* value = nullptr;
  int infinite = 0;  // -1, +1, or 0 for a value
  bool included = true;
};

// Compares ends; remembers when two were not comparable (the answer is then null).
class Relation {
 public:
  int cmp(const End& a, const End& b) {
    if (a.infinite || b.infinite)
      return a.infinite == b.infinite ? 0 : (a.infinite < b.infinite ? -1 : 1);
    auto c = compare(*a.value, *b.value);
    if (!c) bad_ = true;
    return c.value_or(0);
  }
  bool lt(const End& a, const End& b) { return cmp(a, b) < 0; }
  bool eq(const End& a, const End& b) { return cmp(a, b) == 0; }
  Value result(bool r) const { return bad_ ? Value() : Value(r); }

 private:
  bool bad_ = false;
};

struct Interval {
  End start, end;
  bool point = false;
};

std::optional<Interval> interval(const Value& v) {
  if (const Range* r = v.range()) {
    Interval i;
    i.start = {&r->start, r->start.is_null() ? -1 : 0, r->start_included};
    i.end = {&r->end, r->end.is_null() ? 1 : 0, r->end_included};
    return i;
  }
  if (v.is_null() || v.list() || v.context() || v.function()) return std::nullopt;
  return Interval{{&v, 0, true}, {&v, 0, true}, true};
}

// The relations of Table 78 (DMN 1.5). Each gets both arguments as intervals; `a` and `b`
// say whether each was a point.
using RangeRule = bool (*)(Relation&, const Interval&, const Interval&);

bool before(Relation& r, const Interval& a, const Interval& b) {
  return r.lt(a.end, b.start) || ((!a.end.included || !b.start.included) && r.eq(a.end, b.start));
}
bool after(Relation& r, const Interval& a, const Interval& b) { return before(r, b, a); }
bool meets(Relation& r, const Interval& a, const Interval& b) {
  return a.end.included && b.start.included && r.eq(a.end, b.start);
}
bool met_by(Relation& r, const Interval& a, const Interval& b) { return meets(r, b, a); }
bool overlaps(Relation& r, const Interval& a, const Interval& b) {
  const bool x =
      r.cmp(a.end, b.start) > 0 || (r.eq(a.end, b.start) && a.end.included && b.start.included);
  const bool y =
      r.lt(a.start, b.end) || (r.eq(a.start, b.end) && a.start.included && b.end.included);
  return x && y;
}
bool overlaps_before(Relation& r, const Interval& a, const Interval& b) {
  const bool x =
      r.lt(a.start, b.start) || (r.eq(a.start, b.start) && a.start.included && !b.start.included);
  const bool y =
      r.cmp(a.end, b.start) > 0 || (r.eq(a.end, b.start) && a.end.included && b.start.included);
  const bool z = r.lt(a.end, b.end) || (r.eq(a.end, b.end) && (!a.end.included || b.end.included));
  return x && y && z;
}
bool overlaps_after(Relation& r, const Interval& a, const Interval& b) {
  return overlaps_before(r, b, a);
}
bool finishes(Relation& r, const Interval& a, const Interval& b) {
  if (a.point) return b.end.included && r.eq(b.end, a.start);
  return a.end.included == b.end.included && r.eq(a.end, b.end) &&
         (r.cmp(a.start, b.start) > 0 ||
          (r.eq(a.start, b.start) && (!a.start.included || b.start.included)));
}
bool finished_by(Relation& r, const Interval& a, const Interval& b) { return finishes(r, b, a); }
bool includes(Relation& r, const Interval& a, const Interval& b) {
  if (b.point)
    return (r.lt(a.start, b.start) && r.cmp(a.end, b.start) > 0) ||
           (r.eq(a.start, b.start) && a.start.included) || (r.eq(a.end, b.start) && a.end.included);
  return (r.lt(a.start, b.start) ||
          (r.eq(a.start, b.start) && (a.start.included || !b.start.included))) &&
         (r.cmp(a.end, b.end) > 0 || (r.eq(a.end, b.end) && (a.end.included || !b.end.included)));
}
bool during(Relation& r, const Interval& a, const Interval& b) { return includes(r, b, a); }
bool starts(Relation& r, const Interval& a, const Interval& b) {
  if (a.point) return b.start.included && r.eq(b.start, a.start);
  return a.start.included == b.start.included && r.eq(a.start, b.start) &&
         (r.lt(a.end, b.end) || (r.eq(a.end, b.end) && (!a.end.included || b.end.included)));
}
bool started_by(Relation& r, const Interval& a, const Interval& b) { return starts(r, b, a); }
bool coincides(Relation& r, const Interval& a, const Interval& b) {
  return r.eq(a.start, b.start) && r.eq(a.end, b.end) && a.start.included == b.start.included &&
         a.end.included == b.end.included;
}

// Which argument may be a point: both (before), the first (finishes), the second (includes), or
// neither (meets); coincides takes two points or two ranges.
enum class Points { Both, First, Second, None, Same };

Builtin range_builtin(RangeRule rule, Points points) {
  std::vector<std::vector<std::string_view>> names;
  switch (points) {
    case Points::Both:
      names = {{"point1", "point2"}, {"point", "range"}, {"range", "point"}, {"range1", "range2"}};
      break;
    case Points::First:
      names = {{"point", "range"}, {"range1", "range2"}};
      break;
    case Points::Second:
      names = {{"range", "point"}, {"range1", "range2"}};
      break;
    case Points::None:
      names = {{"range1", "range2"}};
      break;
    case Points::Same:
      names = {{"point1", "point2"}, {"range1", "range2"}};
      break;
  }
  auto fn = [rule, points](const BuiltinCall& c) -> Value {
    if (c.args.size() != 2) return {};
    auto a = interval(c.args[0]), b = interval(c.args[1]);
    if (!a || !b) return {};
    const bool ok = points == Points::Both || (points == Points::First && !b->point) ||
                    (points == Points::Second && !a->point) ||
                    (points == Points::None && !a->point && !b->point) ||
                    (points == Points::Same && a->point == b->point);
    if (!ok) return {};
    Relation r;
    const bool out = rule(r, *a, *b);
    return r.result(out);
  };
  Builtin b{names[0], fn, 2};
  b.other_params.assign(names.begin() + 1, names.end());
  return b;
}

}  // namespace

void add_temporal_builtins(BuiltinTable& t) {
  t["day of year"] = {{"date"}, day_of_year, 1};
  t["day of week"] = {{"date"}, day_of_week, 1};
  t["month of year"] = {{"date"}, month_of_year, 1};
  t["week of year"] = {{"date"}, week_of_year, 1};
  t["is"] = {{"value1", "value2"},
             [](const BuiltinCall& c) -> Value {
               if (c.args.size() != 2) return {};
               return identical(c.args[0], c.args[1]);
             },
             2};
  t["before"] = range_builtin(before, Points::Both);
  t["after"] = range_builtin(after, Points::Both);
  t["meets"] = range_builtin(meets, Points::None);
  t["met by"] = range_builtin(met_by, Points::None);
  t["overlaps"] = range_builtin(overlaps, Points::None);
  t["overlaps before"] = range_builtin(overlaps_before, Points::None);
  t["overlaps after"] = range_builtin(overlaps_after, Points::None);
  t["finishes"] = range_builtin(finishes, Points::First);
  t["finished by"] = range_builtin(finished_by, Points::Second);
  t["includes"] = range_builtin(includes, Points::Second);
  t["during"] = range_builtin(during, Points::First);
  t["starts"] = range_builtin(starts, Points::First);
  t["started by"] = range_builtin(started_by, Points::Second);
  t["coincides"] = range_builtin(coincides, Points::Same);
}

}  // namespace elva::expr
