// Camunda/Flowable ${...} expressions map onto FEEL evaluation.
#include "expr/juel.hpp"

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
  for (const char* bad : {"${a mod 2}", "${a", "x${a"}) {
    INFO(bad);
    auto r = elva::evaluate_expression({bad, nullptr, 0});
    CHECK_FALSE(r);
  }
}

TEST_CASE("JUEL that reads variables through execution is converted", "[expr][juel]") {
  const nlohmann::json v = {{"x", 7},
                            {"amount", 600},
                            {"officer", "anna"},
                            {"execution", {{"processInstanceId", "42"}, {"businessKey", "B-1"}}}};
  CHECK(eval("${execution.getVariable('x')}", v) == 7);
  CHECK(eval("${execution.getVariable(\"amount\") > 500}", v) == true);
  CHECK(eval("${execution.getVariableLocal('officer')}", v) == "anna");
  CHECK(eval("${execution.hasVariable('x')}", v) == true);
  CHECK(eval("${!execution.hasVariable('school')}", v) == true);
  CHECK(eval("${execution.getProcessInstanceId()}", v) == "42");
  CHECK(eval("${execution.getBusinessKey()}", v) == "B-1");
  // Quotes inside strings are not calls.
  CHECK(eval("${'execution.getVariable(1)'}", v) == "execution.getVariable(1)");
}

TEST_CASE("text templates become string concatenation, null as empty text", "[expr][juel]") {
  const nlohmann::json v = {{"firstName", "anna"}, {"name", "Anna"}, {"n", 3}};
  CHECK(eval("${firstName}@city.example", v) == "anna@city.example");
  CHECK(eval("Hej ${name}", v) == "Hej Anna");
  CHECK(eval("Hej ${name}, du har ${n} ärenden", v) == "Hej Anna, du har 3 ärenden");
  CHECK(eval("Hej ${missing}!", v) == "Hej !");
  CHECK(eval("it's ${n}", v) == "it's 3");
  auto conv = elva::expr::convert_juel("Hej ${name}");
  REQUIRE(conv);
  CHECK(conv->changed);
  CHECK(conv->shown == "\"Hej \" + string(name)");
  CHECK(conv->notes.front() == "text template 'Hej ${name}' -> \"Hej \" + string(name)");
  auto plain = elva::expr::convert_juel("${amount > 5}");
  REQUIRE(plain);
  CHECK_FALSE(plain->changed);
}

TEST_CASE("JUEL that changes state or calls Java is refused, saying why", "[expr][juel]") {
  auto set = elva::expr::convert_juel("${execution.setVariable('status', 'received')}");
  REQUIRE_FALSE(set);
  CHECK(set.error().message ==
        "'execution.setVariable('status', 'received')' changes variables, which an expression "
        "cannot do in Elva; use an output mapping (elva:output) instead");
  auto bean = elva::expr::convert_juel("${bookingService.reserve(hall)}");
  REQUIRE_FALSE(bean);
  CHECK(bean.error().message.rfind("'bookingService.reserve(hall)' calls the method 'reserve' of "
                                   "'bookingService'",
                                   0) == 0);
  auto api = elva::expr::convert_juel("${execution.getActivityInstanceId()}");
  REQUIRE_FALSE(api);
  CHECK(api.error().message ==
        "'execution.getActivityInstanceId()': execution.getActivityInstanceId() is Camunda "
        "engine API that Elva does not provide");
  auto r = elva::evaluate_expression({"${execution.setVariable('a', 1)}", nullptr, 0});
  CHECK_FALSE(r);
}
