// Hand-written ISO 8601 parsers: small, allocation-free, and strict about what they accept.
#include "common/iso8601.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace elva::iso8601 {
namespace {

bool digits(std::string_view& s, std::size_t n, std::int64_t& out) {
  if (s.size() < n) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  s.remove_prefix(n);
  return true;
}

bool take(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

std::int64_t days_in_month(std::int64_t y, std::int64_t m) {
  static constexpr std::int64_t kLength[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return kLength[m - 1] + (m == 2 && leap);
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

std::int64_t add(std::int64_t at, const Duration& dur) {
  constexpr std::int64_t kDay = 86'400'000;
  std::int64_t days = at / kDay, rest = at % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  if (dur.years || dur.months) {
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    const std::int64_t total = y * 12 + (m - 1) + dur.years * 12 + dur.months;
    const std::int64_t ny = total >= 0 ? total / 12 : (total - 11) / 12;
    const auto nm = static_cast<unsigned>(total - ny * 12) + 1;
    static constexpr unsigned kLength[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0;
    const unsigned max = kLength[nm - 1] + (nm == 2 && leap);
    days = days_from_civil(ny, nm, d < max ? d : max);
  }
  return (days + dur.days) * kDay + rest + dur.millis;
}

std::optional<Duration> parse_duration(std::string_view s) {
  Duration d;
  if (!take(s, 'P') || s.empty()) return std::nullopt;
  bool in_time = false, any = false;
  while (!s.empty()) {
    if (take(s, 'T')) {
      if (in_time || s.empty()) return std::nullopt;
      in_time = true;
      continue;
    }
    std::int64_t whole = 0;
    std::size_t n = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
      whole = whole * 10 + (s[n] - '0');
      if (whole > 1'000'000'000) return std::nullopt;
      ++n;
    }
    if (n == 0) return std::nullopt;
    s.remove_prefix(n);
    std::int64_t frac_millis = 0;  // fractions only on seconds
    if (!s.empty() && (s.front() == '.' || s.front() == ',')) {
      s.remove_prefix(1);
      std::int64_t scale = 100;
      std::size_t m = 0;
      while (m < s.size() && std::isdigit(static_cast<unsigned char>(s[m]))) {
        frac_millis += (s[m] - '0') * scale;
        scale /= 10;
        ++m;
      }
      if (m == 0) return std::nullopt;
      s.remove_prefix(m);
      if (s.empty() || s.front() != 'S' || !in_time) return std::nullopt;
    }
    if (s.empty()) return std::nullopt;
    const char unit = s.front();
    s.remove_prefix(1);
    any = true;
    if (!in_time) {
      if (unit == 'Y')
        d.years += whole;
      else if (unit == 'M')
        d.months += whole;
      else if (unit == 'W')
        d.days += whole * 7;
      else if (unit == 'D')
        d.days += whole;
      else
        return std::nullopt;
    } else {
      if (unit == 'H')
        d.millis += whole * 3'600'000;
      else if (unit == 'M')
        d.millis += whole * 60'000;
      else if (unit == 'S')
        d.millis += whole * 1000 + frac_millis;
      else
        return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  return d;
}

std::optional<DateTime> parse_date_time(std::string_view s) {
  std::int64_t y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, 4, y) || !take(s, '-') || !digits(s, 2, mo) || !take(s, '-') || !digits(s, 2, d)) {
    return std::nullopt;
  }
  // A real calendar date (no 2026-02-30), in years 0001-9999 as PostgreSQL and people read them.
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  if (take(s, 'T')) {
    if (!digits(s, 2, h) || !take(s, ':') || !digits(s, 2, mi)) return std::nullopt;
    if (take(s, ':') && !digits(s, 2, sec)) return std::nullopt;
    if (take(s, '.')) {
      std::int64_t scale = 100;
      std::size_t n = 0;
      while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
        ms += (s.front() - '0') * scale;
        scale /= 10;
        s.remove_prefix(1);
        ++n;
      }
      if (n == 0) return std::nullopt;
    }
    if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || ms))) return std::nullopt;
  }
  DateTime out;
  std::int64_t offset_minutes = 0;
  if (take(s, 'Z')) {
    out.has_zone = true;
  } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    const bool minus = s.front() == '-';
    s.remove_prefix(1);
    std::int64_t oh, om = 0;
    if (!digits(s, 2, oh)) return std::nullopt;
    take(s, ':');
    if (!s.empty() && !digits(s, 2, om)) return std::nullopt;
    if (oh > 14 || om > 59) return std::nullopt;  // UTC-12:00 .. UTC+14:00 are the zones there are
    offset_minutes = (minus ? -1 : 1) * (oh * 60 + om);
    out.has_zone = true;
  }
  if (!s.empty()) return std::nullopt;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  out.epoch_millis = ((days * 24 + h) * 60 + mi - offset_minutes) * 60'000 + sec * 1000 + ms;
  return out;
}

std::optional<Cycle> parse_cycle(std::string_view s) {
  Cycle c;
  if (!take(s, 'R')) return std::nullopt;
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
    c.repetitions = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front()))) {
      c.repetitions = c.repetitions * 10 + (s.front() - '0');
      if (c.repetitions > 1'000'000'000) return std::nullopt;
      s.remove_prefix(1);
    }
  }
  if (!take(s, '/')) return std::nullopt;
  // R/start/interval, R/interval, R/interval/end, R/start/end is not a valid cycle.
  std::string_view parts[3];
  std::size_t count = 0;
  while (count < 3) {
    auto slash = s.find('/');
    parts[count++] = s.substr(0, slash);
    if (slash == std::string_view::npos) break;
    s.remove_prefix(slash + 1);
    if (count == 3) return std::nullopt;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (!parts[i].empty() && parts[i].front() == 'P') {
      if (c.interval) return std::nullopt;
      c.interval = parse_duration(parts[i]);
      if (!c.interval) return std::nullopt;
    } else {
      auto dt = parse_date_time(parts[i]);
      if (!dt) return std::nullopt;
      (c.interval ? c.end : c.start) = dt;
    }
  }
  if (!c.interval) return std::nullopt;
  return c;
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_utc(std::int64_t ms) {
  const std::int64_t days = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  const std::int64_t in_day = ms - days * 86'400'000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(year), month, day,
                static_cast<long long>(in_day / 3'600'000),
                static_cast<long long>(in_day / 60'000 % 60),
                static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
  return buf;
}

}  // namespace elva::iso8601
