#include <catch2/catch.hpp>

#include "support/bpmn_fixture.hpp"

using namespace elva;
using namespace elva::model;

TEST_CASE("the reader resolves the BPMN namespace by URI, whatever the prefix", "[parse]") {
  for (const std::string prefix : {"bpmn:", "bpmn2:", "semantic:", "model:", ""}) {
    const std::string ns =
        prefix.empty() ? "xmlns" : "xmlns:" + prefix.substr(0, prefix.size() - 1);
    const std::string xml = "<" + prefix + "definitions " + ns +
                            "=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">"
                            "<" +
                            prefix + "process id=\"p\"><" + prefix +
                            "startEvent id=\"s\"/>"
                            "</" +
                            prefix + "process></" + prefix + "definitions>";
    INFO(xml);
    auto r = test::read_xml(xml);
    REQUIRE(r.result.definitions);
    REQUIRE(r.process().elements.size() == 1);
    CHECK(r.process().elements[0].type == ElementType::StartEvent);
  }
}

TEST_CASE("a prefix bound to another namespace is not BPMN", "[parse]") {
  auto r = test::read_xml(R"(<bpmn:definitions xmlns:bpmn="urn:something-else" id="d"/>)");
  CHECK_FALSE(r.result.definitions);
  CHECK(r.has_error(
      "not a BPMN 2.0 file: the root element is <definitions> in namespace 'urn:something-else'"));
}

TEST_CASE("elements keep their line and column", "[parse]") {
  auto r = test::read_xml(test::bpmn("<process id=\"p\">\n  <userTask id=\"u\"/>\n</process>"));
  const auto* u = r.process().find("u");
  REQUIRE(u);
  CHECK(u->pos.line == 6);
  CHECK(u->pos.col == 3);
}

TEST_CASE("several processes per file, each with its own elements", "[parse]") {
  auto r = test::read_xml(test::bpmn(R"(
    <process id="a"><startEvent id="a1"/></process>
    <process id="b"><startEvent id="b1"/><endEvent id="b2"/></process>)"));
  REQUIRE(r.defs().processes.size() == 2);
  CHECK(r.defs().find_process("b")->elements.size() == 2);
}

TEST_CASE("sub-process children have the sub-process as scope", "[parse]") {
  auto r = test::read_process(R"(
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
    <subProcess id="sub"><startEvent id="in"/><sequenceFlow id="f2" sourceRef="in" targetRef="t"/>
      <task id="t"/>
      <subProcess id="events" triggeredByEvent="true">
        <startEvent id="es" isInterrupting="false"><messageEventDefinition messageRef="m"/></startEvent>
      </subProcess>
    </subProcess>
    <sequenceFlow id="f3" sourceRef="sub" targetRef="e"/><endEvent id="e"/>)");
  const auto& p = r.process();
  CHECK(p.find("t")->scope == p.find("sub")->index);
  CHECK(p.find("events")->type == ElementType::EventSubProcess);
  CHECK_FALSE(p.find("es")->event()->interrupting);
  CHECK(p.find("sub")->as<SubProcessSpec>()->children.size() ==
        3);  // in, t, events (es is inside events)
  CHECK(p.scope_id(p.find("t")->scope) == "sub");
  CHECK(p.scope_id(p.find("s")->scope) == "p");
}

TEST_CASE("Elva's own attributes and elements set task properties", "[parse][extensions]") {
  auto r = test::read_process(R"X(
    <serviceTask id="create" elva:connector="hr.createEmployment" elva:retryCycle="R5/PT1M">
      <extensionElements><elva:input source="=employee.id" target="employeeId"/>
        <elva:output source="=contractId" target="contract"/></extensionElements>
    </serviceTask>
    <userTask id="approve" elva:assignee="=manager" elva:candidateGroups="hr, managers"
              elva:dueDate="=now() + duration(&quot;P3D&quot;)" elva:formKey="approve-hire.form.json"/>)X");
  const auto* create = r.process().find("create");
  REQUIRE(create->job);
  CHECK(create->job->job_type == "hr.createEmployment");
  CHECK(create->job->retry_cycle == "R5/PT1M");
  REQUIRE(create->inputs.size() == 1);
  CHECK(create->inputs[0].target == "employeeId");
  CHECK(create->outputs[0].source == "=contractId");
  const auto* approve = r.process().find("approve")->as<UserTaskSpec>();
  CHECK(approve->assignee == "=manager");
  CHECK(approve->candidate_groups == "hr, managers");
  CHECK(approve->form_key == "approve-hire.form.json");
}

TEST_CASE("a misspelt Elva attribute is an error that suggests the right name",
          "[parse][extensions]") {
  auto r = test::read_process(R"(<userTask id="u" elva:asignee="anna"/>)");
  CHECK(r.has_error("unknown attribute elva:asignee (did you mean elva:assignee?)", "u"));
}

TEST_CASE("Zeebe extensions map onto the same properties", "[parse][extensions]") {
  auto r = test::read_process(R"(
    <serviceTask id="t"><extensionElements>
      <zeebe:taskDefinition type="mail.send" retries="5"/>
      <zeebe:ioMapping><zeebe:input source="=to" target="recipient"/></zeebe:ioMapping>
      <zeebe:taskHeaders><zeebe:header key="template" value="welcome"/></zeebe:taskHeaders>
    </extensionElements></serviceTask>
    <userTask id="u"><extensionElements>
      <zeebe:assignmentDefinition assignee="=owner" candidateGroups="hr"/>
      <zeebe:taskSchedule dueDate="=due"/><zeebe:formDefinition formId="hire-form"/>
    </extensionElements></userTask>
    <callActivity id="c"><extensionElements><zeebe:calledElement processId="child" propagateAllChildVariables="false"/></extensionElements></callActivity>
    <task id="mi"><multiInstanceLoopCharacteristics><extensionElements>
      <zeebe:loopCharacteristics inputCollection="=employees" inputElement="employee"/>
    </extensionElements></multiInstanceLoopCharacteristics></task>)");
  const auto& p = r.process();
  CHECK(p.find("t")->job->job_type == "mail.send");
  CHECK(p.find("t")->job->retries == "5");
  CHECK(p.find("t")->job->headers.at(0).value == "welcome");
  CHECK(p.find("t")->inputs.at(0).target == "recipient");
  CHECK(p.find("u")->as<UserTaskSpec>()->assignee == "=owner");
  CHECK(p.find("u")->as<UserTaskSpec>()->form_key == "hire-form");
  CHECK(p.find("u")->as<UserTaskSpec>()->due_date == "=due");
  CHECK(p.find("c")->as<CallActivitySpec>()->called_element == "child");
  CHECK_FALSE(p.find("c")->as<CallActivitySpec>()->propagate_all_out);
  CHECK(p.find("mi")->loop.input_collection == "=employees");
  CHECK(p.find("mi")->loop.input_element == "employee");
}

TEST_CASE("Camunda 7 extensions map, and Java delegates are refused in executable processes",
          "[parse][extensions]") {
  auto r = test::read_process(R"(
    <serviceTask id="ext" camunda:type="external" camunda:topic="invoice" camunda:asyncBefore="true">
      <extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="amount">${total}</camunda:inputParameter>
      </camunda:inputOutput><camunda:failedJobRetryTimeCycle>R3/PT5M</camunda:failedJobRetryTimeCycle>
      </extensionElements></serviceTask>
    <serviceTask id="java" camunda:class="org.example.Delegate"/>
    <userTask id="u" camunda:assignee="demo" camunda:candidateGroups="accounting">
      <extensionElements><camunda:taskListener event="create" class="x"/></extensionElements></userTask>
    <callActivity id="c" calledElement="child"><extensionElements>
      <camunda:in variables="all"/><camunda:out source="result" target="childResult"/>
    </extensionElements></callActivity>)");
  const auto& p = r.process();
  CHECK(p.find("ext")->job->job_type == "invoice");
  CHECK(p.find("ext")->job->retry_cycle == "R3/PT5M");
  CHECK(p.find("ext")->inputs.at(0).source == "${total}");
  CHECK(p.find("u")->as<UserTaskSpec>()->candidate_groups == "accounting");
  CHECK(r.has_error("runs Java code", "java"));
  CHECK(r.has_warning(
      "taskListener (event 'create', class 'x') runs code inside the Camunda engine", "u"));
  const auto* call = p.find("c")->as<CallActivitySpec>();
  CHECK(call->propagate_all_in);
  CHECK(call->out.at(0).target == "childResult");
}

TEST_CASE("the camunda prefix bound to the Activiti URI is read as Activiti",
          "[parse][extensions]") {
  auto r = test::read_xml(R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:camunda="http://activiti.org/bpmn" id="d">
      <process id="p"><userTask id="u" camunda:assignee="kermit" camunda:madeUp="1"/></process>
      </definitions>)");
  CHECK(r.process().find("u")->as<UserTaskSpec>()->assignee == "kermit");
  CHECK(r.has_warning("activiti:madeUp is not understood by Elva", "u"));
}

TEST_CASE("standard BPMN potentialOwner and humanPerformer assign user tasks", "[parse]") {
  auto r = test::read_process(R"(
    <userTask id="u"><potentialOwner><resourceAssignmentExpression>
      <formalExpression>user(anna), group(hr), finance</formalExpression>
    </resourceAssignmentExpression></potentialOwner></userTask>
    <userTask id="h"><humanPerformer><resourceAssignmentExpression>
      <formalExpression>bertil</formalExpression></resourceAssignmentExpression></humanPerformer></userTask>)");
  const auto* u = r.process().find("u")->as<UserTaskSpec>();
  CHECK(u->candidate_users == "anna");
  CHECK(u->candidate_groups == "hr,finance");
  CHECK(r.process().find("h")->as<UserTaskSpec>()->assignee == "bertil");
}

TEST_CASE("event definitions, loops and messages are read with their content", "[parse]") {
  auto r = test::read_xml(test::bpmn(R"(
    <message id="m" name="documentsReceived" elva:correlationKey="=employeeId"/>
    <error id="err" name="Rejected" errorCode="REJECTED"/>
    <process id="p">
      <intermediateCatchEvent id="wait"><messageEventDefinition messageRef="m"/></intermediateCatchEvent>
      <intermediateCatchEvent id="timer"><timerEventDefinition><timeCycle>R3/PT10M</timeCycle></timerEventDefinition></intermediateCatchEvent>
      <task id="loop"><standardLoopCharacteristics testBefore="true" loopMaximum="5">
        <loopCondition>=count &lt; 3</loopCondition></standardLoopCharacteristics></task>
      <task id="mi"><multiInstanceLoopCharacteristics isSequential="true" camunda:collection="${list}" camunda:elementVariable="item">
        <completionCondition>${done}</completionCondition></multiInstanceLoopCharacteristics></task>
    </process>)"));
  const auto& p = r.process();
  CHECK(r.defs().messages.at(0).correlation_key == "=employeeId");
  CHECK(r.defs().errors.at(0).code == "REJECTED");
  CHECK(p.find("wait")->event()->definitions.at(0).ref == "m");
  const auto& timer = p.find("timer")->event()->definitions.at(0);
  CHECK(timer.timer_kind == TimerKind::Cycle);
  CHECK(timer.timer_value == "R3/PT10M");
  CHECK(p.find("loop")->loop.kind == LoopKind::Standard);
  CHECK(p.find("loop")->loop.loop_condition == "=count < 3");
  CHECK(p.find("loop")->loop.test_before);
  CHECK(p.find("mi")->loop.sequential);
  CHECK(p.find("mi")->loop.input_collection == "${list}");
  CHECK(p.find("mi")->loop.completion_condition == "${done}");
}

TEST_CASE("duplicate ids are errors that point at the first use", "[parse]") {
  auto r = test::read_process(R"(<task id="x"/>
    <task id="x"/>)");
  CHECK(r.has_error("duplicate id: also used by the task at line 6", "x"));
}

TEST_CASE("standard multi-instance data refers by id to the process's items", "[parse]") {
  auto r = test::read_process(R"(
    <property id="P_units" name="units"/>
    <dataObject id="DO_out" name="opinions"/>
    <dataObjectReference id="DOR_out" dataObjectRef="DO_out"/>
    <userTask id="byProperty"><multiInstanceLoopCharacteristics>
      <loopDataInputRef>P_units</loopDataInputRef><loopDataOutputRef>DOR_out</loopDataOutputRef>
      <inputDataItem id="i1" name="unit"/><outputDataItem id="opinion"/>
    </multiInstanceLoopCharacteristics></userTask>
    <serviceTask id="byAssociation" camunda:type="external" camunda:topic="t">
      <ioSpecification><dataInput id="T_in" name="localList"/><inputSet/><outputSet/></ioSpecification>
      <dataInputAssociation><sourceRef>P_units</sourceRef><targetRef>T_in</targetRef></dataInputAssociation>
      <multiInstanceLoopCharacteristics isSequential="true">
        <loopDataInputRef>T_in</loopDataInputRef><inputDataItem id="recipient"/>
      </multiInstanceLoopCharacteristics></serviceTask>
    <userTask id="byName"><multiInstanceLoopCharacteristics>
      <loopDataInputRef>people</loopDataInputRef><inputDataItem name="person"/>
    </multiInstanceLoopCharacteristics></userTask>)");
  INFO(r.dump());
  const auto& p = r.process();
  CHECK(p.find("byProperty")->loop.input_collection == "units");
  CHECK(p.find("byProperty")->loop.input_element == "unit");
  CHECK(p.find("byProperty")->loop.output_collection == "opinions");
  CHECK(p.find("byProperty")->loop.output_element == "opinion");  // no name: its id
  CHECK(p.find("byAssociation")->loop.input_collection == "units");
  CHECK(p.find("byAssociation")->loop.input_element == "recipient");
  CHECK(p.find("byAssociation")->loop.sequential);
  CHECK(p.find("byName")->loop.input_collection == "people");  // declared nowhere: a name
  CHECK(p.find("byName")->loop.input_element == "person");
}
