// Intermediate throw events: link (jumps to the catch of the same name in this scope),
// escalation, signal, message and compensation; a none throw passes on.
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

using model::EventKind;

const model::EventDefinition* first_def(const model::Element& e) {
  const auto* ev = e.event();
  return ev && !ev->definitions.empty() ? &ev->definitions.front() : nullptr;
}

class IntermediateThrowEventBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* d = first_def(e);
    if (d && d->kind == EventKind::Link) return jump(e, *d, instance, ctx);
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
    ctx.complete(instance);
  }

 private:
  static void jump(const model::Element& e, const model::EventDefinition& d, Key instance,
                   StepContext& ctx) {
    const Key scope = ctx.state().elements.at(instance).parent;
    for (const auto& c : ctx.process().elements) {
      const auto* cd = first_def(c);
      if (c.type == model::ElementType::IntermediateCatchEvent && c.scope == e.scope && cd &&
          cd->kind == EventKind::Link && cd->link_name == d.link_name) {
        ctx.complete_via(instance, {});
        ctx.activate(c.index, scope);
        return;
      }
    }
    ctx.raise_incident(instance, "no link catch event named '" + d.link_name + "'");
  }
};

}  // namespace

const ElementBehavior& intermediate_throw_event_behavior() {
  static const IntermediateThrowEventBehavior b;
  return b;
}

}  // namespace elva::runtime
