// Receive tasks: wait for their message (a subscription with the correlation key evaluated
// now); without a messageRef they are plain wait states, completed by CompleteWait.
#include "runtime/behaviors/all.hpp"
#include "runtime/shared/timers.hpp"

namespace elva::runtime {
namespace {

class ReceiveTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* task = e.as<model::MessageTaskSpec>();
    // No messageRef: a plain wait state, as Camunda 7's `trigger` (validation warns).
    if (!task || task->message_ref.empty()) return;
    model::EventDefinition d;
    d.kind = model::EventKind::Message;
    d.resolved = task->message_name;
    d.correlation_key = task->correlation_key;
    auto sub = subscription_for(d, instance, ctx);
    if (!sub) return ctx.raise_incident(instance, sub.error().message);
    sub->key = ctx.env().next_key();
    sub->element_instance = instance;
    sub->event = e.index;
    ctx.emit(SubscriptionOpened{*sub});
  }
};

}  // namespace

const ElementBehavior& receive_task_behavior() {
  static const ReceiveTaskBehavior b;
  return b;
}

}  // namespace elva::runtime
