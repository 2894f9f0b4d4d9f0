// End events: none, error (thrown to the nearest catch), cancel (compensates the transaction),
// escalation, signal, message, compensation and terminate (ends only its own scope).
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

using model::EventKind;

class EndEventBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* ev = e.event();
    const auto* d = ev && !ev->definitions.empty() ? &ev->definitions.front() : nullptr;
    if (d && d->kind == EventKind::Error) return ctx.throw_error(instance, d->resolved);
    if (d && d->kind == EventKind::Cancel) return ctx.cancel_transaction(instance);
    if (d && d->kind == EventKind::Escalation && ctx.throw_escalation(instance, d->resolved))
      return;
    if (d && d->kind == EventKind::Signal) ctx.broadcast_signal(instance, d->resolved);
    if (d && d->kind == EventKind::Message) {
      if (auto r = ctx.publish_message(instance, d->resolved, d->correlation_key); !r)
        return ctx.raise_incident(instance, r.error().message);
    }
    if (d && d->kind == EventKind::Compensation &&
        ctx.throw_compensation(instance, d->activity_ref))
      return;
    if (d && d->kind == EventKind::Terminate) {
      // Ends everything else in this scope (only this scope: a sub-process, or the process).
      ctx.terminate_scope_except(ctx.state().elements.at(instance).parent, instance);
    }
    ctx.complete(instance);
  }
};

}  // namespace

const ElementBehavior& end_event_behavior() {
  static const EndEventBehavior b;
  return b;
}

}  // namespace elva::runtime
