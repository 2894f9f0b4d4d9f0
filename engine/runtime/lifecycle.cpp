// The lifecycle table's check (lifecycle.hpp).
#include "runtime/lifecycle.hpp"

#include <string>

#include "elva/error.hpp"

namespace elva::runtime {
namespace {

struct Subject {
  Key operator()(const ElementActivated& e) const { return e.key; }
  Key operator()(const ElementCompleted& e) const { return e.key; }
  Key operator()(const ElementTerminated& e) const { return e.key; }
  Key operator()(const FlowTaken& e) const { return e.scope; }
  Key operator()(const JoinReset& e) const { return e.scope; }
  Key operator()(const JoinsCleared& e) const { return e.scope; }
  Key operator()(const LocalVariablesSet& e) const { return e.instance; }
  Key operator()(const LoopStarted& e) const { return e.body; }
  Key operator()(const IterationStarted& e) const { return e.body; }
  Key operator()(const IterationCompleted& e) const { return e.body; }
  Key operator()(const JobCreated& e) const { return e.job.element_instance; }
  Key operator()(const TimerScheduled& e) const { return e.timer.element_instance; }
  Key operator()(const SubscriptionOpened& e) const { return e.subscription.element_instance; }
  Key operator()(const CompensableRecorded& e) const { return e.scope; }
  Key operator()(const CompensationQueued& e) const { return e.thrower; }
  Key operator()(const CompensationHandlerStarted& e) const { return e.handler_instance; }
  Key operator()(const TransactionCancelling& e) const { return e.thrower; }
  Key operator()(const CallRequested& e) const { return e.call.element_instance; }
  Key operator()(const CallClosed& e) const { return e.element_instance; }
  Key operator()(const UserTaskCreated& e) const { return e.element_instance; }
  Key operator()(const IncidentRaised& e) const { return e.incident.element_instance; }
  Key operator()(const VariablesRemoved& e) const { return e.scope; }
  template <typename E>
  Key operator()(const E&) const {
    return 0;
  }
};

}  // namespace

Key subject_of(const Event& event) { return std::visit(Subject{}, event); }

void check_lifecycle(const Event& event, const InstanceState& state) {
  const Transition t = kLifecycle[event.index()];
  if (t.needs == Needs::Nothing) return;
  const Key key = subject_of(event);
  const bool live = state.elements.count(key) > 0;
  bool ok = true;
  switch (t.needs) {
    case Needs::Absent:
      ok = !live;
      break;
    case Needs::Live:
      ok = live;
      break;
    case Needs::LiveOrProcess:
      ok = key == 0 || live;
      break;
    case Needs::Nothing:
      break;
  }
  if (!ok) {
    const std::string why =
        "event #" + std::to_string(event.index()) + " for element instance " + std::to_string(key) +
        (t.needs == Needs::Absent ? ", which already exists" : ", which is not active");
    ELVA_ASSERT(ok, why.c_str());
  }
}

}  // namespace elva::runtime
