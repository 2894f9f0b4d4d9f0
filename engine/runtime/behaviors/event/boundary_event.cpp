// Boundary events. Armed with their host (StepContext::arm_boundaries); when one fires, the host
// is terminated if it interrupts (StepContext::trigger_boundary) and the boundary event is
// activated already triggered: it passes on.
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class BoundaryEventBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element&, Key instance, StepContext& ctx) const override {
    ctx.complete(instance);
  }
};

}  // namespace

const ElementBehavior& boundary_event_behavior() {
  static const BoundaryEventBehavior b;
  return b;
}

}  // namespace elva::runtime
