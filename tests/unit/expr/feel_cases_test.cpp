// Data-driven FEEL semantics: every case in tests/expr/feel_cases.json (expression, variables,
// expected JSON result) is evaluated by Elva. The same table is run through the reference
// interpreter feelin by tests/peers/feelin_compare.mjs.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "elva/eval.hpp"

namespace {

bool same(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();  // exactly
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) || !same(it.value(), b[it.key()])) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

TEST_CASE("FEEL expressions evaluate as the case table says", "[expr][feel]") {
  const char* src = std::getenv("ELVA_SOURCE_DIR");
  std::ifstream in(std::string(src ? src : ".") + "/tests/expr/feel_cases.json");
  REQUIRE(in);
  const auto cases = nlohmann::json::parse(in);
  REQUIRE(cases.size() >= 680);
  std::size_t failures = 0;
  for (const auto& c : cases) {
    const std::string expr = c["expr"];
    const nlohmann::json vars = c.value("vars", nlohmann::json::object());
    auto result = elva::evaluate_expression({expr, &vars, 0});
    INFO(expr);
    REQUIRE(result);
    if (!same(*result, c["expected"])) {
      ++failures;
      FAIL_CHECK(expr << " gave " << result->dump() << ", expected " << c["expected"].dump());
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("FEEL syntax errors name the column", "[expr][feel]") {
  for (const auto& [expr, col] :
       std::vector<std::pair<std::string, std::string>>{{"1 +", "4"},
                                                        {"(1 + 2", "7"},
                                                        {"if x then 1", "12"},
                                                        {"[1, 2", "6"},
                                                        {"\"abc", "1"},
                                                        {"a # b", "3"},
                                                        {"{a 1}", "4"},
                                                        {"for x [1] return x", "7"}}) {
    INFO(expr);
    auto r = elva::evaluate_expression({expr, nullptr, 0});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == elva::Errc::ExpressionError);
    std::string got;
    for (const auto& [k, v] : r.error().context)
      if (k == "col") got = v;
    CHECK(got == col);
  }
}

TEST_CASE("now() and today() come from the injected clock", "[expr][feel]") {
  const std::int64_t noon = 1795348800000;  // 2026-11-22T12:00:00Z
  auto now = elva::evaluate_expression({"now()", nullptr, noon});
  REQUIRE(now);
  CHECK(*now == "2026-11-22T12:00:00Z");
  auto today = elva::evaluate_expression({"today() + duration(\"P1D\")", nullptr, noon});
  CHECK(*today == "2026-11-23");
}
