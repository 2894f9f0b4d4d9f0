// Intermediate catch events: wait for a timer, message, signal or condition; a link catch
// passes on (the link throw jumped here).
#include "runtime/behaviors/all.hpp"
#include "runtime/shared/timers.hpp"

namespace elva::runtime {
namespace {

using model::EventKind;

class IntermediateCatchEventBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* ev = e.event();
    const auto* d = ev && !ev->definitions.empty() ? &ev->definitions.front() : nullptr;
    if (!d || d->kind == EventKind::Link) return ctx.complete(instance);
    if (d->kind == EventKind::Timer) {
      auto due = first_due(*d, instance, ctx);
      if (!due) return ctx.raise_incident(instance, due.error().message);
      ctx.emit(TimerScheduled{Timer{ctx.env().next_key(), instance, e.index, *due, 0}});
    } else if (d->kind == EventKind::Message && d->ref.empty()) {
      // No messageRef: a plain wait state, completed by CompleteWait (Camunda 7's `trigger`).
    } else if (d->kind == EventKind::Message || d->kind == EventKind::Signal ||
               d->kind == EventKind::Conditional) {
      ctx.arm_trigger(instance, e.index, *d);
    } else {
      ctx.raise_incident(instance,
                         std::string(model::bpmn_name(d->kind)) +
                             " catch events are not supported by this version of Elva yet");
    }
  }
};

}  // namespace

const ElementBehavior& intermediate_catch_event_behavior() {
  static const IntermediateCatchEventBehavior b;
  return b;
}

}  // namespace elva::runtime
