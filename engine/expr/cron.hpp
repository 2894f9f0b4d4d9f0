// Cron expressions in timer cycles, as Camunda 7 (Quartz), Camunda 8 (Spring) and Unix write
// them, with the next time they fire in a stated time zone (docs/sharing.md#cron-cycles).
// Pure functions; thread-safe (zone rules come from time_zone.hpp).
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "elva/result.hpp"

namespace elva::expr {

struct Cron {
  std::bitset<60> seconds, minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // 1..31
  std::bitset<13> months;         // 1..12
  std::bitset<7> days_of_week;    // 0 = Sunday .. 6 = Saturday
  bool any_day_of_month = true;   // '*' or '?'
  bool any_day_of_week = true;
  bool either_day = false;  // five-field cron: a restricted day of month OR day of week
  std::optional<int> year_from, year_to;  // Quartz's seventh field
  std::string zone = "UTC";               // CRON_TZ=Europe/Stockholm before the fields
  std::string dialect;                    // "quartz", "spring" or "unix" (how it was read)
};

// True when `text` has the shape of a cron expression (5 to 7 space-separated fields, or a
// CRON_TZ= prefix), rather than an ISO 8601 repeating interval.
bool looks_like_cron(std::string_view text);

// Reads "sec min hour day-of-month month day-of-week [year]" (Quartz: 1 = Sunday, '?' for no
// day; Spring, six fields without '?': 0 or 7 = Sunday) or five-field Unix cron ("min hour dom
// month dow", 0 or 7 = Sunday, a restricted day of month or week matches either). Names
// (JAN-DEC, SUN-SAT), lists, ranges and steps are read; Quartz's L, W and # are not.
// "CRON_TZ=Zone " in front states the time zone (default UTC). Errors: InvalidArgument saying
// which field is wrong and why.
Result<Cron> parse_cron(std::string_view text);

// The first time after `after_utc_millis` (strictly) that `cron` fires, in ms since the epoch;
// nullopt when it never fires again (its years are over). Wall times are read in cron.zone: a
// time that a DST change skips fires at the same wall time moved forward by the gap (02:30 ->
// 03:30), one that happens twice fires once, at the first.
std::optional<std::int64_t> next_fire(const Cron& cron, std::int64_t after_utc_millis);

}  // namespace elva::expr
