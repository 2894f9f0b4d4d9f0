// Start rights and completion variables as the reader maps them (docs/bpmn-extensions.md,
// docs/security.md "Rights of workers, employees and processes").
#include <catch2/catch.hpp>

#include "support/bpmn_fixture.hpp"

using namespace elva;
using namespace elva::model;

TEST_CASE("candidate starters are read from Elva's and Camunda's process attributes",
          "[parse][rights]") {
  auto r = test::read_xml(test::bpmn(R"(
    <process id="a" isExecutable="true" elva:candidateStarterGroups=" managers, hr ,," elva:candidateStarterUsers="anna">
      <startEvent id="s1"/></process>
    <process id="b" isExecutable="true" camunda:candidateStarterGroups="auditors" camunda:candidateStarterUsers="bo, eva">
      <startEvent id="s2"/></process>
    <process id="c" isExecutable="true"><startEvent id="s3"/></process>)"));
  INFO(r.dump());
  REQUIRE(r.errors() == 0);
  const auto* a = r.defs().find_process("a");
  const auto* b = r.defs().find_process("b");
  const auto* c = r.defs().find_process("c");
  CHECK(a->candidate_starter_groups == std::vector<std::string>{"managers", "hr"});
  CHECK(a->candidate_starter_users == std::vector<std::string>{"anna"});
  CHECK(b->candidate_starter_groups == std::vector<std::string>{"auditors"});
  CHECK(b->candidate_starter_users == std::vector<std::string>{"bo", "eva"});
  // Camunda's attributes are rights now, not properties.
  CHECK(b->properties.empty());
  CHECK(c->candidate_starter_groups.empty());
  CHECK(c->candidate_starter_users.empty());
}

TEST_CASE("a candidate starter expression is an error naming file and line", "[parse][rights]") {
  for (const std::string value : {"=starters", "${starterGroups}", "#{bean.groups()}", " = x"}) {
    for (const std::string attribute :
         {"elva:candidateStarterGroups", "camunda:candidateStarterUsers"}) {
      auto r = test::read_xml(test::bpmn("<process id=\"p\" isExecutable=\"true\"\n  " + attribute +
                                         "=\"" + value + "\"><startEvent id=\"s\"/></process>"));
      INFO(attribute << "=" << value << "\n" << r.dump());
      CHECK(r.has_error(attribute + " must be a literal comma-separated list, not an expression",
                        "p"));
      CHECK(r.dump().find("test.bpmn:5:") != std::string::npos);
      CHECK(r.process().candidate_starter_groups.empty());
      CHECK(r.process().candidate_starter_users.empty());
    }
  }
}

TEST_CASE("a user task declares the variables a completion without a form may set",
          "[parse][rights]") {
  auto r = test::read_process(R"(
    <startEvent id="s"/>
    <userTask id="declared" elva:completionVariables="comment, approved"/>
    <userTask id="open" elva:acceptAnyVariables="true"/>
    <userTask id="none"/>)");
  INFO(r.dump());
  REQUIRE(r.errors() == 0);
  const auto* declared = r.process().find("declared")->as<UserTaskSpec>();
  CHECK(declared->completion_variables == std::vector<std::string>{"comment", "approved"});
  CHECK_FALSE(declared->accept_any_variables);
  CHECK(r.process().find("open")->as<UserTaskSpec>()->accept_any_variables);
  CHECK(r.process().find("none")->as<UserTaskSpec>()->completion_variables.empty());
  CHECK_FALSE(r.process().find("none")->as<UserTaskSpec>()->accept_any_variables);
}

TEST_CASE("completion variables are checked where they are written", "[parse][rights]") {
  auto r = test::read_process(R"(
    <userTask id="expr" elva:completionVariables="=names"/>
    <userTask id="flag" elva:acceptAnyVariables="yes"/>
    <serviceTask id="svc" elva:completionVariables="a" elva:connector="elva.noop"/>)");
  CHECK(r.has_error(
      "elva:completionVariables must be a literal comma-separated list of variable names", "expr"));
  CHECK(r.has_error("elva:acceptAnyVariables must be true or false", "flag"));
  CHECK(r.has_error("elva:completionVariables applies to user tasks only", "svc"));
}
