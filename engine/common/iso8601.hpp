// ISO 8601 as BPMN timers use it: date-times, durations and repeating intervals (R3/PT10M).
// Pure functions over text; the runtime evaluates them against its injected clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace elva::iso8601 {

struct Duration {
  std::int64_t years = 0, months = 0, days = 0;  // calendar part (days include weeks * 7)
  std::int64_t millis = 0;                        // clock part: hours, minutes, seconds
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
std::optional<DateTime> parse_date_time(std::string_view text);
std::optional<Cycle> parse_cycle(std::string_view text);

}  // namespace elva::iso8601
