// Working-day calendars: administrative deadlines are counted in working days, and a deadline
// that falls on a day off moves to the next working day. A calendar is a rule set (Swedish or
// Norwegian public holidays, computed by rule for any year, Easter-based ones included) plus the
// municipality's own days off. Days are counted since 1970-01-01 (iso8601::days_from_civil).
// docs/calendar.md says which days each rule set has off, and why.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "elva/result.hpp"

namespace elva::calendar {

struct DayOff {
  std::int64_t day = 0;
  std::string name;    // in the country's language: "midsommarafton", "Andre påskedag"
  bool eve = false;    // not a public holiday, but a day off in public offices and for deadlines
  bool local = false;  // one of the municipality's own days off
};

class Calendar {
 public:
  // "SE" (Sweden), "NO" (Norway) or "weekdays" (Monday to Friday, no holidays); nullopt for any
  // other name. Case does not matter.
  static std::optional<Calendar> named(std::string_view name);
  // The names `named` knows, for error messages.
  static std::string known_names();

  const std::string& name() const { return name_; }
  // A local day off (a municipality's closing day), on top of the rule set.
  void add_day_off(std::int64_t day, std::string name = "local day off");

  bool is_working_day(std::int64_t day) const;
  // The days off of a year, in date order (weekends not listed).
  std::vector<DayOff> days_off(std::int64_t year) const;
  // The `n`th working day after `day` (before it when n < 0; `day` itself when n = 0). Nullopt
  // when |n| is above kMaxWorkingDays.
  std::optional<std::int64_t> add_working_days(std::int64_t day, std::int64_t n) const;
  // `day` when it is a working day, else the next one: where a deadline that falls on a day off
  // ends (Swedish lag (1930:173), Norwegian domstolloven § 149).
  std::int64_t on_or_after(std::int64_t day) const;
  // Working days after `from` up to and including `to` (negative when `to` is before `from`);
  // nullopt when the two are more than kMaxSpanDays apart.
  std::optional<std::int64_t> working_days_between(std::int64_t from, std::int64_t to) const;

  static constexpr std::int64_t kMaxWorkingDays = 100'000;
  static constexpr std::int64_t kMaxSpanDays = 200'000;

 private:
  enum class Rules : std::uint8_t { Weekdays, Sweden, Norway };
  Calendar(std::string name, Rules rules) : name_(std::move(name)), rules_(rules) {}
  bool is_rule_holiday(std::int64_t day) const;

  std::string name_;
  Rules rules_;
  std::set<std::int64_t> local_;
  std::vector<DayOff> local_named_;
};

// A calendar from configuration (elva.toml [calendar], a scenario's "calendar"): rules by name
// and days off as "2026-12-23". Errors: InvalidArgument naming the rules or the day.
Result<Calendar> configured(std::string_view rules, const std::vector<std::string>& days_off);

// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm), as a day number.
std::int64_t easter_sunday(std::int64_t year);

}  // namespace elva::calendar
