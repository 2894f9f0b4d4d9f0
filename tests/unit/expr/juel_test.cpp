// Camunda/Flowable ${...} expressions map onto FEEL evaluation.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "elva/eval.hpp"

namespace {
nlohmann::json eval(const std::string& expr,
                    const nlohmann::json& vars = nlohmann::json::object()) {
  auto r = elva::evaluate_expression({expr, &vars, 0});
  INFO(expr);
  REQUIRE(r);
  return *r;
}
}  // namespace

TEST_CASE("JUEL operators evaluate like their FEEL counterparts", "[expr][juel]") {
  const nlohmann::json v = {{"amount", 1500},    {"department", "HR"},
                            {"approved", false}, {"list", nlohmann::json::array()},
                            {"name", "x"},       {"employee", {{"name", "Anna"}}}};
  CHECK(eval("${amount > 1000 && department == \"HR\"}", v) == true);
  CHECK(eval("${amount gt 2000 || !approved}", v) == true);
  CHECK(eval("${amount le 1500 and department ne 'IT'}", v) == true);
  CHECK(eval("${approved ? 'yes' : 'no'}", v) == "no");
  CHECK(eval("${empty list}", v) == true);
  CHECK(eval("${not empty name}", v) == true);
  CHECK(eval("${empty missing}", v) == true);
  CHECK(eval("${employee.name eq 'Anna'}", v) == true);
  CHECK(eval("#{amount div 3}", v) == 500);
  CHECK(eval("  ${ amount }  ", v) == 1500);
}

TEST_CASE("JUEL constructs Elva cannot run are syntax errors", "[expr][juel]") {
  for (const char* bad : {"${execution.getVariable('x')}", "${a mod 2}", "x${a}y", "${a"}) {
    INFO(bad);
    auto r = elva::evaluate_expression({bad, nullptr, 0});
    CHECK_FALSE(r);
  }
}
