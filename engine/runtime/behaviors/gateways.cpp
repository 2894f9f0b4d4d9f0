// Gateway behaviours: exclusive (first true condition, else default, else incident),
// parallel (fork all; the join is counted in StepContext::take_flow), inclusive (fork on every
// true condition; joins in StepContext::fire_inclusive_joins), event-based.
#include "runtime/behaviors/behaviors.hpp"

namespace elva::runtime {

class ExclusiveGatewayBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    for (auto f : e.outgoing) {
      if (f == e.default_flow) continue;
      const auto& flow = ctx.process().flows[f];
      if (flow.condition.empty()) return ctx.complete_via(instance, {f});
      auto v = ctx.evaluate(flow.condition, instance);
      if (!v) return ctx.raise_incident(instance, "condition of '" + flow.id + "': " + v.error().message);
      if (const bool* b = v->get<bool>(); b && *b) return ctx.complete_via(instance, {f});
    }
    if (e.default_flow != model::kNoFlow) return ctx.complete_via(instance, {e.default_flow});
    ctx.raise_incident(instance, "no outgoing flow's condition holds and there is no default flow");
  }
};

class ParallelGatewayBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    ctx.complete_via(instance, e.outgoing);
  }
};

class InclusiveGatewayBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element&, Key instance, StepContext& ctx) const override {
    // Joining happened before activation (StepContext::fire_inclusive_joins); splitting takes
    // every flow whose condition holds, else the default (conditional_flows).
    ctx.complete(instance);
  }
};

// Waits for whichever event after it happens first; StepContext::trigger_event_gateway leaves
// towards that event and closes the others.
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

class UnsupportedBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    ctx.raise_incident(instance, std::string(model::bpmn_name(e.type)) +
                                     " is not supported by this version of Elva yet");
  }
};

const ElementBehavior& exclusive_gateway_behavior() { static ExclusiveGatewayBehavior b; return b; }
const ElementBehavior& parallel_gateway_behavior() { static ParallelGatewayBehavior b; return b; }
const ElementBehavior& inclusive_gateway_behavior() { static InclusiveGatewayBehavior b; return b; }
const ElementBehavior& event_based_gateway_behavior() { static EventBasedGatewayBehavior b; return b; }
const ElementBehavior& unsupported_behavior() { static UnsupportedBehavior b; return b; }

}  // namespace elva::runtime
