// Script tasks without a job type. FEEL is evaluated here; JavaScript runs through
// Env::scripts() (a sandbox outside the runtime, engine/script/javascript.hpp) over the visible
// variables. The variables the script set, then its value in the result variable, are set, and
// the task completes; a failing script is the task's incident. Other languages need a worker
// (a job type), which validation asks for.
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class ScriptTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* s = e.as<model::ScriptSpec>();
    if (!s) return raise_nothing_to_do(instance, ctx);
    if (model::script_language(s->format) != model::ScriptLanguage::Feel)
      return run_elsewhere(e, *s, instance, ctx);
    auto v = ctx.evaluate(s->body, instance);
    if (!v) return ctx.raise_incident(instance, "script: " + v.error().message);
    if (!s->result_variable.empty())
      ctx.set_variables(instance, {{s->result_variable, v->to_json()}});
    ctx.complete(instance);
  }

 private:
  static void run_elsewhere(const model::Element& e, const model::ScriptSpec& s, Key instance,
                            StepContext& ctx) {
    const auto* scripts = ctx.env().scripts();
    if (!scripts || !scripts->runs(s.format)) {
      return ctx.raise_incident(instance, "script: scripts in '" + s.format +
                                              "' cannot run here; give the task a job type "
                                              "for a worker");
    }
    const nlohmann::json execution = {{"processInstanceId", std::to_string(ctx.state().key)},
                                      {"businessKey", ctx.state().business_key},
                                      {"currentActivityId", e.id},
                                      {"currentActivityName", e.name},
                                      {"processDefinitionId", ctx.process().id},
                                      {"now", ctx.env().now_millis()}};
    auto out = scripts->run(s.format, s.body, ctx.visible_variables(instance), execution);
    if (!out) return ctx.raise_incident(instance, "script: " + out.error().message);
    nlohmann::json vars =
        out->set_variables.is_object() ? out->set_variables : nlohmann::json::object();
    if (!s.result_variable.empty()) vars[s.result_variable] = out->value;
    ctx.set_variables(instance, vars);
    ctx.complete(instance);
  }
};

}  // namespace

const ElementBehavior& script_task_behavior() {
  static const ScriptTaskBehavior b;
  return b;
}

}  // namespace elva::runtime
