#include "common/calendar.hpp"

#include <algorithm>
#include <cctype>

#include "common/iso8601.hpp"

namespace elva::calendar {
namespace {

int iso_weekday(std::int64_t day) {  // 1 = Monday .. 7 = Sunday; 1970-01-01 was a Thursday
  return static_cast<int>(((day % 7) + 7 + 3) % 7) + 1;
}

std::int64_t date(std::int64_t year, unsigned month, unsigned day) {
  return iso8601::days_from_civil(year, month, day);
}

// The first day with ISO weekday `weekday` on or after `day`.
std::int64_t weekday_on_or_after(std::int64_t day, int weekday) {
  return day + (weekday - iso_weekday(day) + 7) % 7;
}

std::int64_t year_of(std::int64_t day) {
  std::int64_t y;
  unsigned m, d;
  iso8601::civil_from_days(day, y, m, d);
  return y;
}

// Lag (1989:253) om allmänna helgdagar, and the eves lag (1930:173) om beräkning av lagstadgad
// tid treats as holidays. Annandag pingst was a holiday until 2004; nationaldagen is one since
// 2005.
void swedish(std::int64_t year, std::vector<DayOff>& out) {
  const std::int64_t easter = easter_sunday(year);
  out.push_back({date(year, 1, 1), "nyårsdagen"});
  out.push_back({date(year, 1, 6), "trettondedag jul"});
  out.push_back({easter - 2, "långfredagen"});
  out.push_back({easter, "påskdagen"});
  out.push_back({easter + 1, "annandag påsk"});
  out.push_back({date(year, 5, 1), "första maj"});
  out.push_back({easter + 39, "Kristi himmelsfärdsdag"});
  out.push_back({easter + 49, "pingstdagen"});
  if (year <= 2004) out.push_back({easter + 50, "annandag pingst"});
  if (year >= 2005) out.push_back({date(year, 6, 6), "Sveriges nationaldag"});
  out.push_back({weekday_on_or_after(date(year, 6, 19), 5), "midsommarafton", true});
  out.push_back({weekday_on_or_after(date(year, 6, 20), 6), "midsommardagen"});
  out.push_back({weekday_on_or_after(date(year, 10, 31), 6), "alla helgons dag"});
  out.push_back({date(year, 12, 24), "julafton", true});
  out.push_back({date(year, 12, 25), "juldagen"});
  out.push_back({date(year, 12, 26), "annandag jul"});
  out.push_back({date(year, 12, 31), "nyårsafton", true});
}

// Lov om helligdager og helligdagsfred and lov om 1. og 17. mai som høgtidsdager, with the eves
// domstolloven § 149 extends a deadline over.
void norwegian(std::int64_t year, std::vector<DayOff>& out) {
  const std::int64_t easter = easter_sunday(year);
  out.push_back({date(year, 1, 1), "Første nyttårsdag"});
  out.push_back({easter - 3, "Skjærtorsdag"});
  out.push_back({easter - 2, "Langfredag"});
  out.push_back({easter, "Første påskedag"});
  out.push_back({easter + 1, "Andre påskedag"});
  out.push_back({date(year, 5, 1), "Arbeidernes dag"});
  out.push_back({date(year, 5, 17), "Grunnlovsdagen"});
  out.push_back({easter + 39, "Kristi himmelfartsdag"});
  out.push_back({easter + 49, "Første pinsedag"});
  out.push_back({easter + 50, "Andre pinsedag"});
  out.push_back({date(year, 12, 24), "Julaften", true});
  out.push_back({date(year, 12, 25), "Første juledag"});
  out.push_back({date(year, 12, 26), "Andre juledag"});
  out.push_back({date(year, 12, 31), "Nyttårsaften", true});
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::int64_t easter_sunday(std::int64_t y) {
  const std::int64_t a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  const std::int64_t f = (b + 8) / 25, g = (b - f + 1) / 3;
  const std::int64_t h = (19 * a + b - d - g + 15) % 30;
  const std::int64_t i = c / 4, k = c % 4;
  const std::int64_t l = (32 + 2 * e + 2 * i - h - k) % 7;
  const std::int64_t m = (a + 11 * h + 22 * l) / 451;
  const std::int64_t month = (h + l - 7 * m + 114) / 31;
  const std::int64_t day = (h + l - 7 * m + 114) % 31 + 1;
  return date(y, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

Result<Calendar> configured(std::string_view rules, const std::vector<std::string>& days_off) {
  auto cal = Calendar::named(rules);
  if (!cal)
    return fail(Errc::InvalidArgument, "calendar rules '" + std::string(rules) +
                                           "' are unknown; known: " + Calendar::known_names());
  for (const auto& d : days_off) {
    auto t = d.size() == 10 ? iso8601::parse_date_time(d + "T00:00:00Z") : std::nullopt;
    if (!t)
      return fail(Errc::InvalidArgument,
                  "calendar day off '" + d + "' is not a date such as 2026-12-23");
    cal->add_day_off(t->epoch_millis / 86'400'000 - (t->epoch_millis % 86'400'000 < 0));
  }
  return std::move(*cal);
}

std::optional<Calendar> Calendar::named(std::string_view name) {
  const std::string n = lower(name);
  if (n == "se" || n == "sweden") return Calendar("SE", Rules::Sweden);
  if (n == "no" || n == "norway") return Calendar("NO", Rules::Norway);
  if (n == "weekdays") return Calendar("weekdays", Rules::Weekdays);
  return std::nullopt;
}

std::string Calendar::known_names() { return "SE (Sweden), NO (Norway), weekdays"; }

void Calendar::add_day_off(std::int64_t day, std::string name) {
  if (local_.insert(day).second) local_named_.push_back({day, std::move(name), false, true});
}

std::vector<DayOff> Calendar::days_off(std::int64_t year) const {
  std::vector<DayOff> out;
  if (rules_ == Rules::Sweden) swedish(year, out);
  if (rules_ == Rules::Norway) norwegian(year, out);
  for (const auto& d : local_named_)
    if (year_of(d.day) == year) out.push_back(d);
  std::stable_sort(out.begin(), out.end(),
                   [](const DayOff& a, const DayOff& b) { return a.day < b.day; });
  return out;
}

bool Calendar::is_rule_holiday(std::int64_t day) const {
  if (rules_ == Rules::Weekdays) return false;
  // Counting working days walks day by day: the year's holidays are worked out once per thread.
  thread_local Rules cached_rules = Rules::Weekdays;
  thread_local std::int64_t cached_year = 0;
  thread_local std::vector<std::int64_t> cached_days;
  const std::int64_t year = year_of(day);
  if (cached_rules != rules_ || cached_year != year) {
    std::vector<DayOff> days;
    if (rules_ == Rules::Sweden) swedish(year, days);
    if (rules_ == Rules::Norway) norwegian(year, days);
    cached_days.clear();
    for (const auto& d : days) cached_days.push_back(d.day);
    cached_rules = rules_;
    cached_year = year;
  }
  return std::find(cached_days.begin(), cached_days.end(), day) != cached_days.end();
}

bool Calendar::is_working_day(std::int64_t day) const {
  if (iso_weekday(day) >= 6) return false;
  if (local_.count(day) != 0) return false;
  return !is_rule_holiday(day);
}

std::optional<std::int64_t> Calendar::add_working_days(std::int64_t day, std::int64_t n) const {
  if (n > kMaxWorkingDays || n < -kMaxWorkingDays) return std::nullopt;
  const std::int64_t step = n < 0 ? -1 : 1;
  for (std::int64_t left = n < 0 ? -n : n; left > 0;) {
    day += step;
    if (is_working_day(day)) --left;
  }
  return day;
}

std::int64_t Calendar::on_or_after(std::int64_t day) const {
  while (!is_working_day(day)) ++day;  // ends: at most a few days off in a row
  return day;
}

std::optional<std::int64_t> Calendar::working_days_between(std::int64_t from,
                                                           std::int64_t to) const {
  if (to - from > kMaxSpanDays || from - to > kMaxSpanDays) return std::nullopt;
  const std::int64_t lo = std::min(from, to), hi = std::max(from, to);
  std::int64_t count = 0;
  for (std::int64_t d = lo + 1; d <= hi; ++d) count += is_working_day(d) ? 1 : 0;
  return to < from ? -count : count;
}

}  // namespace elva::calendar
