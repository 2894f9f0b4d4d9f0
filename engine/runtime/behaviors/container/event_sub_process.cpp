// Event sub-processes: armed with their enclosing scope (StepContext::arm_event_subprocesses).
// When a start event's trigger fires, the event sub-process is activated (an interrupting one
// after ending the scope's other work, StepContext::trigger_event_subprocess) and starts with
// that start event, already triggered. It completes when its last token ends.
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class EventSubProcessBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element&, Key instance, StepContext& ctx) const override {
    const auto start = ctx.take_trigger(instance);
    if (start == model::kNoElement)
      return ctx.raise_incident(
          instance, "the event sub-process was started without one of its start events");
    ctx.activate_triggered(start, instance);
  }

  void on_child_completed(const model::Element&, Key instance, Key,
                          StepContext& ctx) const override {
    if (ctx.scope_is_done(instance)) ctx.complete(instance);
  }
};

}  // namespace

const ElementBehavior& event_sub_process_behavior() {
  static const EventSubProcessBehavior b;
  return b;
}

}  // namespace elva::runtime
