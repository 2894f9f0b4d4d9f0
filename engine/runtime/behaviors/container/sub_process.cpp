// Embedded sub-processes and transactions: start their none start event, and complete when
// their last token ends (no child left, none waiting at a join).
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

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

  void on_child_completed(const model::Element&, Key instance, Key,
                          StepContext& ctx) const override {
    if (ctx.scope_is_done(instance)) ctx.complete(instance);
  }
};

}  // namespace

const ElementBehavior& sub_process_behavior() {
  static const SubProcessBehavior b;
  return b;
}

}  // namespace elva::runtime
