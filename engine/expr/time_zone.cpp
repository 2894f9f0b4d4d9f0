// TZif (RFC 8536) reader: the version 2+ transitions, then the footer's POSIX TZ rule for
// instants after the last transition ("CET-1CEST,M3.5.0,M10.5.0/3"). Only "Mm.w.d" rules are
// understood (what the tz database writes); a zone whose rule is otherwise keeps its last offset.
#include "expr/time_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/iso8601.hpp"

namespace elva::expr {
namespace {

struct DstRule {  // "Mm.w.d/time": day d (0 = Sunday) of week w (5 = last) of month m
  int month = 0, week = 0, weekday = 0;
  std::int32_t seconds = 7200;
};

struct Zone {
  std::vector<std::int64_t> transitions;  // seconds since the epoch, ascending
  std::vector<std::int32_t> offsets;      // the offset from each transition on
  std::int32_t initial = 0;               // before the first transition
  bool has_footer = false;
  std::int32_t std_offset = 0, dst_offset = 0;
  bool has_dst = false;
  DstRule start, end;
};

std::int64_t be(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// POSIX offsets count west of UTC: "-1" is one hour east. Returns seconds east.
bool posix_offset(const std::string& s, std::size_t& i, std::int32_t& out, bool time_of_day) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
  std::int32_t parts[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (k == 0) return false;
      break;
    }
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      parts[k] = parts[k] * 10 + (s[i++] - '0');
    if (k < 2 && i < s.size() && s[i] == ':')
      ++i;
    else
      break;
  }
  const std::int32_t secs = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  out = time_of_day ? secs : -secs;
  return true;
}

bool posix_name(const std::string& s, std::size_t& i) {
  if (i < s.size() && s[i] == '<') {
    auto close = s.find('>', i);
    if (close == std::string::npos) return false;
    i = close + 1;
    return true;
  }
  const std::size_t from = i;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  return i - from >= 3;
}

bool posix_rule(const std::string& s, std::size_t& i, DstRule& r) {
  if (i >= s.size() || s[i] != 'M') return false;
  ++i;
  int* fields[3] = {&r.month, &r.week, &r.weekday};
  for (int k = 0; k < 3; ++k) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    *fields[k] = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      *fields[k] = *fields[k] * 10 + (s[i++] - '0');
    if (k < 2 && (i >= s.size() || s[i++] != '.')) return false;
  }
  if (r.month < 1 || r.month > 12 || r.week < 1 || r.week > 5 || r.weekday > 6) return false;
  if (i < s.size() && s[i] == '/') {
    ++i;
    return posix_offset(s, i, r.seconds, true);
  }
  return true;
}

void parse_footer(const std::string& tz, Zone& z) {
  std::size_t i = 0;
  if (!posix_name(tz, i) || !posix_offset(tz, i, z.std_offset, false)) return;
  z.has_footer = true;
  z.dst_offset = z.std_offset;
  if (i >= tz.size()) return;
  if (!posix_name(tz, i)) return;
  z.dst_offset = z.std_offset + 3600;
  if (i < tz.size() && tz[i] != ',' && !posix_offset(tz, i, z.dst_offset, false)) return;
  if (i >= tz.size() || tz[i++] != ',' || !posix_rule(tz, i, z.start)) return;
  if (i >= tz.size() || tz[i++] != ',' || !posix_rule(tz, i, z.end)) return;
  z.has_dst = true;
}

std::shared_ptr<const Zone> load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::vector<unsigned char> d((std::istreambuf_iterator<char>(in)), {});
  if (d.size() < 44 || d.size() > (1u << 20) || std::string(d.begin(), d.begin() + 4) != "TZif")
    return nullptr;
  auto counts = [&](std::size_t at, std::int64_t c[6]) {
    for (int k = 0; k < 6; ++k) c[k] = be(&d[at + 20 + 4 * static_cast<std::size_t>(k)], 4);
  };
  std::int64_t c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  counts(0, c);
  std::size_t at = 44;
  int width = 4;
  if (d[4] >= '2') {  // skip the 32-bit block, read the 64-bit one
    at += static_cast<std::size_t>(c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (at + 44 > d.size()) return nullptr;
    counts(at, c);
    at += 44;
    width = 8;
  }
  const auto timecnt = static_cast<std::size_t>(c[3]), typecnt = static_cast<std::size_t>(c[4]);
  const std::size_t need = timecnt * static_cast<std::size_t>(width + 1) + typecnt * 6;
  if (typecnt == 0 || at + need > d.size()) return nullptr;
  auto z = std::make_shared<Zone>();
  std::vector<std::int32_t> type_offset(typecnt);
  const std::size_t types_at = at + timecnt * static_cast<std::size_t>(width + 1);
  for (std::size_t k = 0; k < typecnt; ++k)
    type_offset[k] = static_cast<std::int32_t>(be(&d[types_at + k * 6], 4));
  z->initial = type_offset[0];
  for (std::size_t k = 0; k < timecnt; ++k) {
    z->transitions.push_back(be(&d[at + k * static_cast<std::size_t>(width)], width));
    const std::size_t idx = d[at + timecnt * static_cast<std::size_t>(width) + k];
    if (idx >= typecnt) return nullptr;
    z->offsets.push_back(type_offset[idx]);
  }
  if (width == 8) {
    std::size_t footer =
        types_at + typecnt * 6 + static_cast<std::size_t>(c[5] + c[2] * 12 + c[1] + c[0]);
    if (footer < d.size() && d[footer] == '\n') {
      auto end = std::find(d.begin() + static_cast<std::ptrdiff_t>(footer) + 1, d.end(), '\n');
      parse_footer(std::string(d.begin() + static_cast<std::ptrdiff_t>(footer) + 1, end), *z);
    }
  }
  return z;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || id.front() == '/' || id.front() == '.') return false;
  if (id.find("..") != std::string_view::npos) return false;
  return std::all_of(id.begin(), id.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' ||
           ch == '+';
  });
}

std::shared_ptr<const Zone> zone(std::string_view id) {
  if (!valid_id(id)) return nullptr;
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Zone>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(id); it != cache.end()) return it->second;
  const char* dir = std::getenv("TZDIR");
  auto z = load(std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(id));
  if (cache.size() < 1024) cache.emplace(std::string(id), z);  // unknown ids too, up to a bound
  return z;
}

// The UTC second at which `r` takes effect in `year`, given the offset in force before it.
std::int64_t rule_instant(const DstRule& r, std::int64_t year, std::int32_t offset_before) {
  const auto m = static_cast<unsigned>(r.month);
  std::int64_t first = iso8601::days_from_civil(year, m, 1);
  const int first_weekday = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 0 = Sunday
  std::int64_t day = first + (r.weekday - first_weekday + 7) % 7 + 7 * (r.week - 1);
  static constexpr unsigned kLength[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const std::int64_t last = first + kLength[m - 1] + (m == 2 && leap) - 1;
  while (day > last) day -= 7;
  return day * 86400 + r.seconds - offset_before;
}

std::int32_t offset_at(const Zone& z, std::int64_t secs) {
  if (!z.transitions.empty() && secs < z.transitions.front()) return z.initial;
  if (!z.transitions.empty() && (secs < z.transitions.back() || !z.has_footer)) {
    auto it = std::upper_bound(z.transitions.begin(), z.transitions.end(), secs);
    return z.offsets[static_cast<std::size_t>(it - z.transitions.begin()) - 1];
  }
  if (!z.has_footer) return z.initial;
  if (!z.has_dst) return z.std_offset;
  std::int64_t y;
  unsigned mo, da;
  iso8601::civil_from_days(secs / 86400 - (secs % 86400 < 0), y, mo, da);
  const std::int64_t start = rule_instant(z.start, y, z.std_offset);
  const std::int64_t end = rule_instant(z.end, y, z.dst_offset);
  const bool dst = start < end ? (secs >= start && secs < end) : !(secs >= end && secs < start);
  return dst ? z.dst_offset : z.std_offset;
}

std::int64_t floor_seconds(std::int64_t millis) { return millis / 1000 - (millis % 1000 < 0); }

}  // namespace

bool known_time_zone(std::string_view id) { return zone(id) != nullptr; }

std::optional<std::int32_t> zone_offset_at(std::string_view id, std::int64_t utc_millis) {
  auto z = zone(id);
  if (!z) return std::nullopt;
  return offset_at(*z, floor_seconds(utc_millis));
}

std::optional<std::int32_t> zone_offset_for_local(std::string_view id, std::int64_t local_millis) {
  auto z = zone(id);
  if (!z) return std::nullopt;
  const std::int64_t local = floor_seconds(local_millis);
  const std::int32_t before = offset_at(*z, local - 86400), after = offset_at(*z, local + 86400);
  if (offset_at(*z, local - before) == before) return before;
  if (offset_at(*z, local - after) == after) return after;
  return before;  // in a gap
}

}  // namespace elva::expr
