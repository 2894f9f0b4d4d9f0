// Exclusive gateways: the first outgoing flow whose condition holds (in document order), else
// the default flow, else an incident.
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class ExclusiveGatewayBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    for (auto f : e.outgoing) {
      if (f == e.default_flow) continue;
      const auto& flow = ctx.process().flows[f];
      if (flow.condition.empty()) return ctx.complete_via(instance, {f});
      auto v = ctx.evaluate(flow.condition, instance);
      if (!v)
        return ctx.raise_incident(instance, "condition of '" + flow.id + "': " + v.error().message);
      if (const bool* b = v->get<bool>(); b && *b) return ctx.complete_via(instance, {f});
    }
    if (e.default_flow != model::kNoFlow) return ctx.complete_via(instance, {e.default_flow});
    ctx.raise_incident(instance, "no outgoing flow's condition holds and there is no default flow");
  }
};

}  // namespace

const ElementBehavior& exclusive_gateway_behavior() {
  static const ExclusiveGatewayBehavior b;
  return b;
}

}  // namespace elva::runtime
