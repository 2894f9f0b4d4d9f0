#include "model/flow_graph.hpp"

#include <catch2/catch.hpp>

#include "support/bpmn_fixture.hpp"

using namespace elva;

TEST_CASE("flow graph follows sequence flows and boundary attachments", "[model][graph]") {
  auto r = test::read_process(R"(
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <task id="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
    <endEvent id="e"/>
    <boundaryEvent id="b" attachedToRef="t"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
    <sequenceFlow id="f3" sourceRef="b" targetRef="late"/><endEvent id="late"/>
    <task id="island"/>)");
  const auto& p = r.process();
  CHECK(p.graph().vertex_count() == 6);
  CHECK(p.graph().edge_count() == 4);  // three flows + one attachment
  auto reached = p.graph().reachable_from({p.find("s")->index});
  CHECK(reached[p.find("late")->index]);
  CHECK_FALSE(reached[p.find("island")->index]);
  CHECK(r.has_warning("cannot be reached", "island"));
}
