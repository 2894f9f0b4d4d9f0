// Event behaviours: start, end, intermediate catch and throw, boundary.
#include "runtime/behaviors/behaviors.hpp"
#include "runtime/timers.hpp"

namespace elva::runtime {
namespace {

using model::EventKind;

const model::EventDefinition* first_def(const model::Element& e) {
  const auto* ev = e.event();
  return ev && !ev->definitions.empty() ? &ev->definitions.front() : nullptr;
}

}  // namespace

// Start and boundary events have already been triggered when they activate: they pass on.
class PassThroughEvent : public ElementBehavior {
 public:
  void on_activate(const model::Element&, Key instance, StepContext& ctx) const override {
    ctx.complete(instance);
  }
};

class EndEventBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* d = first_def(e);
    if (d && d->kind == EventKind::Error) return ctx.throw_error(instance, d->resolved);
    if (d && d->kind == EventKind::Cancel) return ctx.cancel_transaction(instance);
    if (d && d->kind == EventKind::Escalation && ctx.throw_escalation(instance, d->resolved)) return;
    if (d && d->kind == EventKind::Signal) ctx.broadcast_signal(instance, d->resolved);
    if (d && d->kind == EventKind::Message) {
      if (auto r = ctx.publish_message(instance, d->resolved, d->correlation_key); !r) return ctx.raise_incident(instance, r.error().message);
    }
    if (d && d->kind == EventKind::Compensation && ctx.throw_compensation(instance, d->activity_ref)) return;
    if (d && d->kind == EventKind::Terminate) {
      // Ends everything else in this scope (only this scope: a sub-process, or the process).
      ctx.terminate_scope_except(ctx.state().elements.at(instance).parent, instance);
    }
    ctx.complete(instance);
  }
};

class IntermediateCatchBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* d = first_def(e);
    if (!d || d->kind == EventKind::Link) return ctx.complete(instance);
    if (d->kind == EventKind::Timer) {
      auto due = first_due(*d, instance, ctx);
      if (!due) return ctx.raise_incident(instance, due.error().message);
      ctx.emit(TimerScheduled{Timer{ctx.env().next_key(), instance, e.index, *due, 0}});
    } else if (d->kind == EventKind::Message || d->kind == EventKind::Signal ||
               d->kind == EventKind::Conditional) {
      ctx.arm_trigger(instance, e.index, *d);
    } else {
      ctx.raise_incident(instance, std::string(model::bpmn_name(d->kind)) +
                                       " catch events are not supported by this version of Elva yet");
    }
  }
};

class IntermediateThrowBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* d = first_def(e);
    if (d && d->kind == EventKind::Link) {
      // Jump to the catch event of the same name in this scope.
      const Key scope = ctx.state().elements.at(instance).parent;
      for (const auto& c : ctx.process().elements) {
        const auto* cd = first_def(c);
        if (c.type == model::ElementType::IntermediateCatchEvent && c.scope == e.scope && cd &&
            cd->kind == EventKind::Link && cd->link_name == d->link_name) {
          ctx.complete_via(instance, {});
          ctx.activate(c.index, scope);
          return;
        }
      }
      return ctx.raise_incident(instance, "no link catch event named '" + d->link_name + "'");
    }
    if (d && d->kind == EventKind::Escalation && ctx.throw_escalation(instance, d->resolved)) return;
    if (d && d->kind == EventKind::Signal) ctx.broadcast_signal(instance, d->resolved);
    if (d && d->kind == EventKind::Message) {
      if (auto r = ctx.publish_message(instance, d->resolved, d->correlation_key); !r) return ctx.raise_incident(instance, r.error().message);
    }
    if (d && d->kind == EventKind::Compensation && ctx.throw_compensation(instance, d->activity_ref)) return;
    ctx.complete(instance);
  }
};

const ElementBehavior& start_event_behavior() { static PassThroughEvent b; return b; }
const ElementBehavior& boundary_event_behavior() { static PassThroughEvent b; return b; }
const ElementBehavior& end_event_behavior() { static EndEventBehavior b; return b; }
const ElementBehavior& intermediate_catch_behavior() { static IntermediateCatchBehavior b; return b; }
const ElementBehavior& intermediate_throw_behavior() { static IntermediateThrowBehavior b; return b; }

}  // namespace elva::runtime
