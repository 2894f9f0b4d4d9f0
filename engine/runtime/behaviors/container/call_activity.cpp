// Call activities: ask the router for a child instance of the called process (CallRequested,
// with the in mappings); the router answers with CompleteCall (the out mappings), or ThrowError
// when a BPMN error escapes the child.
#include "expr/feel.hpp"
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class CallActivityBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* call = e.as<model::CallActivitySpec>();
    std::string process_id = call->called_element;
    if (expr::looks_like_expression(process_id)) {
      auto v = ctx.evaluate(process_id, instance);
      if (!v || !v->get<std::string>())
        return ctx.raise_incident(instance,
                                  "calledElement '" + process_id + "' does not give a process id");
      process_id = *v->get<std::string>();
    }
    const nlohmann::json visible = ctx.visible_variables(instance);
    nlohmann::json vars =
        call->propagate_all_in || call->in.empty() ? visible : nlohmann::json::object();
    for (const auto& m : call->in) {
      if (!expr::looks_like_expression(m.source)) {  // a variable name (camunda:in source=)
        vars[m.target] = visible.contains(m.source) ? visible[m.source] : nlohmann::json();
        continue;
      }
      auto v = ctx.evaluate(m.source, instance);
      if (!v)
        return ctx.raise_incident(instance, "in mapping '" + m.target + "': " + v.error().message);
      vars[m.target] = v->to_json();
    }
    // Zeebe-style input mappings (already the call activity's locals) go to the child as well.
    const auto& local = ctx.state().elements.at(instance).local;
    for (const auto& m : e.inputs) vars[m.target] = local.value(m.target, nlohmann::json());
    ctx.emit(CallRequested{Call{instance, process_id, vars}});
  }

  // An interrupted call activity closes its call; the router then cancels the child.
  void on_terminate(const model::Element&, Key instance, StepContext& ctx) const override {
    if (ctx.state().calls.count(instance)) ctx.emit(CallClosed{instance});
  }
};

}  // namespace

const ElementBehavior& call_activity_behavior() {
  static const CallActivityBehavior b;
  return b;
}

}  // namespace elva::runtime
