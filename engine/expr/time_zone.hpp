// IANA time zones for FEEL (`@"2024-01-01T10:00:00@Europe/Stockholm"`): the offset from UTC a
// zone id gives at an instant or at a local wall time. Rules come from the system's compiled
// tz database (TZif files under $TZDIR or /usr/share/zoneinfo, Debian's tzdata), read once
// per zone and kept; nothing else is read. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace elva::expr {

// True when `id` has the shape of a zone id ("Europe/Stockholm", "UTC", "America/St_Johns")
// and the database knows it.
bool known_time_zone(std::string_view id);
// The offset in seconds east of UTC that zone `id` has at `utc_millis`; nullopt for an unknown
// zone.
std::optional<std::int32_t> zone_offset_at(std::string_view id, std::int64_t utc_millis);
// The offset for a local wall time in zone `id`. In an overlap (clocks set back) the earlier
// offset is taken; in a gap (clocks set forward) the offset before the gap, as java.time does.
std::optional<std::int32_t> zone_offset_for_local(std::string_view id, std::int64_t local_millis);

}  // namespace elva::expr
