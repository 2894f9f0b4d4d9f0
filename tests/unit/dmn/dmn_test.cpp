// DMN decision tables: every hit policy, the unary-test forms, requirements, literal
// expressions, result mapping, and the checks `elva validate` makes.
#include "dmn/dmn.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace elva;
using nlohmann::json;

namespace {

std::shared_ptr<const dmn::Model> load(const std::string& name) {
  const char* src = std::getenv("ELVA_SOURCE_DIR");
  const std::string path = std::string(src ? src : ".") + "/tests/dmn/" + name;
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  auto read = dmn::read_dmn(path, s.str());
  REQUIRE(read.model);
  return read.model;
}

json value(const dmn::Model& m, const std::string& decision, const json& vars) {
  auto r = dmn::evaluate(m, decision, vars);
  REQUIRE(r);
  return r->value;
}

}  // namespace

TEST_CASE("a UNIQUE table picks the one rule whose unary tests all hold", "[dmn]") {
  auto m = load("deviation.dmn");
  CHECK(value(*m, "severity", {{"kind", "quality"}, {"injured", true}, {"cost", 0}}) ==
        "high");  // true, -
  CHECK(value(*m, "severity", {{"kind", "quality"}, {"injured", false}, {"cost", 20000}}) ==
        "high");  // >= 10000
  CHECK(value(*m, "severity", {{"kind", "environment"}, {"injured", false}, {"cost", 1000}}) ==
        "medium");  // list, [1000..10000)
  CHECK(value(*m, "severity", {{"kind", "quality"}, {"injured", false}, {"cost", 9999}}) ==
        "low");  // not(...)
  CHECK(value(*m, "severity", {{"kind", "quality"}, {"injured", false}, {"cost", 999}}) ==
        "low");  // < 1000
  WHEN("an input is missing") {
    THEN("FEEL null semantics: no comparison holds and no rule matches") {
      CHECK(value(*m, "severity", {{"kind", "quality"}, {"injured", false}}).is_null());
    }
  }
}

TEST_CASE("a UNIQUE table with several matches fails, naming the rules", "[dmn]") {
  auto m = load("overlap.dmn");
  auto r = dmn::evaluate(*m, "route", {{"amount", 200}});
  REQUIRE_FALSE(r);
  CHECK(r.error().message ==
        "decision 'route' has hit policy UNIQUE, but 3 rules matched: small (row 1), medium (row "
        "2), any (row 3)");
  CHECK(value(*m, "route", {{"amount", 5000}}) == "board");
}

TEST_CASE("required decisions are evaluated first and bound by name and id", "[dmn]") {
  auto m = load("deviation.dmn");
  auto r = dmn::evaluate(*m, "unit", {{"kind", "safety"}, {"injured", true}, {"cost", 5}});
  REQUIRE(r);
  CHECK(r->value == json{{"unit", "HSE"}, {"notifySafetyOfficer", true}});
  REQUIRE(r->required.size() == 1);
  CHECK(r->required[0].value == "high");
  CHECK(r->matched.size() == 1);
  CHECK(r->matched[0].id == "u-r1");
  CHECK(value(*m, "deadlineDays", {{"kind", "safety"}, {"injured", false}, {"cost", 5000}}) ==
        7);  // a literal expression
}

TEST_CASE("each hit policy shapes the result as DMN says", "[dmn]") {
  auto m = load("deviation.dmn");
  const json in = {{"kind", "safety"},
                   {"cost", 2000000},
                   {"budget", 2000000},
                   {"tags", {"fire", "water", "x"}},
                   {"reported", "2026-03-01"}};
  CHECK(value(*m, "measures", in) == json{"report", "review budget", "inform council"});  // COLLECT
  CHECK(value(*m, "points", in) == 15.5);         // COLLECT SUM, decimals
  CHECK(value(*m, "counted", in) == 2);           // COLLECT COUNT
  CHECK(value(*m, "cheapest", in) == 1800000);    // COLLECT MIN
  CHECK(value(*m, "approver", in) == "council");  // PRIORITY by output values
  CHECK(value(*m, "approvers", in) == json{"council", "director", "manager"});  // OUTPUT ORDER
  CHECK(value(*m, "steps", in) == json{"new routine", "register"});     // RULE ORDER, date input
  CHECK(value(*m, "anyUnit", in) == "HSE");                             // ANY, equal outputs
  CHECK(value(*m, "withDefault", {{"kind", "quality"}}) == "general");  // default output entry
  CHECK(value(*m, "measures", {{"cost", 5}}) == json{"report"});
  CHECK(value(*m, "counted", {{"cost", -1}}) == 0);
  WHEN("ANY rules disagree") {
    auto r = dmn::evaluate(*m, "anyUnit", {{"kind", "environment"}});
    THEN("it is an error naming both") {
      REQUIRE_FALSE(r);
      CHECK(r.error().message.find("y-r2 (row 2) and y-r3 (row 3) give different outputs") !=
            std::string::npos);
    }
  }
}

TEST_CASE("results map as business rule tasks ask", "[dmn]") {
  auto m = load("deviation.dmn");
  auto unit = dmn::evaluate(*m, "unit", {{"kind", "quality"}, {"injured", false}, {"cost", 5}});
  auto measures = dmn::evaluate(*m, "measures", {{"cost", 5000}});
  REQUIRE(unit);
  REQUIRE(measures);
  CHECK(*dmn::map_result(*unit, "singleResult") ==
        json{{"unit", "Quality"}, {"notifySafetyOfficer", false}});
  CHECK(*dmn::map_result(*measures, "collectEntries") == json{"report", "review budget"});
  CHECK(*dmn::map_result(*measures, "resultList") ==
        json{{{"measure", "report"}}, {{"measure", "review budget"}}});
  CHECK_FALSE(dmn::map_result(*measures, "singleEntry"));  // two rules matched
  CHECK_FALSE(dmn::map_result(*unit, "singleEntry"));      // two outputs
}

TEST_CASE("validation finds references, syntax errors with their line, cycles and UNIQUE overlaps",
          "[dmn]") {
  auto overlap = load("overlap.dmn");
  auto found = dmn::validate(*overlap);
  REQUIRE(found.size() == 1);
  CHECK(found[0].pos.line == 11);
  CHECK(found[0].message.find("rule any overlaps rule small") != std::string::npos);
  CHECK(dmn::validate(*load("deviation.dmn")).empty());
  auto broken = dmn::read_dmn(
      "b.dmn", R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="b">
  <decision id="a"><informationRequirement><requiredDecision href="#b"/></informationRequirement>
    <literalExpression><text>x +</text></literalExpression></decision>
  <decision id="b"><informationRequirement><requiredDecision href="#a"/></informationRequirement>
    <decisionTable><input><inputExpression><text>y</text></inputExpression></input><output name="o"/>
      <rule><inputEntry><text>&lt; &lt;</text></inputEntry><outputEntry><text>1</text></outputEntry></rule></decisionTable></decision>
  <decision id="c"><informationRequirement><requiredDecision href="#nowhere"/></informationRequirement>
    <literalExpression><text>1</text></literalExpression></decision>
</definitions>)");
  REQUIRE(broken.model);
  std::string all;
  for (const auto& d : dmn::validate(*broken.model)) all += d.to_string() + "\n";
  CHECK(all.find("b.dmn:3:5: element 'a' (decision): literal expression: cannot read 'x +'") !=
        std::string::npos);
  CHECK(all.find("b.dmn:6:13: element 'b' (decisionTable): rule 1, input 1: cannot read '< <'") !=
        std::string::npos);
  CHECK(all.find("requires decision 'nowhere', which is not in this file") != std::string::npos);
  CHECK(all.find("form a cycle") != std::string::npos);
  WHEN("the file is not DMN") {
    auto bpmn = dmn::read_dmn(
        "x.dmn", R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>)");
    THEN("it says so") {
      CHECK_FALSE(bpmn.model);
      REQUIRE(bpmn.diagnostics.size() == 1);
      CHECK(bpmn.diagnostics[0].message.find("not a DMN file") != std::string::npos);
    }
  }
}
