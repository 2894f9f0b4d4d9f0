// elva/calendar.hpp over common/calendar.
#include "elva/calendar.hpp"

#include "common/calendar.hpp"
#include "common/iso8601.hpp"

namespace elva {

Result<nlohmann::json> calendar_days_off(const CalendarOptions& options, int from, int to) {
  if (from < 1583 || to > 9999 || to < from || to - from >= 200)
    return fail(Errc::InvalidArgument,
                "give years from 1583 (the Gregorian calendar) to 9999, at most 200 at a time");
  auto cal = calendar::configured(options.rules, options.days_off);
  if (!cal) return fail(cal.error());
  static const char* kWeekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                    "Friday", "Saturday", "Sunday"};
  nlohmann::json out = nlohmann::json::array();
  for (int year = from; year <= to; ++year) {
    for (const auto& d : cal->days_off(year)) {
      std::int64_t y;
      unsigned m, day;
      iso8601::civil_from_days(d.day, y, m, day);
      char date[16];
      std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(y), m, day);
      out.push_back({{"date", date},
                     {"weekday", kWeekdays[((d.day % 7) + 7 + 3) % 7]},
                     {"name", d.name},
                     {"kind", d.local ? "local"
                              : d.eve ? "eve"
                                      : "holiday"}});
    }
  }
  return out;
}

}  // namespace elva
