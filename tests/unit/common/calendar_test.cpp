// Working-day calendars (common/calendar.hpp, docs/calendar.md): Easter by rule against a table
// computed by another implementation (python-dateutil's easter(), 2000-2100), the Swedish and
// Norwegian days off of whole years written out from the laws, and deadlines counted by hand.
// tests/peers/calendar_compare.mjs compares every year 2000-2100 with the npm date-holidays.
#include "common/calendar.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/iso8601.hpp"
#include "elva/calendar.hpp"
#include "elva/eval.hpp"

namespace {

using elva::calendar::Calendar;

std::int64_t day(const std::string& text) {
  auto t = elva::iso8601::parse_date_time(text + "T00:00:00Z");
  REQUIRE(t);
  return t->epoch_millis / 86'400'000;
}

std::string text(std::int64_t d) {
  std::int64_t y;
  unsigned m, dd;
  elva::iso8601::civil_from_days(d, y, m, dd);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(y), m, dd);
  return buf;
}

Calendar named(const std::string& n) {
  auto c = Calendar::named(n);
  REQUIRE(c);
  return *c;
}

std::set<std::string> days_off(const Calendar& c, int year) {
  std::set<std::string> out;
  for (const auto& d : c.days_off(year)) out.insert(text(d.day));
  return out;
}

nlohmann::json feel(const std::string& expr) {
  auto r = elva::evaluate_expression({expr, nullptr, 0, "SE"});
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("Easter Sunday by rule matches a table for 2000 to 2100", "[calendar]") {
  // python-dateutil 2.8, dateutil.easter.easter(year) (its own Western algorithm).
  const char* known[] = {
      "2000-04-23", "2001-04-15", "2002-03-31", "2003-04-20", "2004-04-11", "2005-03-27",
      "2006-04-16", "2007-04-08", "2008-03-23", "2009-04-12", "2010-04-04", "2011-04-24",
      "2012-04-08", "2013-03-31", "2014-04-20", "2015-04-05", "2016-03-27", "2017-04-16",
      "2018-04-01", "2019-04-21", "2020-04-12", "2021-04-04", "2022-04-17", "2023-04-09",
      "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2028-04-16", "2029-04-01",
      "2030-04-21", "2031-04-13", "2032-03-28", "2033-04-17", "2034-04-09", "2035-03-25",
      "2036-04-13", "2037-04-05", "2038-04-25", "2039-04-10", "2040-04-01", "2041-04-21",
      "2042-04-06", "2043-03-29", "2044-04-17", "2045-04-09", "2046-03-25", "2047-04-14",
      "2048-04-05", "2049-04-18", "2050-04-10", "2051-04-02", "2052-04-21", "2053-04-06",
      "2054-03-29", "2055-04-18", "2056-04-02", "2057-04-22", "2058-04-14", "2059-03-30",
      "2060-04-18", "2061-04-10", "2062-03-26", "2063-04-15", "2064-04-06", "2065-03-29",
      "2066-04-11", "2067-04-03", "2068-04-22", "2069-04-14", "2070-03-30", "2071-04-19",
      "2072-04-10", "2073-03-26", "2074-04-15", "2075-04-07", "2076-04-19", "2077-04-11",
      "2078-04-03", "2079-04-23", "2080-04-07", "2081-03-30", "2082-04-19", "2083-04-04",
      "2084-03-26", "2085-04-15", "2086-03-31", "2087-04-20", "2088-04-11", "2089-04-03",
      "2090-04-16", "2091-04-08", "2092-03-30", "2093-04-12", "2094-04-04", "2095-04-24",
      "2096-04-15", "2097-03-31", "2098-04-20", "2099-04-12", "2100-03-28"};
  static_assert(std::size(known) == 101);
  for (int year = 2000; year <= 2100; ++year) {
    INFO(year);
    CHECK(text(elva::calendar::easter_sunday(year)) == known[year - 2000]);
  }
}

TEST_CASE("Swedish days off follow the holiday law, as it changed in 2005", "[calendar]") {
  const Calendar se = named("SE");
  // Lag (1989:253) om allmänna helgdagar, and the eves of lag (1930:173).
  CHECK(days_off(se, 2026) ==
        std::set<std::string>{"2026-01-01", "2026-01-06", "2026-04-03", "2026-04-05", "2026-04-06",
                              "2026-05-01", "2026-05-14", "2026-05-24", "2026-06-06", "2026-06-19",
                              "2026-06-20", "2026-10-31", "2026-12-24", "2026-12-25", "2026-12-26",
                              "2026-12-31"});
  // 2004: annandag pingst (31 May) is still a holiday, the national day not yet.
  const auto y2004 = days_off(se, 2004);
  CHECK(y2004.count("2004-05-31") == 1);
  CHECK(y2004.count("2004-06-06") == 0);
  const auto y2005 = days_off(se, 2005);
  CHECK(y2005.count("2005-05-16") == 0);
  CHECK(y2005.count("2005-06-06") == 1);
  // Midsommardagen is the Saturday of 20-26 June, alla helgons dag that of 31 Oct-6 Nov.
  CHECK(days_off(se, 2027).count("2027-06-26") == 1);
  CHECK(days_off(se, 2027).count("2027-06-25") == 1);  // midsommarafton, an eve
  CHECK(days_off(se, 2027).count("2027-11-06") == 1);
  CHECK(days_off(se, 2030).count("2030-11-02") == 1);
  // Skärtorsdag is a working day in Sweden.
  CHECK(se.is_working_day(day("2026-04-02")));
}

TEST_CASE("Norwegian days off are the holidays and the Christmas and New Year eves", "[calendar]") {
  const Calendar no = named("no");
  CHECK(no.name() == "NO");
  CHECK(days_off(no, 2026) ==
        std::set<std::string>{"2026-01-01", "2026-04-02", "2026-04-03", "2026-04-05", "2026-04-06",
                              "2026-05-01", "2026-05-14", "2026-05-17", "2026-05-24", "2026-05-25",
                              "2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31"});
  // 2100: Andre pinsedag falls on Grunnlovsdagen; both are listed, the day counted once.
  std::size_t on_17 = 0;
  for (const auto& d : no.days_off(2100)) on_17 += text(d.day) == "2100-05-17" ? 1 : 0;
  CHECK(on_17 == 2);
  CHECK(!no.is_working_day(day("2100-05-17")));
}

TEST_CASE("Deadlines counted in working days, worked out by hand", "[calendar]") {
  const Calendar se = named("SE");
  const Calendar no = named("NO");
  // From Friday 18 Dec 2026, ten Swedish working days: 21, 22, 23 Dec (24-27 off), 28, 29, 30
  // (31 Dec-3 Jan off), 4, 5 Jan (6 Jan off), 7, 8 Jan.
  CHECK(text(*se.add_working_days(day("2026-12-18"), 10)) == "2027-01-08");
  CHECK(*se.working_days_between(day("2026-12-18"), day("2027-01-08")) == 10);
  CHECK(*se.working_days_between(day("2027-01-08"), day("2026-12-18")) == -10);
  CHECK(text(*se.add_working_days(day("2027-01-08"), -10)) == "2026-12-18");
  CHECK(text(*se.add_working_days(day("2026-12-18"), 0)) == "2026-12-18");
  // Easter 2026 from Tuesday 31 March, five working days: Sweden works skärtorsdag (2 Apr);
  // Norway does not.
  CHECK(text(*se.add_working_days(day("2026-03-31"), 5)) == "2026-04-09");
  CHECK(text(*no.add_working_days(day("2026-03-31"), 5)) == "2026-04-10");
  // A deadline on a day off moves to the next working day.
  CHECK(text(se.on_or_after(day("2026-06-19"))) == "2026-06-22");  // midsommarafton
  CHECK(text(no.on_or_after(day("2026-05-16"))) == "2026-05-18");  // Sat, then 17 May
  CHECK(text(se.on_or_after(day("2026-12-22"))) == "2026-12-22");  // already a working day
  // A municipality's own day off counts too.
  Calendar local = se;
  local.add_day_off(day("2026-12-23"), "julklappsdag");
  CHECK(text(*local.add_working_days(day("2026-12-18"), 10)) == "2027-01-11");
  CHECK(days_off(local, 2026).count("2026-12-23") == 1);
  CHECK(days_off(se, 2026).count("2026-12-23") == 0);  // the copy it came from is untouched
  // Monday to Friday only.
  CHECK(text(*named("weekdays").add_working_days(day("2026-12-18"), 10)) == "2027-01-01");
  // Bounds.
  CHECK(!se.add_working_days(0, Calendar::kMaxWorkingDays + 1));
  CHECK(!se.working_days_between(0, Calendar::kMaxSpanDays + 1));
  CHECK(!Calendar::named("DK"));
}

TEST_CASE("Configured calendars refuse unknown rules and days that are not dates", "[calendar]") {
  CHECK(elva::calendar::configured("SE", {"2026-12-23"}));
  auto unknown = elva::calendar::configured("FI", {});
  REQUIRE(!unknown);
  CHECK(unknown.error().message.find("'FI'") != std::string::npos);
  auto bad = elva::calendar::configured("SE", {"23/12/2026"});
  REQUIRE(!bad);
  CHECK(bad.error().message.find("23/12/2026") != std::string::npos);
  auto listed = elva::calendar_days_off({"SE", {"2026-12-23"}}, 2026, 2026);
  REQUIRE(listed);
  bool local = false;
  for (const auto& d : *listed) local |= d["date"] == "2026-12-23" && d["kind"] == "local";
  CHECK(local);
  CHECK(!elva::calendar_days_off({"SE", {}}, 2026, 2300));
}

TEST_CASE("FEEL counts working days on the evaluation's calendar", "[calendar][expr]") {
  CHECK(feel("add working days(date(\"2026-12-18\"), 10)") == "2027-01-08");
  CHECK(feel("add working days(date(\"2026-12-18\"), 10, \"weekdays\")") == "2027-01-01");
  CHECK(feel("add working days(date(\"2027-01-08\"), -10)") == "2026-12-18");
  // A date-time keeps its time of day and its zone (here across no DST change).
  CHECK(feel("add working days(date and time(\"2026-12-18T14:30:00@Europe/Stockholm\"), 10)") ==
        "2027-01-08T14:30:00@Europe/Stockholm");
  CHECK(feel("add working days(date and time(\"2026-12-18T14:30:00Z\"), 1)") ==
        "2026-12-21T14:30:00Z");
  CHECK(feel("is working day(date(\"2026-06-19\"))") == false);
  CHECK(feel("is working day(date(\"2026-06-19\"), \"NO\")") == true);
  CHECK(feel("working day on or after(date(\"2026-06-19\"))") == "2026-06-22");
  CHECK(feel("working days between(date(\"2026-12-18\"), date(\"2027-01-08\"))") == 10);
  // Wrong types, unknown calendars and too many days are null, as FEEL built-ins are.
  CHECK(feel("add working days(\"2026-12-18\", 10)").is_null());
  CHECK(feel("add working days(date(\"2026-12-18\"), 1.5)").is_null());
  CHECK(feel("add working days(date(\"2026-12-18\"), 1, \"DK\")").is_null());
  CHECK(feel("add working days(date(\"2026-12-18\"), 100001)").is_null());
  // Named arguments, as for every built-in.
  CHECK(feel("add working days(from: date(\"2026-12-18\"), days: 10)") == "2027-01-08");
  auto unknown = elva::evaluate_expression({"1", nullptr, 0, "DK"});
  CHECK(!unknown);
}
