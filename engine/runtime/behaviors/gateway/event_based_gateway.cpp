// Event-based gateways: arm the trigger of every event (or receive task) after them and wait;
// whichever happens first wins (StepContext::trigger_event_gateway leaves towards it and closes
// the others).
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class EventBasedGatewayBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    for (auto f : e.outgoing) {
      const auto& t = ctx.process().elements[ctx.process().flows[f].target];
      if (const auto* ev = t.event(); ev && !ev->definitions.empty()) {
        if (!ctx.arm_trigger(instance, t.index, ev->definitions.front())) return;
      } else if (const auto* task = t.as<model::MessageTaskSpec>()) {
        model::EventDefinition d;
        d.kind = model::EventKind::Message;
        d.resolved = task->message_name;
        d.correlation_key = task->correlation_key;
        if (!ctx.arm_trigger(instance, t.index, d)) return;
      }
    }
  }
};

}  // namespace

const ElementBehavior& event_based_gateway_behavior() {
  static const EventBasedGatewayBehavior b;
  return b;
}

}  // namespace elva::runtime
