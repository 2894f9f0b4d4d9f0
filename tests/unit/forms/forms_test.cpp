// Forms (engine/forms): hostile form files and hostile submissions. read_form never throws
// whatever the JSON holds; patterns and e-mail checks are linear in the value (RE2); messages
// name fields, never the submitted values.
#include "forms/forms.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

using namespace elva;
using nlohmann::json;

namespace {

forms::Form form_of(const json& components) {
  auto f = forms::read_form(json{{"components", components}});
  INFO(components.dump());
  REQUIRE(f);
  return *f;
}

std::vector<forms::FieldError> submit(const forms::Form& f, const json& data) {
  json variables;
  return forms::check_submission(f, data, variables);
}

}  // namespace

TEST_CASE("a 100,000-character value against an e-mail field is checked in linear time",
          "[forms][limits]") {
  const auto f = form_of(json::array({{{"type", "textfield"},
                                       {"key", "mail"},
                                       {"label", "E-mail"},
                                       {"validate", {{"validationType", "email"}}}}}));
  const std::string long_local(100000, 'a');
  auto errors = submit(f, {{"mail", long_local + "@"}});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "E-mail must be an e-mail address");
  CHECK(errors[0].message.find(long_local.substr(0, 10)) == std::string::npos);  // never the value
  CHECK(submit(f, {{"mail", long_local + "@example.org"}}).empty());
  CHECK(submit(f, {{"mail", std::string(100000, '@')}}).size() == 1);
}

TEST_CASE("a pattern with nested quantifiers against 100,000 characters finishes",
          "[forms][limits]") {
  const auto f = form_of(json::array({{{"type", "textfield"},
                                       {"key", "code"},
                                       {"label", "Code"},
                                       {"validate", {{"pattern", "^(a+)+$"}}}}}));
  auto errors = submit(f, {{"code", std::string(100000, 'a') + "!"}});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "Code does not have the expected format (^(a+)+$)");
  CHECK(submit(f, {{"code", std::string(100000, 'a')}}).empty());
}

TEST_CASE("form patterns keep form-js semantics: ECMAScript, a match anywhere in the value",
          "[forms]") {
  const auto f = form_of(json::array(
      {{{"type", "textfield"}, {"key", "zip"}, {"validate", {{"pattern", "\\d{5}"}}}}}));
  CHECK(submit(f, {{"zip", "12345"}}).empty());
  CHECK(submit(f, {{"zip", "SE-12345"}}).empty());  // form-js: new RegExp(pattern).test(value)
  CHECK(submit(f, {{"zip", "1234"}}).size() == 1);
}

TEST_CASE("patterns RE2 cannot run are refused when the form is read, naming what is missing",
          "[forms]") {
  for (const auto& [pattern, words] : std::vector<std::pair<std::string, std::string>>{
           {"(?=.*\\d)", "lookahead"}, {"(a)\\1", "back-reference"}, {"(", "parentheses"}}) {
    auto f = forms::read_form(
        json{{"components",
              json::array(
                  {{{"type", "textfield"}, {"key", "p"}, {"validate", {{"pattern", pattern}}}}})}});
    INFO(pattern);
    REQUIRE_FALSE(f);
    CHECK(f.error().message.find("component 1 (textfield 'p'): validate.pattern: ") == 0);
    CHECK(f.error().message.find(words) != std::string::npos);
  }
}

TEST_CASE("a form file with values of the wrong types is refused, never thrown at",
          "[forms][limits]") {
  for (const std::string text :
       {R"({"components": [1]})", R"({"components": [{"type": 5}]})",
        R"({"components": [{"type": "textfield", "key": 5}]})",
        R"({"components": [{"type": "textfield", "key": "a", "validate": {"validationType": 5}}]})",
        R"({"components": [{"type": "textfield", "key": "a", "validate": {"pattern": 5}}]})",
        R"({"components": [{"type": "textfield", "key": "a", "validate": []}]})",
        R"({"components": [{"type": "select", "key": "a", "values": [{"value": 1, "label": 5}]}]})",
        R"({"components": {"a": 1}})", R"({"components": [{"type": "group", "components": 7}]})",
        R"([])", R"("form")", R"({"id": 5, "components": []})"}) {
    INFO(text);
    auto doc = json::parse(text);
    CHECK_NOTHROW(forms::read_form(doc));
  }
  auto lenient = forms::read_form(json::parse(
      R"({"components": [{"type": "textfield", "key": "a", "label": 5, "readonly": "=x", "subtype": 3}]})"));
  REQUIRE(lenient);
  CHECK(lenient->fields[0].label == "a");
  CHECK_FALSE(lenient->fields[0].readonly);
}

TEST_CASE("groups nested deeper than 16 levels are refused", "[forms][limits]") {
  json inner = json::array({{{"type", "textfield"}, {"key", "x"}}});
  for (int i = 0; i < 40; ++i) inner = json::array({{{"type", "group"}, {"components", inner}}});
  auto f = forms::read_form(json{{"components", inner}});
  REQUIRE_FALSE(f);
  CHECK(f.error().message == "groups nest deeper than 16 levels");
}

TEST_CASE("form files are read with the JSON limits", "[forms][limits]") {
  std::string deep(100000, '[');
  auto f = forms::read_form_text(deep);
  REQUIRE_FALSE(f);
  CHECK(f.error().message == "the form nests arrays and objects deeper than 64 levels");
  auto ok = forms::read_form_text(
      R"({"id": "f", "components": [{"type": "number", "key": "n", "validate": {"max": 3}}]})");
  REQUIRE(ok);
  CHECK(ok->id == "f");
}

TEST_CASE("unknown keys in a submission are named shortly, and listed at most 100 times",
          "[forms][limits]") {
  const auto f = form_of(json::array({{{"type", "number"}, {"key", "n"}}}));
  json data = json::object();
  for (int i = 0; i < 1000; ++i) data["k" + std::to_string(i)] = i;
  data[std::string(1000, 'z')] = 1;
  auto errors = submit(f, data);
  CHECK(errors.size() == 100);
  for (const auto& e : errors) CHECK(e.key.size() <= 67);
}

TEST_CASE("dates and times are checked without regular expressions", "[forms]") {
  const auto f = form_of(json::array({{{"type", "datetime"}, {"key", "d"}, {"subtype", "date"}},
                                      {{"type", "datetime"}, {"key", "t"}, {"subtype", "time"}}}));
  CHECK(submit(f, {{"d", "2026-02-28"}, {"t", "23:59"}}).empty());
  CHECK(submit(f, {{"d", "2026-02-30"}, {"t", "24:00"}}).size() == 2);
  CHECK(submit(f, {{"d", "2026-2-3"}, {"t", "10:30:00+01:00"}}).size() == 1);
  CHECK(submit(f, {{"d", std::string(100000, '1')}, {"t", "10:60"}}).size() == 2);
}
