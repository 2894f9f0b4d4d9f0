#include "common/iso8601.hpp"

#include <catch2/catch.hpp>

using namespace elva::iso8601;

TEST_CASE("durations parse into calendar and clock parts", "[iso8601]") {
  auto d = parse_duration("P1Y2M3DT4H5M6.5S");
  REQUIRE(d);
  CHECK(d->years == 1);
  CHECK(d->months == 2);
  CHECK(d->days == 3);
  CHECK(d->millis == ((4 * 60 + 5) * 60 + 6) * 1000 + 500);
  CHECK(parse_duration("P2W")->days == 14);
  CHECK(parse_duration("PT15M")->millis == 15 * 60 * 1000);
}

TEST_CASE("malformed durations are refused", "[iso8601]") {
  for (const char* bad : {"", "P", "PT", "5D", "P5", "PT1.5H", "P1S", "PT1D", "P1DT", "P-1D"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad));
  }
}

TEST_CASE("date-times convert to UTC epoch milliseconds", "[iso8601]") {
  CHECK(parse_date_time("1970-01-01T00:00:00Z")->epoch_millis == 0);
  CHECK(parse_date_time("2026-11-22T10:00:00+01:00")->epoch_millis ==
        parse_date_time("2026-11-22T09:00:00Z")->epoch_millis);
  CHECK_FALSE(parse_date_time("2026-11-22T10:00:00")->has_zone);
  CHECK(parse_date_time("2000-03-01")->epoch_millis == 951868800000LL);
  CHECK_FALSE(parse_date_time("2026-13-01"));
  CHECK_FALSE(parse_date_time("tomorrow"));
}

TEST_CASE("date-times are real calendar dates in years 0001-9999", "[iso8601]") {
  for (const char* bad :
       {"2026-02-30", "2026-02-29T00:00:00Z", "2026-04-31", "0000-01-01", "0000-01-01T00:00:00Z",
        "2026-01-01T24:30:00Z", "2026-01-01T10:00:00+15:00", "2026-01-01T10:00:00+01:60"}) {
    INFO(bad);
    CHECK_FALSE(parse_date_time(bad));
  }
  for (const char* good :
       {"2024-02-29", "2000-02-29T12:00:00Z", "0001-01-01", "9999-12-31T23:59:59Z", "2026-01-31",
        "2026-01-01T10:00:00-12:00", "2026-01-01T24:00:00Z"}) {
    INFO(good);
    CHECK(parse_date_time(good));
  }
}

TEST_CASE("repeating intervals have repetitions, interval, and optional start or end",
          "[iso8601]") {
  auto c = parse_cycle("R3/PT10M");
  REQUIRE(c);
  CHECK(c->repetitions == 3);
  CHECK(c->interval->millis == 600000);
  CHECK_FALSE(c->start);
  auto unbounded = parse_cycle("R/2026-01-01T08:00:00Z/P1D");
  REQUIRE(unbounded);
  CHECK(unbounded->repetitions == -1);
  CHECK(unbounded->start);
  CHECK(parse_cycle("R2/PT1H/2026-01-01T00:00:00Z")->end);
  CHECK_FALSE(parse_cycle("R3"));
  CHECK_FALSE(parse_cycle("0 0 9 * * MON"));
  CHECK_FALSE(parse_cycle("R/2026-01-01T00:00:00Z/2026-02-01T00:00:00Z"));
}

TEST_CASE("adding durations follows the calendar: months clamp to the month's length",
          "[iso8601]") {
  auto at = [](const char* text) { return parse_date_time(text)->epoch_millis; };
  CHECK(add(at("2026-01-31T10:00:00Z"), *parse_duration("P1M")) == at("2026-02-28T10:00:00Z"));
  CHECK(add(at("2024-01-31T10:00:00Z"), *parse_duration("P1M")) == at("2024-02-29T10:00:00Z"));
  CHECK(add(at("2026-11-22T23:30:00Z"), *parse_duration("PT1H")) == at("2026-11-23T00:30:00Z"));
  CHECK(add(at("2026-12-15T00:00:00Z"), *parse_duration("P1Y1M3D")) == at("2028-01-18T00:00:00Z"));
  Duration back;
  back.months = -2;
  CHECK(add(at("2026-03-31T00:00:00Z"), back) == at("2026-01-31T00:00:00Z"));
  CHECK(add(at("1969-12-31T23:00:00Z"), *parse_duration("P1M")) == at("1970-01-31T23:00:00Z"));
}
