// A command that fails inside the engine (here: a snapshot that breaks an invariant, so the
// step throws) stops its instance with an incident and removes what would bring the command
// back; the processor keeps working, and the instance's other work is untouched.
#include <catch2/catch.hpp>

#include "exec/processor.hpp"
#include "runtime/state_json.hpp"
#include "store/memory/memory_store.hpp"

namespace {

using namespace elva;
using nlohmann::json;

const char* kProcess = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:elva="urn:elva:bpmn:1.0" id="d" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="work"/>
    <serviceTask id="work" elva:connector="calc.run"/>
    <sequenceFlow id="f2" sourceRef="work" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>)";

// The instance's snapshot with its element instances removed (its job now points nowhere).
void break_snapshot(store::Store& s, store::Key id) {
  REQUIRE(s.transact([&](store::Tx& tx) -> Result<void> {
    auto snap = tx.load_instance(id);
    REQUIRE(snap);
    REQUIRE(*snap);
    json state = (*snap)->state;
    state["el"] = json::array();
    store::Batch b;
    b.put_instance({{id, (*snap)->definition_id, (*snap)->version + 1, state},
                    (*snap)->version,
                    false,
                    "p",
                    "",
                    "active",
                    0,
                    0,
                    false});
    return tx.write(b);
  }));
}

}  // namespace

TEST_CASE(
    "a command that fails inside the engine stops the instance with an incident and removes its "
    "job",
    "[exec][quarantine]") {
  store::MemoryStore store;
  exec::ManualClock clock(1'000'000);
  exec::Processor processor(store, clock, "test");
  REQUIRE(processor.deploy({{"p.bpmn", kProcess}}));
  auto broken = processor.start("p", json::object(), "broken");
  auto healthy = processor.start("p", json::object(), "healthy");
  REQUIRE(broken);
  REQUIRE(healthy);
  auto jobs = store.jobs(*broken);
  REQUIRE(jobs);
  REQUIRE(jobs->size() == 1);
  const auto job = jobs->front().key;
  break_snapshot(store, *broken);

  auto r = processor.command(*broken, runtime::CompleteJob{job, {{"n", 1}}});
  REQUIRE(r);  // the unit went through, as a quarantine
  auto incidents = store.incidents(*broken, true);
  REQUIRE(incidents);
  REQUIRE(incidents->size() == 1);
  CHECK(incidents->front().message.find("Elva could not apply this command") != std::string::npos);
  auto left = store.jobs(*broken);
  REQUIRE(left);
  CHECK(left->empty());  // the job will not be worked (and fail) again
  auto history = store.history(*broken);
  REQUIRE(history);
  CHECK(history->back().kind == "incident");

  // The processor goes on, and the other instance is as it was.
  auto other = store.jobs(*healthy);
  REQUIRE(other);
  REQUIRE(other->size() == 1);
  REQUIRE(processor.command(*healthy, runtime::CompleteJob{other->front().key, json::object()}));
  auto done = store.instance(*healthy);
  REQUIRE(done);
  REQUIRE(*done);
  CHECK((*done)->status == "completed");
}

TEST_CASE("a start that fails inside the engine is refused and leaves nothing behind",
          "[exec][quarantine]") {
  store::MemoryStore store;
  exec::ManualClock clock(1'000'000);
  exec::Processor processor(store, clock, "test");
  REQUIRE(processor.deploy({{"p.bpmn", kProcess}}));
  const auto before = store.dump();
  // A start event id that the runtime cannot start from is a refusal (a value), not a throw:
  auto refused = processor.start("p", json::object(), "", "nowhere");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::InvalidArgument);
  CHECK(store.dump() == before);
}
