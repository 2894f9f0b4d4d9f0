// Container behaviours: an embedded sub-process starts its none start event and completes
// when its last token ends (StepContext::check_scope_done).
#include "runtime/behaviors/behaviors.hpp"

namespace elva::runtime {

class SubProcessBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    for (auto child : e.as<model::SubProcessSpec>()->children) {
      const auto& c = ctx.process().elements[child];
      if (c.type == model::ElementType::StartEvent && c.event()->definitions.empty()) {
        ctx.activate(child, instance);
        return;
      }
    }
    ctx.raise_incident(instance, "the sub-process has no none start event");
  }
};

const ElementBehavior& sub_process_behavior() { static SubProcessBehavior b; return b; }

}  // namespace elva::runtime
