// Cron parsing (Quartz, Spring, Unix) and next-fire computation over local wall times.
#include "expr/cron.hpp"

#include <array>
#include <cctype>
#include <sstream>
#include <vector>

#include "common/iso8601.hpp"
#include "expr/time_zone.hpp"

namespace elva::expr {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::array<std::string_view, 12> kMonths{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDays{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

std::vector<std::string> split_ws(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct Field {
  const char* name;
  int lo, hi;  // the values written (before any renumbering)
  const std::string_view* names = nullptr;
  int name_base = 0;  // the value of names[0]
  std::size_t name_count = 0;
};

Result<int> value_of(const Field& f, const std::string& token) {
  if (f.names) {
    for (std::size_t i = 0; i < f.name_count; ++i)
      if (upper(token) == f.names[i]) return static_cast<int>(i) + f.name_base;
  }
  if (token.empty() || token.size() > 4 ||
      token.find_first_not_of("0123456789") != std::string::npos)
    return fail(Errc::InvalidArgument,
                std::string(f.name) + ": '" + token + "' is not a number" +
                    (token == "L" || token.find_first_of("LW#") != std::string::npos
                         ? " (Quartz's L, W and # are not supported)"
                         : ""));
  const int v = std::stoi(token);
  if (v < f.lo || v > f.hi)
    return fail(Errc::InvalidArgument, std::string(f.name) + ": " + token + " is outside " +
                                           std::to_string(f.lo) + "-" + std::to_string(f.hi));
  return v;
}

// "*", "?", "5", "1-5", "*/15", "10/5", "1-20/2", "MON-FRI", "1,15": the values it allows.
// `any` is set for '*' and '?'.
Result<std::vector<int>> read_field(const Field& f, const std::string& text, bool& any) {
  std::vector<int> out;
  any = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string part = text.substr(start, comma - start);
    start = comma + 1;
    int step = 1;
    if (auto slash = part.find('/'); slash != std::string::npos) {
      auto s = value_of(Field{f.name, 1, 999}, part.substr(slash + 1));
      if (!s) return fail(s.error());
      step = *s;
      part = part.substr(0, slash);
      if (part == "*" || part == "?")
        part = std::to_string(f.lo) + "-" + std::to_string(f.hi);  // */n: every n-th
      else if (part.find('-') == std::string::npos)
        part += "-" + std::to_string(f.hi);
    }
    int lo = f.lo, hi = f.hi;
    if (part == "*" || part == "?") {
      any = step == 1 && text.find(',') == std::string::npos;
    } else if (auto dash = part.find('-'); dash != std::string::npos && dash > 0) {
      auto a = value_of(f, part.substr(0, dash));
      auto b = value_of(f, part.substr(dash + 1));
      if (!a) return fail(a.error());
      if (!b) return fail(b.error());
      lo = *a;
      hi = *b;
      if (lo > hi)
        return fail(Errc::InvalidArgument,
                    std::string(f.name) + ": the range " + part + " runs backwards");
    } else {
      auto v = value_of(f, part);
      if (!v) return fail(v.error());
      lo = hi = *v;
    }
    for (int v = lo; v <= hi; v += step) out.push_back(v);
    if (comma == text.size()) break;
  }
  return out;
}

template <std::size_t N>
void set_all(std::bitset<N>& bits, const std::vector<int>& values, int shift = 0) {
  for (int v : values) bits.set(static_cast<std::size_t>(v + shift));
}

// Local wall time (ms since the epoch as if the zone were UTC) -> UTC, as java.time resolves it.
std::int64_t to_utc(const std::string& zone, std::int64_t local) {
  const auto offset = zone_offset_for_local(zone, local);
  return local - std::int64_t{offset.value_or(0)} * 1000;
}

}  // namespace

bool looks_like_cron(std::string_view text) {
  if (text.rfind("CRON_TZ=", 0) == 0) return true;
  const auto words = split_ws(text);
  if (words.size() < 5 || words.size() > 7) return false;
  for (const auto& w : words)
    if (w.find_first_not_of(
            "0123456789*?/,-LW#ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
        std::string::npos)
      return false;
  return true;
}

Result<Cron> parse_cron(std::string_view text) {
  Cron c;
  auto words = split_ws(text);
  if (!words.empty() && words.front().rfind("CRON_TZ=", 0) == 0) {
    c.zone = words.front().substr(8);
    words.erase(words.begin());
    if (!known_time_zone(c.zone))
      return fail(Errc::InvalidArgument, "CRON_TZ: '" + c.zone + "' is not a known time zone");
  }
  if (words.size() < 5 || words.size() > 7)
    return fail(Errc::InvalidArgument,
                "a cron expression has 5 fields (min hour day month weekday) or 6-7 (sec min hour "
                "day month weekday [year]); this one has " +
                    std::to_string(words.size()));
  bool question = false;
  for (const auto& w : words) question = question || w.find('?') != std::string::npos;
  if (words.size() == 5) {
    words.insert(words.begin(), "0");
    c.dialect = "unix";
    c.either_day = true;
  } else {
    c.dialect = question || words.size() == 7 ? "quartz" : "spring";
  }
  const bool quartz = c.dialect == "quartz";
  bool any = false;
  auto read = [&](const Field& f, const std::string& w) { return read_field(f, w, any); };
  auto s = read({"seconds", 0, 59}, words[0]);
  if (!s) return fail(s.error());
  set_all(c.seconds, *s);
  auto m = read({"minutes", 0, 59}, words[1]);
  if (!m) return fail(m.error());
  set_all(c.minutes, *m);
  auto h = read({"hours", 0, 23}, words[2]);
  if (!h) return fail(h.error());
  set_all(c.hours, *h);
  auto dom = read({"day of month", 1, 31}, words[3]);
  if (!dom) return fail(dom.error());
  set_all(c.days_of_month, *dom);
  c.any_day_of_month = any;
  auto mon = read({"month", 1, 12, kMonths.data(), 1, kMonths.size()}, words[4]);
  if (!mon) return fail(mon.error());
  set_all(c.months, *mon);
  // Quartz numbers the days 1 (Sunday) to 7; Spring and Unix 0 (Sunday) to 7 (Sunday again).
  Field dow = quartz ? Field{"day of week", 1, 7, kDays.data(), 1, kDays.size()}
                     : Field{"day of week", 0, 7, kDays.data(), 0, kDays.size()};
  auto wd = read(dow, words[5]);
  if (!wd) return fail(wd.error());
  for (int v : *wd) c.days_of_week.set(static_cast<std::size_t>((quartz ? v - 1 : v) % 7));
  c.any_day_of_week = any;
  if (words.size() == 7) {
    auto y = read({"year", 1970, 2199}, words[6]);
    if (!y) return fail(y.error());
    if (!any && !y->empty()) {
      c.year_from = y->front();
      c.year_to = y->back();
    }
  }
  return c;
}

std::optional<std::int64_t> next_fire(const Cron& c, std::int64_t after) {
  const std::int64_t offset = std::int64_t{zone_offset_at(c.zone, after).value_or(0)} * 1000;
  const std::int64_t local_after = after + offset;
  std::int64_t day = local_after >= 0 ? local_after / kDayMs : (local_after - kDayMs + 1) / kDayMs;
  // Eight years cover every leap-day and weekday combination; a cron that fires in none of them
  // never fires.
  for (std::int64_t d = day; d < day + 8 * 366; ++d) {
    std::int64_t year;
    unsigned month, mday;
    iso8601::civil_from_days(d, year, month, mday);
    if (c.year_to && year > *c.year_to) return std::nullopt;
    if (c.year_from && year < *c.year_from) continue;
    if (!c.months.test(month)) continue;
    const auto weekday = static_cast<std::size_t>(((d % 7) + 11) % 7);  // 1970-01-01: Thursday
    const bool dom_ok = c.days_of_month.test(mday), dow_ok = c.days_of_week.test(weekday);
    bool day_ok;
    if (c.any_day_of_month || c.any_day_of_week)
      day_ok = dom_ok && dow_ok;
    else
      day_ok = c.either_day ? (dom_ok || dow_ok) : (dom_ok && dow_ok);
    if (!day_ok) continue;
    for (int h = 0; h < 24; ++h) {
      if (!c.hours.test(static_cast<std::size_t>(h))) continue;
      for (int mi = 0; mi < 60; ++mi) {
        if (!c.minutes.test(static_cast<std::size_t>(mi))) continue;
        const std::int64_t minute = d * kDayMs + (h * 60 + mi) * 60'000LL;
        if (minute + 59'999 + 3 * 3'600'000 <= local_after)
          continue;  // the whole minute is before `after`, even allowing for a DST shift
        for (int s = 0; s < 60; ++s) {
          if (!c.seconds.test(static_cast<std::size_t>(s))) continue;
          const std::int64_t utc = to_utc(c.zone, minute + s * 1000LL);
          if (utc > after) return utc;
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace elva::expr
