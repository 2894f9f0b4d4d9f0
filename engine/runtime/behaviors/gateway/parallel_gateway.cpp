// Parallel gateways: fork on every outgoing flow. Joining happens before activation: the
// gateway is activated once a token arrived on every incoming flow (StepContext::take_flow).
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class ParallelGatewayBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    ctx.complete_via(instance, e.outgoing);
  }
};

}  // namespace

const ElementBehavior& parallel_gateway_behavior() {
  static const ParallelGatewayBehavior b;
  return b;
}

}  // namespace elva::runtime
