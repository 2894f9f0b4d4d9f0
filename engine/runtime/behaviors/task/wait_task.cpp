// Abstract and manual tasks: wait states with nothing to do in the engine; completed by
// CompleteWait (a person, an administrator, a test).
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class WaitTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element&, Key, StepContext&) const override {}
};

}  // namespace

const ElementBehavior& wait_task_behavior() {
  static const WaitTaskBehavior b;
  return b;
}

}  // namespace elva::runtime
