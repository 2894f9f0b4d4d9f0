// Cron cycles (Quartz, Spring, Unix) and their next fire, computed by hand, in UTC and across
// both DST changes of Europe/Stockholm.
#include "expr/cron.hpp"

#include <catch2/catch.hpp>

#include "common/iso8601.hpp"

namespace {

std::int64_t at(const char* iso) {
  auto t = elva::iso8601::parse_date_time(iso);
  REQUIRE(t);
  return t->epoch_millis;
}

std::string next(const char* cron, const char* after) {
  auto c = elva::expr::parse_cron(cron);
  INFO(cron);
  REQUIRE(c);
  auto n = elva::expr::next_fire(*c, at(after));
  return n ? elva::iso8601::format_utc(*n) : "never";
}

}  // namespace

TEST_CASE("a Quartz cycle fires daily at its hour, in UTC unless a zone is stated",
          "[expr][cron]") {
  CHECK(next("0 0 2 * * ?", "2026-01-10T12:00:00Z") == "2026-01-11T02:00:00.000Z");
  CHECK(next("0 0 2 * * ?", "2026-01-11T02:00:00Z") == "2026-01-12T02:00:00.000Z");
  CHECK(next("0 */15 * * * ?", "2026-01-10T10:07:00Z") == "2026-01-10T10:15:00.000Z");
  CHECK(next("30 10 9 1 JAN ?", "2026-01-10T00:00:00Z") == "2027-01-01T09:10:30.000Z");
}

TEST_CASE("day-of-week numbering follows the dialect the cron was written in", "[expr][cron]") {
  // 2026-12-07 is a Monday. Quartz: 2 = Monday; Unix and Spring: 1 = Monday, 2 = Tuesday.
  CHECK(next("0 0 12 ? * 2", "2026-12-07T13:00:00Z") == "2026-12-14T12:00:00.000Z");
  CHECK(next("0 12 * * 2", "2026-12-07T13:00:00Z") == "2026-12-08T12:00:00.000Z");
  CHECK(next("0 6 * * 1", "2026-12-07T11:00:00Z") == "2026-12-14T06:00:00.000Z");
  CHECK(next("0 0 5 * * MON-FRI", "2026-12-11T05:00:00Z") == "2026-12-14T05:00:00.000Z");
  CHECK(next("0 0 5 * * 0", "2026-12-07T00:00:00Z") == "2026-12-13T05:00:00.000Z");
  // Unix cron: a restricted day of month OR day of week (the 13th, or a Friday).
  CHECK(next("0 0 13 * 5", "2026-12-07T00:00:00Z") == "2026-12-11T00:00:00.000Z");
  CHECK(elva::expr::parse_cron("0 12 * * 2")->dialect == "unix");
  CHECK(elva::expr::parse_cron("0 0 12 ? * 2")->dialect == "quartz");
  CHECK(elva::expr::parse_cron("0 0 5 * * MON-FRI")->dialect == "spring");
}

TEST_CASE("a cron in Europe/Stockholm keeps its wall time across both DST changes",
          "[expr][cron]") {
  const char* nightly = "CRON_TZ=Europe/Stockholm 0 0 2 * * ?";
  // Winter: 02:00 CET is 01:00 UTC.
  CHECK(next(nightly, "2026-03-27T12:00:00Z") == "2026-03-28T01:00:00.000Z");
  // 2026-03-29: clocks jump from 02:00 to 03:00; 02:00 does not exist and fires at 03:00 CEST.
  CHECK(next(nightly, "2026-03-28T01:00:00Z") == "2026-03-29T01:00:00.000Z");
  // Summer: 02:00 CEST is 00:00 UTC.
  CHECK(next(nightly, "2026-03-29T01:00:00Z") == "2026-03-30T00:00:00.000Z");
  // 2026-10-25: 02:30 happens twice (CEST, then CET); it fires once, at the first.
  const char* half = "CRON_TZ=Europe/Stockholm 0 30 2 * * ?";
  CHECK(next(half, "2026-10-24T12:00:00Z") == "2026-10-25T00:30:00.000Z");
  CHECK(next(half, "2026-10-25T00:30:00Z") == "2026-10-26T01:30:00.000Z");
}

TEST_CASE("a cron whose years are over never fires again", "[expr][cron]") {
  CHECK(next("0 0 0 1 1 ? 2027", "2026-06-01T00:00:00Z") == "2027-01-01T00:00:00.000Z");
  CHECK(next("0 0 0 1 1 ? 2027", "2027-01-01T00:00:00Z") == "never");
}

TEST_CASE("what a cron cannot say is refused with the field and the reason", "[expr][cron]") {
  auto last = elva::expr::parse_cron("0 0 2 L * ?");
  REQUIRE_FALSE(last);
  CHECK(last.error().message ==
        "day of month: 'L' is not a number (Quartz's L, W and # are not supported)");
  auto range = elva::expr::parse_cron("61 * * * * ?");
  REQUIRE_FALSE(range);
  CHECK(range.error().message == "seconds: 61 is outside 0-59");
  auto zone = elva::expr::parse_cron("CRON_TZ=Mars/Olympus 0 0 2 * * ?");
  REQUIRE_FALSE(zone);
  CHECK(zone.error().message == "CRON_TZ: 'Mars/Olympus' is not a known time zone");
  CHECK_FALSE(elva::expr::parse_cron("0 0 2 * *  * ? ?"));
  CHECK(elva::expr::looks_like_cron("0 0 2 * * ?"));
  CHECK_FALSE(elva::expr::looks_like_cron("R3/PT10M"));
  CHECK_FALSE(elva::expr::looks_like_cron("R/2026-01-01T08:00:00Z/P1D"));
}
