// Business rule tasks (without a job type): a DMN decision, evaluated over the visible
// variables through Env::decisions(); its (mapped) result goes to the result variable, through
// the task's output mappings. A failing decision is the task's incident (it names the decision).
#include "expr/feel.hpp"
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class BusinessRuleTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* d = e.as<model::DecisionSpec>();
    if (!d || d->decision_ref.empty()) return raise_nothing_to_do(instance, ctx);
    const auto* service = ctx.env().decisions();
    if (!service) {
      return ctx.raise_incident(instance, "no DMN decisions are deployed here, so decision '" +
                                              d->decision_ref + "' cannot be evaluated");
    }
    std::string ref = d->decision_ref;
    if (expr::looks_like_expression(ref)) {
      auto v = ctx.evaluate(ref, instance);
      if (!v || !v->get<std::string>())
        return ctx.raise_incident(instance,
                                  "decisionRef '" + ref + "' does not give a decision id");
      ref = *v->get<std::string>();
    }
    auto result = service->evaluate(ref, ctx.visible_variables(instance), d->map_result,
                                    ctx.env().now_millis());
    if (!result) return ctx.raise_incident(instance, result.error().message);
    nlohmann::json vars = nlohmann::json::object();
    if (!d->result_variable.empty()) vars[d->result_variable] = *result;
    ctx.finish(instance, vars);
  }
};

}  // namespace

const ElementBehavior& business_rule_task_behavior() {
  static const BusinessRuleTaskBehavior b;
  return b;
}

}  // namespace elva::runtime
