#include <catch2/catch.hpp>

#include "support/bpmn_fixture.hpp"

using namespace elva;
using elva::model::ListenerEvent;

namespace {
// start -> X -> end, with X given.
std::string around(const std::string& x, const std::string& id) {
  return R"(<startEvent id="s"/><sequenceFlow id="in" sourceRef="s" targetRef=")" + id + R"("/>)" +
         x + R"(<sequenceFlow id="out" sourceRef=")" + id +
         R"(" targetRef="e"/><endEvent id="e"/>)";
}
}  // namespace

TEST_CASE("a small correct executable process has no errors and no warnings", "[validate]") {
  auto r = test::read_process(around(R"(<userTask id="u" elva:assignee="anna"/>)", "u"));
  INFO(r.dump());
  CHECK(r.all.empty());
}

TEST_CASE("dangling sequence flow references are errors on the flow", "[validate]") {
  auto r = test::read_process(
      R"(<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="nowhere"/>)");
  CHECK(r.has_error("targetRef 'nowhere' is not a flow node of process 'p'", "f"));
}

TEST_CASE("a sequence flow may not cross a sub-process boundary", "[validate]") {
  auto r = test::read_process(R"(<startEvent id="s"/>
    <subProcess id="sub"><startEvent id="in"/><task id="inner"/>
      <sequenceFlow id="ok" sourceRef="in" targetRef="inner"/></subProcess>
    <sequenceFlow id="bad" sourceRef="s" targetRef="inner"/>)");
  CHECK(r.has_error(
      "sequence flow leaves its scope: 's' is in process 'p' but 'inner' is in sub-process 'sub'",
      "bad"));
}

TEST_CASE("a gateway with no way out is an error", "[validate]") {
  auto r = test::read_process(
      R"(<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="g"/><exclusiveGateway id="g"/>)");
  CHECK(r.has_error("gateway has no outgoing sequence flow", "g"));
}

TEST_CASE("boundary events attach only to activities", "[validate]") {
  auto r = test::read_process(around(R"(<exclusiveGateway id="g"/>
    <boundaryEvent id="b" attachedToRef="g"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
    <boundaryEvent id="lost" attachedToRef="ghost"/>)",
                                     "g"));
  CHECK(r.has_error(
      "boundary events can only be attached to activities, but 'g' is a exclusiveGateway", "b"));
  CHECK(r.has_error("attachedToRef 'ghost' is not a flow node", "lost"));
}

TEST_CASE("event definitions must have their content", "[validate]") {
  auto r = test::read_xml(test::bpmn(R"(<message id="noname"/>
    <process id="p" isExecutable="true"><startEvent id="s"/>
      <intermediateCatchEvent id="t"><timerEventDefinition/></intermediateCatchEvent>
      <intermediateCatchEvent id="m"><messageEventDefinition/></intermediateCatchEvent>
      <intermediateCatchEvent id="n"><messageEventDefinition messageRef="noname"/></intermediateCatchEvent>
      <intermediateCatchEvent id="x"><messageEventDefinition messageRef="missing"/></intermediateCatchEvent>
      <intermediateCatchEvent id="bad"><timerEventDefinition><timeDuration>3 days</timeDuration></timerEventDefinition></intermediateCatchEvent>
      <intermediateCatchEvent id="expr"><timerEventDefinition><timeDuration>=reminder</timeDuration></timerEventDefinition></intermediateCatchEvent>
      <endEvent id="err"><errorEventDefinition/></endEvent>
    </process>)"));
  CHECK(r.has_error("timer has no timeDate, timeDuration or timeCycle", "t"));
  // A message catch without messageRef is a plain wait state (Camunda 7 trigger): a warning.
  CHECK(r.has_warning("message catch event has no messageRef", "m"));
  CHECK_FALSE(r.has_error("", "m"));
  CHECK(r.has_error("message 'noname' has no name", "n"));
  CHECK(r.has_error("refers to 'missing', which is not declared in this file", "x"));
  CHECK(r.has_error("timer value '3 days' is not an ISO 8601 duration", "bad"));
  CHECK_FALSE(r.has_error("", "expr"));
  CHECK(r.has_error("error end event has no errorRef", "err"));
}

TEST_CASE("non-executable processes get warnings, not errors, for missing execution details",
          "[validate]") {
  auto r = test::read_xml(test::bpmn(R"(<process id="p" isExecutable="false">
      <intermediateCatchEvent id="t"><timerEventDefinition/></intermediateCatchEvent>
      <serviceTask id="svc"/></process>)"));
  CHECK(r.errors() == 0);
  CHECK(r.has_warning("timer has no timeDate", "t"));
  CHECK(r.has_warning("no process is marked isExecutable"));
}

TEST_CASE("executable processes refuse constructs Elva cannot run", "[validate]") {
  auto r = test::read_process(R"(<startEvent id="s"/>
    <complexGateway id="cg"/><serviceTask id="svc"/><callActivity id="call"/>
    <scriptTask id="groovy" scriptFormat="groovy"><script>x = 1</script></scriptTask>
    <task id="mi"><multiInstanceLoopCharacteristics/></task>
    <intermediateCatchEvent id="multi"><messageEventDefinition messageRef="m"/><signalEventDefinition signalRef="s"/></intermediateCatchEvent>)");
  CHECK(r.has_error("complex gateways are not supported", "cg"));
  CHECK(r.has_error("service task has no connector", "svc"));
  CHECK(r.has_error("call activity has no calledElement", "call"));
  CHECK(r.has_error("script format 'groovy' needs a worker", "groovy"));
  CHECK(r.has_error("neither a loopCardinality nor an input collection", "mi"));
  CHECK(r.has_error("several event definitions", "multi"));
}

TEST_CASE("script tasks in FEEL and JavaScript run in Elva, other languages need a worker",
          "[validate][javascript]") {
  auto r = test::read_process(R"(<startEvent id="s"/>
    <scriptTask id="js" scriptFormat="javascript"><script>x = 1</script></scriptTask>
    <scriptTask id="js2" scriptFormat="JavaScript"><script>x = 1</script></scriptTask>
    <scriptTask id="js3" scriptFormat="js"><script>x = 1</script></scriptTask>
    <scriptTask id="js4" scriptFormat="ECMAScript"><script>x = 1</script></scriptTask>
    <scriptTask id="py" scriptFormat="python"><script>x = 1</script></scriptTask>)");
  for (const char* id : {"js", "js2", "js3", "js4"}) {
    INFO(id);
    CHECK_FALSE(r.has_error("", id));
  }
  CHECK(
      r.has_error("script format 'python' needs a worker: Elva runs FEEL and JavaScript "
                  "scripts itself; for another language give the task a job type",
                  "py"));
}

TEST_CASE("scripted input/output mappings run in JavaScript, other languages and files are refused",
          "[validate][javascript]") {
  auto r = test::read_process(R"(<startEvent id="s"/>
    <userTask id="js"><extensionElements><camunda:inputOutput>
      <camunda:inputParameter name="total"><camunda:script scriptFormat="javascript">a + b</camunda:script></camunda:inputParameter>
      <camunda:outputParameter name="label"><camunda:script scriptFormat="JavaScript">"n" + total</camunda:script></camunda:outputParameter>
    </camunda:inputOutput></extensionElements></userTask>
    <userTask id="groovy"><extensionElements><camunda:inputOutput>
      <camunda:inputParameter name="x"><camunda:script scriptFormat="groovy">1</camunda:script></camunda:inputParameter>
    </camunda:inputOutput></extensionElements></userTask>
    <userTask id="file"><extensionElements><camunda:inputOutput>
      <camunda:outputParameter name="y"><camunda:script scriptFormat="javascript" resource="deployment://y.js"/></camunda:outputParameter>
    </camunda:inputOutput></extensionElements></userTask>)");
  const auto* js = r.process().find("js");
  REQUIRE(js->inputs.size() == 1);
  CHECK(js->inputs[0].target == "total");
  CHECK(js->inputs[0].source == "a + b");
  CHECK(js->inputs[0].script_format == "javascript");
  REQUIRE(js->outputs.size() == 1);
  CHECK(js->outputs[0].script_format == "JavaScript");
  CHECK_FALSE(r.has_error("", "js"));
  CHECK(r.has_error("inputParameter 'x' is a script in 'groovy', which needs a worker", "groovy"));
  CHECK(
      r.has_error("outputParameter 'y' uses an external script file "
                  "(resource=\"deployment://y.js\"), which Elva does not read",
                  "file"));
}

TEST_CASE("listeners that only set variables are read, the others are warned about by name",
          "[validate][listeners]") {
  auto r = test::read_process(R"(<startEvent id="s"/>
    <userTask id="u"><extensionElements>
      <camunda:executionListener event="start" expression="${execution.setVariable('stage', 'checking'); execution.setVariable('n', execution.getVariable('n') + 1)}"/>
      <camunda:executionListener event="end"><camunda:script scriptFormat="javascript">execution.setVariable("a", 1)</camunda:script></camunda:executionListener>
      <camunda:taskListener event="create" expression="#{task.setVariable('created', true)}"/>
      <camunda:taskListener event="complete"><camunda:script scriptFormat="js">execution.setVariable("b", 2)</camunda:script></camunda:taskListener>
      <camunda:taskListener event="assignment" expression="${task.setVariable('x', 1)}"/>
      <camunda:taskListener event="create" delegateExpression="${myListener}"/>
      <camunda:executionListener event="start" class="org.example.Audit"/>
      <camunda:executionListener event="end" expression="${audit.log(execution)}"/>
      <camunda:executionListener event="end"><camunda:script scriptFormat="groovy">x = 1</camunda:script></camunda:executionListener>
    </extensionElements></userTask>
    <sequenceFlow id="fl" sourceRef="s" targetRef="u"><extensionElements>
      <camunda:executionListener event="take" expression="${execution.setVariable('x', 1)}"/>
    </extensionElements></sequenceFlow>
    <serviceTask id="t" camunda:type="external" camunda:topic="t"><extensionElements>
      <camunda:taskListener event="create" expression="${task.setVariable('x', 1)}"/>
      <flowable:executionListener xmlns:flowable="http://flowable.org/bpmn" event="start" expression="${execution.setVariable('f', 'yes')}"/>
    </extensionElements></serviceTask>)");
  const auto* u = r.process().find("u");
  REQUIRE(u->listeners.size() == 4);
  CHECK(u->listeners[0].event == ListenerEvent::Start);
  REQUIRE(u->listeners[0].sets.size() == 2);
  CHECK(u->listeners[0].sets[0].target == "stage");
  CHECK(u->listeners[0].sets[1].target == "n");
  CHECK(u->listeners[0].sets[1].source.find("execution") == std::string::npos);  // converted
  CHECK(u->listeners[1].event == ListenerEvent::End);
  CHECK(u->listeners[1].script == "execution.setVariable(\"a\", 1)");
  CHECK(u->listeners[2].event == ListenerEvent::Create);
  CHECK(u->listeners[3].event == ListenerEvent::Complete);
  CHECK(u->listeners[3].script_format == "js");
  CHECK_FALSE(r.has_error("", "u"));
  CHECK(
      r.has_warning("camunda:taskListener (event 'assignment', expression "
                    "'${task.setVariable('x', 1)}') runs code inside the Camunda engine at an "
                    "event Elva does not run listeners at",
                    "u"));
  CHECK(
      r.has_warning("camunda:taskListener (event 'create', delegateExpression '${myListener}') "
                    "runs code inside the Camunda engine; Elva ignores it",
                    "u"));
  CHECK(
      r.has_warning("camunda:executionListener (event 'start', class 'org.example.Audit') runs "
                    "code inside the Camunda engine; Elva ignores it",
                    "u"));
  CHECK(
      r.has_warning("camunda:executionListener (event 'end', expression "
                    "'${audit.log(execution)}') runs code inside the Camunda engine ('audit.log(",
                    "u"));
  CHECK(
      r.has_warning("camunda:executionListener (event 'end', script in 'groovy') is a script "
                    "in 'groovy', which Elva does not run (JavaScript only)",
                    "u"));
  CHECK(
      r.has_warning("camunda:executionListener (event 'take', expression "
                    "'${execution.setVariable('x', 1)}') on a sequence flow runs code inside "
                    "the Camunda engine when the flow is taken; Elva ignores it",
                    "fl"));
  // Task listeners belong to user tasks; Flowable's execution listeners are read alike.
  const auto* t = r.process().find("t");
  REQUIRE(t->listeners.size() == 1);
  CHECK(t->listeners[0].sets.at(0).target == "f");
  CHECK(r.has_warning("camunda:taskListener (event 'create', expression", "t"));
}

TEST_CASE("an exclusive gateway without default whose conditions may all fail is a warning",
          "[validate]") {
  auto r =
      test::read_process(R"(<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
    <exclusiveGateway id="g"/>
    <sequenceFlow id="yes" sourceRef="g" targetRef="e1"><conditionExpression>=approved</conditionExpression></sequenceFlow>
    <sequenceFlow id="no" sourceRef="g" targetRef="e2"><conditionExpression>=not(approved)</conditionExpression></sequenceFlow>
    <endEvent id="e1"/><endEvent id="e2"/>
    <exclusiveGateway id="g2" default="nope"/>)");
  CHECK(r.has_warning("no default flow: if no condition holds, the instance stops with an incident",
                      "g"));
  CHECK(r.has_error("default flow 'nope' is not an outgoing flow", "g2"));
}

TEST_CASE("executable processes need start events, sub-processes exactly one none start",
          "[validate]") {
  auto r = test::read_process(R"(<task id="t"/><subProcess id="sub"><task id="inner"/></subProcess>
    <subProcess id="evt" triggeredByEvent="true"><startEvent id="plain"/></subProcess>)");
  CHECK(r.has_error("executable process has no start event", "p"));
  CHECK(r.has_error("an embedded sub-process needs exactly one start event", "sub"));
  CHECK(r.has_error("an event sub-process needs exactly one start event with a trigger", "evt"));
}

TEST_CASE("link throws need a catch with the same name in their scope", "[validate]") {
  auto r = test::read_process(
      around(
          R"(<intermediateThrowEvent id="go"><linkEventDefinition name="A"/></intermediateThrowEvent>)",
          "go") +
      R"(<intermediateCatchEvent id="land"><linkEventDefinition name="B"/></intermediateCatchEvent>)");
  CHECK(r.has_error("no link catch event named 'A'", "go"));
}

TEST_CASE("event-based gateways may only lead to catch events and receive tasks", "[validate]") {
  auto r =
      test::read_process(R"(<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
    <eventBasedGateway id="g"/><sequenceFlow id="f1" sourceRef="g" targetRef="t"/>
    <sequenceFlow id="f2" sourceRef="g" targetRef="w"/>
    <task id="t"/><intermediateCatchEvent id="w"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></intermediateCatchEvent>)");
  CHECK(r.has_error("flow 'f1' leads to 't' (task)", "g"));
  CHECK_FALSE(r.has_error("flow 'f2'", "g"));
}

TEST_CASE("call activities resolve across the files validated together", "[validate]") {
  auto parent =
      test::read_xml(test::bpmn(R"(<process id="parent" isExecutable="true"><startEvent id="s"/>
    <sequenceFlow id="f" sourceRef="s" targetRef="c"/><callActivity id="c" calledElement="child"/></process>)"));
  auto child = test::read_xml(
      test::bpmn(R"(<process id="child" isExecutable="true"><startEvent id="s"/></process>)"));
  auto alone = parse::validate_across({parent.result.definitions.get()});
  REQUIRE(alone.size() == 1);
  CHECK(alone[0].message.find("calls process 'child', which is in none of the files given") !=
        std::string::npos);
  CHECK(parse::validate_across({parent.result.definitions.get(), child.result.definitions.get()})
            .empty());
}

TEST_CASE("diagnostics print as file:line:col: element 'id' (type): message", "[validate]") {
  auto r = test::read_process(R"(<serviceTask id="svc"/>)");
  bool found = false;
  for (const auto& d : r.all) {
    if (d.element_id == "svc" && d.severity == Severity::Error) {
      CHECK(d.to_string().rfind(
                "test.bpmn:6:1: element 'svc' (serviceTask): service task has no connector", 0) ==
            0);
      found = true;
    }
  }
  CHECK(found);
}

TEST_CASE("expressions are compiled at validation: syntax errors name the element",
          "[validate][expr]") {
  auto r =
      test::read_process(R"(<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
    <exclusiveGateway id="g" default="no"/>
    <sequenceFlow id="yes" sourceRef="g" targetRef="u"><conditionExpression>=amount &gt;</conditionExpression></sequenceFlow>
    <sequenceFlow id="no" sourceRef="g" targetRef="u"/>
    <userTask id="u" elva:assignee="=manager(" elva:candidateGroups="hr"><extensionElements>
      <elva:input source="=employee.name" target="name"/><elva:input source="${a &amp;&amp;}" target="b"/>
    </extensionElements></userTask>)");
  CHECK(r.has_error(
      "condition: syntax error at column 10: the expression ends too early in '=amount >'", "yes"));
  CHECK(r.has_error("assignee: syntax error", "u"));
  CHECK(r.has_error("input 'b': syntax error", "u"));
  CHECK_FALSE(r.has_error("input 'name'", "u"));
  CHECK_FALSE(r.has_error("candidateGroups", "u"));  // a literal, not an expression
}

TEST_CASE(
    "conditions in a language Elva does not run are errors, also when declared on definitions",
    "[validate][expr]") {
  auto r = test::read_xml(R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
      expressionLanguage="http://www.w3.org/1999/XPath">
    <process id="p" isExecutable="true"><startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="g"/>
    <exclusiveGateway id="g" default="b"/>
    <sequenceFlow id="a" sourceRef="g" targetRef="e"><conditionExpression>getDataObject('x')</conditionExpression></sequenceFlow>
    <sequenceFlow id="b" sourceRef="g" targetRef="e"/><endEvent id="e"/></process></definitions>)");
  CHECK(
      r.has_error("condition language 'http://www.w3.org/1999/XPath' (declared by "
                  "expressionLanguage on <definitions>) is not supported",
                  "a"));
  CHECK_FALSE(r.has_error("syntax error", "a"));
}

TEST_CASE("a receive task without messageRef is a plain wait state: a warning, not an error",
          "[validate]") {
  auto r = test::read_process(around(R"(<receiveTask id="r"/>)", "r"));
  INFO(r.dump());
  CHECK(r.errors() == 0);
  CHECK(r.has_warning("receive task has no messageRef: it waits until completed", "r"));
}

TEST_CASE("a task with a Java delegate gets one error, naming the cause", "[validate]") {
  auto r = test::read_process(R"(<startEvent id="s"/>
    <serviceTask id="java" camunda:class="org.example.Delegate"/>
    <serviceTask id="expr" camunda:delegateExpression="${mailer}"/>
    <sendTask id="send" camunda:expression="${x.send()}"/>
    <businessRuleTask id="rule" camunda:class="org.example.Rule"/>
    <serviceTask id="mail" camunda:type="mail"/>
    <serviceTask id="none"/>)");
  INFO(r.dump());
  for (const std::string id : {"java", "expr", "send", "rule", "mail"}) {
    std::size_t on = 0;
    for (const auto& d : r.all) on += d.severity == Severity::Error && d.element_id == id;
    CHECK(on == 1);
    CHECK_FALSE(r.has_error("has no connector", id));
    CHECK_FALSE(r.has_error("neither a connector", id));
  }
  CHECK(r.has_error("runs Java code", "java"));
  CHECK(r.has_error("runs Java code", "expr"));
  CHECK(r.has_error("task type built into", "mail"));
  CHECK(r.has_error("service task has no connector", "none"));  // without a delegate: as before
}

TEST_CASE("a case summary is read from tasks and processes, its expressions checked at its line",
          "[validate][expr]") {
  auto r = test::read_xml(test::bpmn(R"(<process id="p" isExecutable="true">
  <extensionElements><elva:summary>
    <elva:field label="Employee" value="{{employee.name}}"/>
    <elva:field label="Start" value="=startDate +"/>
  </elva:summary></extensionElements>
  <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="u"/>
  <userTask id="u" name="Approve {{employee.name}}"><extensionElements><elva:summary>
    <elva:field label="Unit" value="=employee.unit"/>
    <elva:field label="Bad" value="=unit("/>
    <elva:field value="=approved"/>
    <elva:field label="Empty"/>
  </elva:summary></extensionElements></userTask>
  <sequenceFlow id="f2" sourceRef="u" targetRef="e"/><endEvent id="e"/>
</process>)"));
  INFO(r.dump());
  const auto& p = r.process();
  REQUIRE(p.summary.size() == 2);
  CHECK(p.summary[0].label == "Employee");
  CHECK(p.summary[0].value == "{{employee.name}}");
  const auto* t = p.find("u")->as<model::UserTaskSpec>();
  REQUIRE(t->summary.size() == 4);
  CHECK(t->summary[2].label == "=approved");  // no label: the value stands for it
  CHECK(r.has_error("summary 'Start': syntax error", "p"));
  CHECK(r.has_error("summary 'Bad': syntax error", "u"));
  CHECK_FALSE(r.has_error("summary 'Unit'"));
  CHECK(r.has_error("elva:field needs a value", "u"));
  bool at_line = false;
  for (const auto& d : r.all)
    at_line |= d.message.find("'Start'") != std::string::npos && d.pos.line == 8;
  CHECK(at_line);
}
