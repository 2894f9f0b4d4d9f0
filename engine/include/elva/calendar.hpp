// Working-day calendars (docs/calendar.md): due dates, follow-up dates and timers counted in
// working days, as administrative deadlines are. Configured per tenant in elva.toml [calendar].
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/result.hpp"

namespace elva {

struct CalendarOptions {
  std::string rules = "weekdays";     // "SE", "NO" or "weekdays" (Monday to Friday)
  std::vector<std::string> days_off;  // the municipality's own days off: "2026-12-23"
};

// The days off from year `from` to year `to` (at most 200 years), weekends not listed:
// [{"date": "2026-06-19", "weekday": "Friday", "name": "midsommarafton", "kind": "holiday" |
// "eve" | "local"}]. Errors: InvalidArgument (unknown rules, a day off that is not a date, years
// out of range).
Result<nlohmann::json> calendar_days_off(const CalendarOptions& options, int from, int to);

}  // namespace elva
