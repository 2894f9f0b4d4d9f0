// parse_json (elva/json_limits.hpp): JSON from outside under size, depth, text and value
// limits; a body nested 100,000 levels deep is refused without a deep recursion anywhere.
#include "elva/json_limits.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace elva;

namespace {

std::string limit_of(const Error& e) {
  for (const auto& [k, v] : e.context)
    if (k == "limit") return v;
  return "";
}

}  // namespace

TEST_CASE("JSON nested 100,000 levels deep is refused at the depth limit", "[common][json]") {
  for (const char* open : {"[", "{\"a\":"}) {
    std::string text;
    for (int i = 0; i < 100000; ++i) text += open;
    auto r = parse_json(text, {}, "the body");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::InvalidArgument);
    CHECK(r.error().message == "the body nests arrays and objects deeper than 64 levels");
    CHECK(limit_of(r.error()) == "max_depth");
  }
  std::string ok;
  for (int i = 0; i < 64; ++i) ok += "[";
  for (int i = 0; i < 64; ++i) ok += "]";
  CHECK(parse_json(ok));
  CHECK_FALSE(parse_json("[" + ok + "]"));
}

TEST_CASE("each JSON limit is named when it is hit", "[common][json]") {
  JsonLimits small;
  small.max_bytes = 100;
  small.max_string_bytes = 10;
  small.max_values = 5;
  auto big = parse_json(std::string(101, ' '), small, "--vars");
  REQUIRE_FALSE(big);
  CHECK(big.error().message == "--vars is larger than 100 bytes");
  CHECK(limit_of(big.error()) == "max_bytes");
  auto text = parse_json(R"({"name": "a very long text"})", small);
  REQUIRE_FALSE(text);
  CHECK(text.error().message == "the JSON has a text longer than 10 bytes");
  CHECK(limit_of(text.error()) == "max_string_bytes");
  auto key = parse_json(R"({"a very long key": 1})", small);
  REQUIRE_FALSE(key);
  CHECK(limit_of(key.error()) == "max_string_bytes");
  auto values = parse_json("[1, 2, 3, 4, 5]", small);  // the array and five numbers: six values
  REQUIRE_FALSE(values);
  CHECK(values.error().message == "the JSON has more than 5 values");
  CHECK(limit_of(values.error()) == "max_values");
  CHECK(parse_json("[1, 2, 3, 4]", small));
}

TEST_CASE("invalid JSON is refused by position, never by quoting it", "[common][json]") {
  auto r = parse_json(R"({"ssn": "19121212-1212", oops})", {}, "the body");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.rfind("the body is not valid JSON (at byte ", 0) == 0);
  CHECK(r.error().message.find("1212") == std::string::npos);
  CHECK(r.error().message.find("oops") == std::string::npos);
  CHECK_FALSE(parse_json(""));
  CHECK_FALSE(parse_json("{} {}"));        // one value only
  CHECK_FALSE(parse_json("\"\xff\""));     // not UTF-8
  CHECK_FALSE(parse_json("[1] // note"));  // comments only when allowed
  JsonLimits files;
  files.comments = true;
  CHECK(parse_json("[1] // note", files));
  auto huge = parse_json("[1e400]");
  REQUIRE_FALSE(huge);
  CHECK(huge.error().message == "the JSON holds a number outside the range of a double");
}

TEST_CASE("parse_json builds the same values as nlohmann's parser", "[common][json]") {
  const std::string text =
      R"({"a": [1, -2, 3.5, 18446744073709551615, true, null, "x"], "b": {"c": {}}, "a2": [], "dup": 1, "dup": 2})";
  auto r = parse_json(text);
  REQUIRE(r);
  CHECK(*r == nlohmann::json::parse(text));
  CHECK((*r)["dup"] == 2);
}
