// Script tasks in FEEL (without a job type): the script's value goes to its result variable,
// then the task completes. Scripts in other languages need a worker (a job type).
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class ScriptTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* s = e.as<model::ScriptSpec>();
    if (!s) return raise_nothing_to_do(instance, ctx);
    auto v = ctx.evaluate(s->body, instance);
    if (!v) return ctx.raise_incident(instance, "script: " + v.error().message);
    if (!s->result_variable.empty())
      ctx.set_variables(instance, {{s->result_variable, v->to_json()}});
    ctx.complete(instance);
  }
};

}  // namespace

const ElementBehavior& script_task_behavior() {
  static const ScriptTaskBehavior b;
  return b;
}

}  // namespace elva::runtime
