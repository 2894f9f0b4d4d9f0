// Start events. A start event that activates has already been triggered (the none start of a
// process or sub-process, or a timer/message/signal start that fired): it passes on.
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class StartEventBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element&, Key instance, StepContext& ctx) const override {
    ctx.complete(instance);
  }
};

}  // namespace

const ElementBehavior& start_event_behavior() {
  static const StartEventBehavior b;
  return b;
}

}  // namespace elva::runtime
