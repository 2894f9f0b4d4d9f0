// The deterministic core: (state, command) -> events, given/when/then.
#include "runtime/step.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "elva/scenario.hpp"
#include "support/bpmn_fixture.hpp"

using namespace elva;
using namespace elva::runtime;

namespace {
struct Instance {
  test::Read read;
  InstanceState state;
  ManualEnv env{0};
  explicit Instance(const std::string& elements) : read(test::read_process(elements)) {
    state.process =
        std::shared_ptr<const model::ProcessDefinition>(read.result.definitions, &read.process());
  }
  std::vector<std::string> run(const Command& c) {
    auto r = step(state, c, env);
    REQUIRE(r);
    std::vector<std::string> lines;
    for (const auto& e : r->events) lines.push_back(describe(e, state));
    return lines;
  }
  Key waiting(const std::string& id) const {
    for (const auto& [k, el] : state.elements)
      if (state.process->elements[el.element].id == id) return k;
    return 0;
  }
};
}  // namespace

TEST_CASE("a started instance runs to its first wait state and stops there", "[runtime]") {
  Instance i(
      R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="u"/><userTask id="u"/>
               <sequenceFlow id="f2" sourceRef="u" targetRef="e"/><endEvent id="e"/>)");
  auto events = i.run(StartInstance{{{"x", 1}}, "B-1", 0, 0, ""});
  CHECK(events == std::vector<std::string>{"started p", "set {\"x\":1}", "activated s (startEvent)",
                                           "completed s", "took f1", "activated u (userTask)",
                                           "task u for anyone"});
  CHECK(i.state.status == InstanceStatus::Active);
  WHEN("the user task is completed") {
    i.run(CompleteWait{i.waiting("u"), {{"done", true}}});
    THEN("the instance completes with the task's variables") {
      CHECK(i.state.status == InstanceStatus::Completed);
      CHECK(i.state.variables["done"] == true);
      CHECK(i.state.completed == std::vector<std::string>{"s", "u", "e"});
    }
  }
}

TEST_CASE("commands that do not fit the instance are refused, not applied", "[runtime]") {
  Instance i(
      R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="u"/><userTask id="u"/>)");
  i.run(StartInstance{});
  const auto version = i.state.version;
  CHECK_FALSE(step(i.state, CompleteJob{999, {}}, i.env));
  CHECK_FALSE(step(i.state, CorrelateMessage{"nobody", "", {}}, i.env));
  CHECK_FALSE(step(i.state, StartInstance{}, i.env));
  CHECK(i.state.version == version);
}

TEST_CASE("an incident can be resolved and the element retried", "[runtime][incident]") {
  Instance i(R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
               <exclusiveGateway id="g"/>
               <sequenceFlow id="f2" sourceRef="g" targetRef="e"><conditionExpression>=ok</conditionExpression></sequenceFlow>
               <endEvent id="e"/>)");
  i.run(StartInstance{});
  REQUIRE(i.state.incidents.size() == 1);
  CHECK(i.state.incidents.begin()->second.message ==
        "no outgoing flow's condition holds and there is no default flow");
  // Fix the data, then retry.
  InstanceState& s = i.state;
  s.variables["ok"] = true;  // (a variable update command comes with the store)
  i.run(ResolveIncident{s.incidents.begin()->first});
  CHECK(s.status == InstanceStatus::Completed);
}

TEST_CASE("the same scenario gives the same event sequence on every run",
          "[runtime][determinism]") {
  const char* src = std::getenv("ELVA_SOURCE_DIR");
  const std::string path = std::string(src ? src : ".") +
                           "/tests/scenarios/events-message-link-timer-cycle.scenario.json";
  auto first = run_scenario(path);
  auto second = run_scenario(path);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->passed);
  CHECK(first->trace.size() > 30);
  CHECK(first->trace == second->trace);
}

TEST_CASE("input mappings are the element's local variables and its job's input",
          "[runtime][variables]") {
  Instance i(R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
               <serviceTask id="t" elva:connector="hr.lookup">
                 <extensionElements><elva:input source="=id" target="employee"/>
                   <elva:input source="=employee + &quot;-x&quot;" target="key"/>
                   <elva:output source="=key + &quot;/&quot; + name" target="found"/></extensionElements>
               </serviceTask>
               <sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>)");
  i.run(StartInstance{{{"id", "E7"}, {"secret", "pw"}}, "", 0, 0, ""});
  REQUIRE(i.state.jobs.size() == 1);
  const Job job = i.state.jobs.begin()->second;
  THEN("the job gets only the mapped inputs, later ones seeing earlier ones") {
    CHECK(job.input == nlohmann::json{{"employee", "E7"}, {"key", "E7-x"}});
  }
  WHEN("the job completes") {
    i.run(CompleteJob{job.key, {{"name", "Anna"}}});
    THEN("only the outputs reach the process; the locals end with the task") {
      CHECK(i.state.status == InstanceStatus::Completed);
      CHECK(i.state.variables ==
            nlohmann::json{{"id", "E7"}, {"secret", "pw"}, {"found", "E7-x/Anna"}});
    }
  }
}

TEST_CASE("a retried multi-instance iteration stays that iteration", "[runtime][incident]") {
  Instance i(R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
               <serviceTask id="t" elva:connector="calc.divide" elva:retries="1">
                 <multiInstanceLoopCharacteristics isSequential="true" elva:collection="=items" elva:elementVariable="item"
                   elva:outputCollection="results" elva:outputElement="=r"/></serviceTask>
               <sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>)");
  // A worker that divides 100 by the item, and fails on anything but a number.
  auto work = [&i] {
    while (!i.state.jobs.empty() && i.state.incidents.empty()) {
      const Job job = i.state.jobs.begin()->second;
      const auto& item = job.input["item"];
      if (item.is_number())
        i.run(CompleteJob{job.key, {{"r", 100 / item.get<int>()}}});
      else
        i.run(FailJob{job.key, "not a number"});
    }
  };
  i.run(StartInstance{{{"items", {4, "zero", 5}}}, "", 0, 0, ""});
  work();
  REQUIRE(i.state.incidents.size() == 1);
  const Key iteration = i.state.incidents.begin()->second.element_instance;
  CHECK(i.state.elements.at(iteration).role == Role::Inner);
  WHEN("an administrator fixes the item in the iteration and retries") {
    i.run(SetVariables{iteration, {{"item", 2}}});
    i.run(ResolveIncident{i.state.incidents.begin()->first});
    work();
    THEN("the loop goes on from that iteration with its counter") {
      CHECK(i.state.status == InstanceStatus::Completed);
      CHECK(i.state.variables["results"] == nlohmann::json{25, 50, 20});
    }
  }
}

TEST_CASE(
    "a parallel multi-instance iteration sees its item and counters but not the bookkeeping of the "
    "engine",
    "[runtime]") {
  Instance i(R"(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
               <serviceTask id="t" elva:connector="calc.check">
                 <multiInstanceLoopCharacteristics elva:collection="=items" elva:elementVariable="item"/></serviceTask>
               <sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>)");
  i.run(StartInstance{{{"items", {"a", "b", "c"}}}, "", 0, 0, ""});
  REQUIRE(i.state.jobs.size() == 3);
  for (const auto& [key, job] : i.state.jobs) {
    INFO(job.input.dump());
    CHECK(job.input.contains("item"));
    CHECK(job.input.contains("nrOfInstances"));
    for (const auto& [name, value] : job.input.items()) CHECK(name.rfind("elva:", 0) != 0);
  }
}

TEST_CASE("a user task's assignment is evaluated when it is activated", "[runtime]") {
  auto created = [](const std::vector<Event>& events) {
    for (const auto& e : events)
      if (const auto* t = std::get_if<UserTaskCreated>(&e)) return *t;
    return UserTaskCreated{};
  };
  Instance i(R"X(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="u"/>
               <userTask id="u" elva:assignee="=manager" elva:candidateGroups="=[unit, &quot;hr&quot;]" elva:candidateUsers="anna, bo"
                         elva:dueDate="P3D" elva:followUpDate="=date and time(&quot;2026-12-01T09:00:00Z&quot;)" elva:priority="=7*10"
                         elva:formKey="approve-hire"/>)X");
  i.env.set_now(86'400'000);  // 1970-01-02
  auto r = step(i.state, StartInstance{{{"manager", "maria"}, {"unit", "school-7"}}, "", 0, 0, ""},
                i.env);
  REQUIRE(r);
  const auto t = created(r->events);
  CHECK(t.assignee == "maria");
  CHECK(t.candidate_groups == std::vector<std::string>{"school-7", "hr"});
  CHECK(t.candidate_users == std::vector<std::string>{"anna", "bo"});
  CHECK(t.due == 4 * 86'400'000LL);  // P3D counts from the activation
  CHECK(t.follow_up == 1'796'115'600'000LL);
  CHECK(t.priority == 70);
  CHECK(t.form_key == "approve-hire");

  SECTION("an assignment that cannot be evaluated is the task's incident, not a task nobody sees") {
    Instance bad(R"X(<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="u"/>
                   <userTask id="u" elva:candidateGroups="=count([1])"/>)X");
    bad.run(StartInstance{});
    REQUIRE(bad.state.incidents.size() == 1);
    CHECK(bad.state.incidents.begin()->second.message.find("candidateGroups") != std::string::npos);
  }
}
