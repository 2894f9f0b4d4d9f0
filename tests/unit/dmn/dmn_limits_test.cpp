// DMN at scale and under hostile inputs: a 4,000-rule table is compiled once when read and each
// evaluation tests every rule once (linear); diamonds of requirements are evaluated once per
// decision; FEEL limits hit inside a table fail the decision with the limit named.
#include <catch2/catch.hpp>
#include <string>

#include "dmn/dmn.hpp"

using namespace elva;
using nlohmann::json;

namespace {

const char* kHeader =
    R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="D" namespace="urn:elva:test">)";

// `rules` rules over amount (a range), unit (a list of texts) and urgent (a boolean).
std::string table(int rules, const char* hit_policy) {
  std::string xml = std::string(kHeader) +
                    R"(<decision id="route" name="Route"><decisionTable hitPolicy=")" + hit_policy +
                    R"(">
    <input><inputExpression typeRef="number"><text>amount</text></inputExpression></input>
    <input><inputExpression typeRef="string"><text>unit</text></inputExpression></input>
    <input><inputExpression typeRef="boolean"><text>urgent</text></inputExpression></input>
    <output name="approver" typeRef="string"/>)";
  for (int r = 0; r < rules; ++r) {
    xml += "<rule id=\"r" + std::to_string(r) + "\"><inputEntry><text>[" +
           std::to_string(r * 1000) + ".." + std::to_string(r * 1000 + 999) +
           "]</text></inputEntry><inputEntry><text>\"u" + std::to_string(r % 7) + "\",\"u" +
           std::to_string((r + 3) % 7) + "\"</text></inputEntry><inputEntry><text>" +
           (r % 3 == 0   ? "-"
            : r % 3 == 1 ? "true"
                         : "false") +
           "</text></inputEntry><outputEntry><text>\"a" + std::to_string(r) +
           "\"</text></outputEntry></rule>";
  }
  return xml + "</decisionTable></decision></definitions>";
}

}  // namespace

TEST_CASE("a 4,000-rule table is compiled once when read and tests each rule once per evaluation",
          "[dmn][limits]") {
  auto read = dmn::read_dmn("big.dmn", table(4000, "FIRST"));
  REQUIRE(read.model);
  const dmn::Decision& d = read.model->decisions.at(0);
  REQUIRE(d.rules.size() == 4000);
  for (const auto& r : d.rules) {
    REQUIRE(r.input_tests.size() == 3);
    for (const auto& t : r.input_tests)
      REQUIRE(t);  // compiled when read: evaluation only evaluates
  }
  for (int amount : {0, 1'999'500, 3'999'999}) {
    auto r =
        dmn::evaluate(*read.model, "route", {{"amount", amount}, {"unit", "u1"}, {"urgent", true}});
    REQUIRE(r);
    // The first input rules out all but one rule; the later inputs are tested only where the
    // earlier ones held: at most 4,000 + 2 tests, linear in the rules.
    CHECK(r->tests_run <= 4002);
    CHECK(r->tests_run >= 4000);
  }
  auto r = dmn::evaluate(*read.model, "route",
                         {{"amount", 1'999'500}, {"unit", "u4"}, {"urgent", true}});
  REQUIRE(r);
  CHECK(r->value == "a1999");
  CHECK(r->rows_matching == std::vector<std::size_t>{1999});
}

TEST_CASE("a diamond of requirements evaluates each decision once", "[dmn][limits]") {
  // d0 <- d1 <- ... <- d40, each requiring the two before it: evaluated naively, 2^40 times.
  std::string xml = kHeader;
  for (int i = 0; i <= 40; ++i) {
    xml += "<decision id=\"d" + std::to_string(i) + "\" name=\"d" + std::to_string(i) + "\">";
    for (int back : {1, 2}) {
      if (i - back >= 0)
        xml += "<informationRequirement><requiredDecision href=\"#d" + std::to_string(i - back) +
               "\"/></informationRequirement>";
    }
    std::string body = i == 0   ? "1"
                       : i == 1 ? "d0 + 1"
                                : "d" + std::to_string(i - 1) + " + d" + std::to_string(i - 2);
    xml += "<variable name=\"d" + std::to_string(i) + "\"/><literalExpression><text>" + body +
           "</text></literalExpression></decision>";
  }
  xml += "</definitions>";
  auto read = dmn::read_dmn("diamond.dmn", xml);
  REQUIRE(read.model);
  auto r = dmn::evaluate(*read.model, "d40", json::object());
  REQUIRE(r);
  CHECK(r->value == 267914296);  // fib(42)
  std::function<std::size_t(const dmn::DecisionResult&)> listed =
      [&](const dmn::DecisionResult& x) {
        std::size_t n = 1;
        for (const auto& q : x.required) n += listed(q);
        return n;
      };
  CHECK(listed(*r) <= 2 * 41);
}

TEST_CASE("a FEEL limit hit inside a table fails the decision, naming the limit", "[dmn][limits]") {
  const std::string xml = std::string(kHeader) + R"(<decision id="d" name="D"><decisionTable>
    <input><inputExpression><text>for a in items, b in items return a + b</text></inputExpression></input>
    <output name="o"/><rule><inputEntry><text>-</text></inputEntry><outputEntry><text>1</text></outputEntry></rule>
    </decisionTable></decision></definitions>)";
  auto read = dmn::read_dmn("hostile.dmn", xml);
  REQUIRE(read.model);
  json items = json::array();
  for (int i = 0; i < 10000; ++i) items.push_back(i);
  auto r = dmn::evaluate(*read.model, "d", {{"items", items}});
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("decision 'd': the expression needs more than") == 0);
  std::string limit;
  for (const auto& [k, v] : r.error().context)
    if (k == "limit") limit = v;
  CHECK(limit == "max_steps");
}

TEST_CASE("PRIORITY ranks by output values read with the model", "[dmn]") {
  const std::string xml =
      std::string(kHeader) + R"(<decision id="p" name="P"><decisionTable hitPolicy="PRIORITY">
    <input><inputExpression><text>x</text></inputExpression></input>
    <output name="level"><outputValues><text>"high","medium","low"</text></outputValues></output>
    <rule><inputEntry><text>&gt; 0</text></inputEntry><outputEntry><text>"low"</text></outputEntry></rule>
    <rule><inputEntry><text>&gt; 5</text></inputEntry><outputEntry><text>"high"</text></outputEntry></rule>
    <rule><inputEntry><text>&gt; 2</text></inputEntry><outputEntry><text>"medium"</text></outputEntry></rule>
    </decisionTable></decision></definitions>)";
  auto read = dmn::read_dmn("p.dmn", xml);
  REQUIRE(read.model);
  CHECK(read.model->decisions[0].outputs[0].priorities ==
        std::vector<json>{"high", "medium", "low"});
  auto r = dmn::evaluate(*read.model, "p", {{"x", 10}});
  REQUIRE(r);
  CHECK(r->value == "high");
}
