// ISO 8601 as BPMN timers use it: date-times, durations and repeating intervals (R3/PT10M).
// Pure functions over text; the runtime evaluates them against its injected clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace elva::iso8601 {

struct Duration {
  std::int64_t years = 0, months = 0, days = 0;  // calendar part (days include weeks * 7)
  std::int64_t millis = 0;                       // clock part: hours, minutes, seconds
};

struct DateTime {
  std::int64_t epoch_millis = 0;  // UTC
  bool has_zone = false;          // "Z" or an offset was given; otherwise local time was meant
};

struct Cycle {
  std::int64_t repetitions = -1;  // -1: unbounded ("R/...")
  std::optional<DateTime> start;
  std::optional<Duration> interval;
  std::optional<DateTime> end;
};

std::optional<Duration> parse_duration(std::string_view text);

// Proleptic Gregorian calendar (Howard Hinnant's algorithms): days since 1970-01-01.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day);
// `epoch_millis` plus `d`, following the calendar: years and months move the date and clamp the
// day to the month's length (Jan 31 + P1M = Feb 28/29), then days and the clock part are added.
std::int64_t add(std::int64_t epoch_millis, const Duration& d);
std::optional<DateTime> parse_date_time(std::string_view text);
std::optional<Cycle> parse_cycle(std::string_view text);
// Now, in milliseconds since 1970-01-01 UTC (the system clock).
std::int64_t now_millis();
// 2026-11-23T12:46:40.483Z: epoch milliseconds as the API shows times.
std::string format_utc(std::int64_t epoch_millis);

}  // namespace elva::iso8601
