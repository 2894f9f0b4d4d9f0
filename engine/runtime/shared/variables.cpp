// Variables and expressions (context.hpp): scopes, propagation, input and output mappings,
// conditions on flows.
#include <map>

#include "common/templates.hpp"
#include "expr/feel.hpp"
#include "runtime/context.hpp"

namespace elva::runtime {

nlohmann::json StepContext::visible_variables(Key instance) const {
  std::vector<const ElementInstance*> chain;
  for (Key at = instance; at != 0;) {
    auto it = state_.elements.find(at);
    if (it == state_.elements.end()) break;
    chain.push_back(&it->second);
    at = it->second.parent;
  }
  nlohmann::json vars = state_.variables;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const ElementInstance& el = **it;
    if (el.loop) {  // a body's counters, under Camunda's names (for completion conditions)
      vars["nrOfInstances"] = el.loop->instances;
      vars["nrOfCompletedInstances"] = el.loop->completed;
      vars["nrOfActiveInstances"] = el.loop->active;
    }
    for (auto v = el.local.begin(); v != el.local.end(); ++v) vars[v.key()] = v.value();
  }
  return vars;
}

void StepContext::set_variables(Key instance, const nlohmann::json& variables) {
  if (!variables.is_object() || variables.empty()) return;
  // The scopes from `instance` outwards; the innermost multi-instance iteration among them is
  // where new variables go (parallel iterations must not overwrite each other).
  std::vector<Key> chain;
  Key iteration = 0;
  for (Key at = instance; at != 0;) {
    auto it = state_.elements.find(at);
    if (it == state_.elements.end()) break;
    chain.push_back(at);
    if (iteration == 0 && it->second.role == Role::Inner &&
        process().elements[it->second.element].loop.kind == model::LoopKind::MultiInstance) {
      iteration = at;
    }
    at = it->second.parent;
  }
  std::map<Key, nlohmann::json> by_scope;  // 0: the process
  for (auto v = variables.begin(); v != variables.end(); ++v) {
    Key target = state_.variables.contains(v.key()) ? 0 : iteration;
    for (Key at : chain) {
      if (state_.elements.at(at).local.contains(v.key())) {
        target = at;
        break;
      }
    }
    auto& bucket = by_scope[target];
    if (bucket.is_null()) bucket = nlohmann::json::object();
    bucket[v.key()] = v.value();
  }
  for (auto& [scope, vars] : by_scope) {
    if (scope == 0)
      emit(VariablesSet{std::move(vars)});
    else
      emit(LocalVariablesSet{scope, std::move(vars)});
  }
}

Result<void> StepContext::apply_inputs(const model::Element& e, Key instance) {
  for (const auto& m : e.inputs) {
    nlohmann::json value = m.source;
    if (!m.script_format.empty()) {
      auto out = run_script(e, m.script_format, m.source, visible_variables(instance));
      if (!out)
        return fail(Errc::ExpressionError,
                    "input '" + m.target + "': script: " + out.error().message);
      set_variables(instance, out->set_variables);
      value = std::move(out->value);
    } else if (expr::looks_like_expression(m.source)) {
      auto v = evaluate(m.source, instance);
      if (!v) return fail(Errc::ExpressionError, "input '" + m.target + "': " + v.error().message);
      value = v->to_json();
    }
    // One at a time: later inputs see earlier ones, as in Camunda and Zeebe.
    emit(LocalVariablesSet{instance, {{m.target, std::move(value)}}});
  }
  return {};
}

Result<ScriptService::Outcome> StepContext::run_script(const model::Element& e,
                                                       const std::string& format,
                                                       const std::string& source,
                                                       const nlohmann::json& variables) {
  const auto* scripts = env_.scripts();
  if (!scripts || !scripts->runs(format))
    return fail(Errc::InvalidArgument, "scripts in '" + format + "' cannot run here");
  const nlohmann::json execution = {{"processInstanceId", std::to_string(state_.key)},
                                    {"businessKey", state_.business_key},
                                    {"currentActivityId", e.id},
                                    {"currentActivityName", e.name},
                                    {"processDefinitionId", process().id},
                                    {"now", env_.now_millis()}};
  auto out = scripts->run(format, source, variables, execution);
  if (!out) return fail(out.error());
  if (!out->set_variables.is_object()) out->set_variables = nlohmann::json::object();
  return out;
}

Result<nlohmann::json> StepContext::run_listeners(const model::Element& e,
                                                  model::ListenerEvent event, Key instance,
                                                  const nlohmann::json& overlay) {
  nlohmann::json seen = overlay.is_object() ? overlay : nlohmann::json::object();
  nlohmann::json set = nlohmann::json::object();
  for (const auto& l : e.listeners) {
    if (l.event != event) continue;
    nlohmann::json vars = nlohmann::json::object();
    if (l.script_format.empty()) {
      for (const auto& m : l.sets) {
        auto v = evaluate(m.source, instance, &seen);
        if (!v) return fail(Errc::ExpressionError, l.what + " listener: " + v.error().message);
        vars[m.target] = v->to_json();
        seen[m.target] = vars[m.target];  // later calls see it
      }
    } else {
      nlohmann::json visible = visible_variables(instance);
      for (auto it = seen.begin(); it != seen.end(); ++it) visible[it.key()] = it.value();
      auto out = run_script(e, l.script_format, l.script, visible);
      if (!out)
        return fail(Errc::ExpressionError, l.what + " listener: script: " + out.error().message);
      vars = std::move(out->set_variables);
      for (auto it = vars.begin(); it != vars.end(); ++it) seen[it.key()] = it.value();
    }
    set_variables(instance, vars);
    for (auto it = vars.begin(); it != vars.end(); ++it) set[it.key()] = it.value();
  }
  return set;
}

Result<expr::Value> StepContext::evaluate(const std::string& text, Key instance,
                                          const nlohmann::json* overlay) {
  auto compiled = expr::Expression::compile_cached(text);
  if (!compiled) {
    return fail(Errc::ExpressionError,
                "cannot read the expression '" + text + "': " + compiled.error().message);
  }
  nlohmann::json visible = visible_variables(instance);
  if (overlay && overlay->is_object())
    for (auto it = overlay->begin(); it != overlay->end(); ++it) visible[it.key()] = it.value();
  // Converted JUEL (execution.getProcessInstanceId(), getBusinessKey(); expr/juel.hpp) reads
  // these, unless a variable of that name hides them.
  if (text.find("execution") != std::string::npos && !visible.contains("execution")) {
    visible["execution"] = {{"processInstanceId", std::to_string(state_.key)},
                            {"businessKey", state_.business_key}};
  }
  const expr::Value vars = expr::Value::from_json(visible);
  expr::ContextScope scope(vars);
  expr::EvalOptions options;
  const auto now = env_.now_millis();
  options.now_millis = [now] { return now; };
  options.calendar = env_.calendar();
  return (*compiled)->evaluate_checked(
      scope, options);  // a hit limit is the caller's incident, naming the limit
}

std::string StepContext::fill_templates(const std::string& text, Key instance) {
  // A template without a value stays as written.
  return *templates::fill(text, [&](std::string_view expression) {
    auto v = evaluate(std::string(expression), instance);
    if (!v) return std::optional<std::string>("{{" + std::string(expression) + "}}");
    const nlohmann::json j = v->to_json();
    return std::optional<std::string>(j.is_string() ? j.get<std::string>()
                                      : j.is_null() ? std::string()
                                                    : j.dump());
  });
}

Result<std::vector<model::FlowIndex>> StepContext::conditional_flows(const model::Element& e,
                                                                     Key instance) {
  std::vector<model::FlowIndex> out;
  for (auto f : e.outgoing) {
    if (f == e.default_flow) continue;
    const auto& flow = process().flows[f];
    if (flow.condition.empty()) {
      out.push_back(f);
      continue;
    }
    auto v = evaluate(flow.condition, instance);
    if (!v) return fail(v.error());
    if (const bool* b = v->get<bool>(); b && *b) out.push_back(f);
  }
  if (out.empty() && e.default_flow != model::kNoFlow) out.push_back(e.default_flow);
  if (out.empty() && !e.outgoing.empty()) {
    return fail(Errc::ExpressionError,
                "no outgoing flow's condition holds and there is no default flow");
  }
  return out;
}

Result<void> StepContext::apply_outputs(const model::Element& e, Key instance,
                                        const nlohmann::json& variables) {
  if (e.outputs.empty()) {
    set_variables(instance, variables);
    return {};
  }
  nlohmann::json merged = visible_variables(instance);
  for (auto it = variables.begin(); it != variables.end(); ++it) merged[it.key()] = it.value();
  const expr::Value vars = expr::Value::from_json(merged);
  expr::ContextScope scope(vars);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& m : e.outputs) {
    if (!m.script_format.empty()) {  // sees what the other outputs see; its value wins
      auto run = run_script(e, m.script_format, m.source, merged);
      if (!run)
        return fail(Errc::ExpressionError,
                    "output '" + m.target + "': script: " + run.error().message);
      for (auto it = run->set_variables.begin(); it != run->set_variables.end(); ++it)
        if (!out.contains(it.key())) out[it.key()] = it.value();
      out[m.target] = std::move(run->value);
      continue;
    }
    if (!expr::looks_like_expression(m.source)) {
      out[m.target] = m.source;
      continue;
    }
    auto compiled = expr::Expression::compile_cached(m.source);
    if (!compiled)
      return fail(Errc::ExpressionError, "output '" + m.target + "': " + compiled.error().message);
    out[m.target] = (*compiled)->evaluate(scope).to_json();
  }
  // The element's own scope ends with it: outputs go to where they live outside it (an
  // iteration of a multi-instance activity is itself the scope its outputs stay in).
  const auto& self = state_.elements.at(instance);
  set_variables(self.role == Role::Inner ? instance : self.parent, out);
  return {};
}

void StepContext::finish(Key instance, const nlohmann::json& variables) {
  const auto& e = element_of(instance);
  if (!e.listeners.empty() && e.type == model::ElementType::UserTask) {
    // Task listeners on complete see the variables the task is completed with and win over
    // them (Camunda sets the task's variables, then calls the listener), before the outputs.
    auto set = run_listeners(e, model::ListenerEvent::Complete, instance, variables);
    if (!set) return raise_incident(instance, set.error().message);
    nlohmann::json rest = variables.is_object() ? variables : nlohmann::json::object();
    for (auto it = set->begin(); it != set->end(); ++it) rest.erase(it.key());
    if (auto r = apply_outputs(e, instance, rest); !r)
      return raise_incident(instance, r.error().message);
    return complete(instance);
  }
  if (auto r = apply_outputs(e, instance, variables); !r)
    return raise_incident(instance, r.error().message);
  complete(instance);
}

}  // namespace elva::runtime
