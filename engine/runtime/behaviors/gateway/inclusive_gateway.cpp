// Inclusive gateways. Joining happened before activation (StepContext::fire_inclusive_joins:
// once no token can still arrive); splitting takes every flow whose condition holds, else the
// default (StepContext::conditional_flows, as for any element leaving).
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class InclusiveGatewayBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element&, Key instance, StepContext& ctx) const override {
    ctx.complete(instance);
  }
};

}  // namespace

const ElementBehavior& inclusive_gateway_behavior() {
  static const InclusiveGatewayBehavior b;
  return b;
}

}  // namespace elva::runtime
