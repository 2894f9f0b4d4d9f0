#include "model/diff.hpp"

#include <catch2/catch.hpp>

#include "support/bpmn_fixture.hpp"

using namespace elva;

namespace {

const model::Change* change(const model::ItemDiff& item, const std::string& aspect) {
  for (const auto& c : item.changes)
    if (c.aspect == aspect) return &c;
  return nullptr;
}

const model::ItemDiff* item(const std::vector<model::ItemDiff>& items, const std::string& id) {
  for (const auto& i : items)
    if (i.id == id) return &i;
  return nullptr;
}

}  // namespace

TEST_CASE("diff names added, removed and changed elements and flows by id", "[model][diff]") {
  // given two versions: a task changes type, a condition, a timer, an assignment, a connector
  // and a mapping; one element and flow go, another comes
  auto v1 = test::read_process(R"(
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="gw"/>
    <exclusiveGateway id="gw" default="f3"/>
    <sequenceFlow id="f2" sourceRef="gw" targetRef="approve"><conditionExpression>=amount &gt; 100</conditionExpression></sequenceFlow>
    <sequenceFlow id="f3" sourceRef="gw" targetRef="legacy"/>
    <userTask id="approve" elva:assignee="anna"/>
    <boundaryEvent id="late" attachedToRef="approve"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>
    <sequenceFlow id="f6" sourceRef="late" targetRef="e"/>
    <sequenceFlow id="f4" sourceRef="approve" targetRef="e"/>
    <task id="legacy"/><sequenceFlow id="f5" sourceRef="legacy" targetRef="e"/>
    <serviceTask id="notify" elva:connector="mail.send"><extensionElements><elva:input source="=to" target="recipient"/></extensionElements></serviceTask>
    <endEvent id="e"/>)");
  auto v2 = test::read_process(R"(
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="gw"/>
    <exclusiveGateway id="gw" default="f3"/>
    <sequenceFlow id="f2" sourceRef="gw" targetRef="approve"><conditionExpression>=amount &gt; 1000</conditionExpression></sequenceFlow>
    <sequenceFlow id="f3" sourceRef="gw" targetRef="check"/>
    <userTask id="approve" elva:assignee="bo"/>
    <boundaryEvent id="late" attachedToRef="approve"><timerEventDefinition><timeDuration>P2D</timeDuration></timerEventDefinition></boundaryEvent>
    <sequenceFlow id="f6" sourceRef="late" targetRef="e"/>
    <sequenceFlow id="f4" sourceRef="approve" targetRef="e"/>
    <userTask id="check"/><sequenceFlow id="f7" sourceRef="check" targetRef="e"/>
    <serviceTask id="notify" elva:connector="mail.sendHtml"><extensionElements><elva:input source="=manager" target="recipient"/></extensionElements></serviceTask>
    <endEvent id="e"/>)");
  // when
  const auto d = model::diff(v1.process(), v2.process());
  // then
  REQUIRE(item(d.added, "check"));
  CHECK(item(d.added, "check")->type == "userTask");
  CHECK(item(d.added, "f7"));
  CHECK(item(d.removed, "legacy"));
  CHECK(item(d.removed, "f5"));
  const auto* f2 = item(d.changed, "f2");
  REQUIRE(f2);
  REQUIRE(change(*f2, "condition"));
  CHECK(change(*f2, "condition")->before == "=amount > 100");
  CHECK(change(*f2, "condition")->after == "=amount > 1000");
  CHECK(change(*item(d.changed, "f3"), "target")->after == "check");
  CHECK(change(*item(d.changed, "approve"), "assignment")->after == "assignee=bo");
  CHECK(change(*item(d.changed, "late"), "timer")->before == "timeDuration P1D");
  CHECK(change(*item(d.changed, "notify"), "connector")->after == "mail.sendHtml");
  CHECK(change(*item(d.changed, "notify"), "inputs")->after == "recipient := =manager");
  CHECK_FALSE(item(d.changed, "s"));
  CHECK_FALSE(item(d.changed, "e"));
}

TEST_CASE("diff of a version with itself is empty, and a type change comes first",
          "[model][diff]") {
  auto v1 = test::read_process(R"(
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <task id="t" name="Check"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>)");
  auto v2 = test::read_process(R"(
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <userTask id="t" name="Check it"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>)");
  CHECK(model::diff(v1.process(), v1.process()).empty());
  const auto d = model::diff(v1.process(), v2.process());
  REQUIRE(d.changed.size() == 1);
  REQUIRE(d.changed[0].changes.size() == 2);
  CHECK(d.changed[0].changes[0].aspect == "type");
  CHECK(d.changed[0].changes[0].before == "task");
  CHECK(d.changed[0].changes[1].aspect == "name");
}
