// Loop and multi-instance bodies. Body locals: nrOfInstances, nrOfCompletedInstances,
// nrOfActiveInstances (Camunda's names, usable in completion conditions), and the internal
// "elva:items", "elva:next", "elva:outputs". Inner locals: the input element and loopCounter.
#include "runtime/loops.hpp"

namespace elva::runtime {
namespace {

constexpr const char* kItems = "elva:items";
constexpr const char* kNext = "elva:next";
constexpr const char* kOutputs = "elva:outputs";

bool is_true(const Result<expr::Value>& v) {
  if (!v) return false;
  const bool* b = v->get<bool>();
  return b && *b;
}

void start_iteration(StepContext& ctx, Key body, std::size_t index) {
  const auto& local = ctx.state().elements.at(body).local;
  const auto& e = ctx.element_of(body);
  const Key parent = body;
  const Key inner = ctx.activate(e.index, parent, Role::Inner);
  nlohmann::json vars = {{"loopCounter", index + 1}};
  if (e.loop.kind == model::LoopKind::MultiInstance && !e.loop.input_element.empty()) {
    vars[e.loop.input_element] = local[kItems][index];
  }
  ctx.emit(LocalVariablesSet{inner, vars});
  ctx.emit(LocalVariablesSet{body, {{kNext, index + 1}, {"nrOfActiveInstances", local.value("nrOfActiveInstances", 0) + 1}}});
}

void complete_body(StepContext& ctx, Key body) {
  const auto& e = ctx.element_of(body);
  if (!e.loop.output_collection.empty()) {
    // Into the enclosing scope: an iteration of an outer multi-instance keeps it local.
    ctx.set_variables(ctx.state().elements.at(body).parent,
                      {{e.loop.output_collection, ctx.state().elements.at(body).local[kOutputs]}});
  }
  ctx.complete(body);
}

}  // namespace

void start_loop(StepContext& ctx, Key body) {
  const auto& e = ctx.element_of(body);
  const auto& loop = e.loop;
  nlohmann::json items = nlohmann::json::array();
  if (loop.kind == model::LoopKind::MultiInstance) {
    if (!loop.input_collection.empty()) {
      auto v = ctx.evaluate(loop.input_collection, body);
      if (!v) return ctx.raise_incident(body, "input collection: " + v.error().message);
      items = v->to_json();
      if (!items.is_array()) {
        return ctx.raise_incident(body, "input collection '" + loop.input_collection + "' is " + items.dump() + ", not a list");
      }
    } else {
      auto v = ctx.evaluate(loop.cardinality, body);
      if (!v) return ctx.raise_incident(body, "loop cardinality: " + v.error().message);
      auto n = v->to_json();
      if (!n.is_number_integer() || n.get<long>() < 0) {
        return ctx.raise_incident(body, "loop cardinality '" + loop.cardinality + "' is " + n.dump() + ", not a whole number");
      }
      for (long i = 0; i < n.get<long>(); ++i) items.push_back(i + 1);
    }
  } else if (loop.test_before && !loop.loop_condition.empty() && !is_true(ctx.evaluate(loop.loop_condition, body))) {
    return ctx.complete(body);  // while-loop whose condition is false at the start
  }
  const std::size_t count = loop.kind == model::LoopKind::MultiInstance ? items.size() : 0;
  nlohmann::json body_locals = {{kItems, items}, {kNext, 0}, {"nrOfInstances", count}, {"nrOfCompletedInstances", 0}, {"nrOfActiveInstances", 0}};
  if (!loop.output_collection.empty()) body_locals[kOutputs] = nlohmann::json(count, nullptr);
  ctx.emit(LocalVariablesSet{body, std::move(body_locals)});
  if (loop.kind == model::LoopKind::MultiInstance && items.empty()) return complete_body(ctx, body);
  if (loop.kind == model::LoopKind::MultiInstance && !loop.sequential) {
    for (std::size_t i = 0; i < items.size(); ++i) start_iteration(ctx, body, i);
  } else {
    start_iteration(ctx, body, 0);
  }
}

void finish_iteration(StepContext& ctx, Key inner) {
  const Key body = ctx.state().elements.at(inner).parent;
  const auto& e = ctx.element_of(inner);
  const auto& loop = e.loop;
  const auto index = static_cast<std::size_t>(ctx.state().elements.at(inner).local.value("loopCounter", 1) - 1);
  const auto& local = ctx.state().elements.at(body).local;
  nlohmann::json counts = {{"nrOfCompletedInstances", local.value("nrOfCompletedInstances", 0) + 1},
                           {"nrOfActiveInstances", local.value("nrOfActiveInstances", 1) - 1}};
  if (!loop.output_collection.empty()) {  // only then is there an outputs list to keep
    nlohmann::json outputs = local[kOutputs];
    if (!loop.output_element.empty()) {
      auto v = ctx.evaluate(loop.output_element, inner);
      if (v && index < outputs.size()) outputs[index] = v->to_json();
    }
    counts[kOutputs] = std::move(outputs);
  }
  ctx.emit(LocalVariablesSet{body, std::move(counts)});
  const bool condition_met = !loop.completion_condition.empty() && is_true(ctx.evaluate(loop.completion_condition, inner));
  ctx.emit(ElementCompleted{inner, e.index});

  const auto& now = ctx.state().elements.at(body).local;
  const std::size_t next = now.value(kNext, 0u);
  if (loop.kind == model::LoopKind::Standard) {
    const bool under_max = loop.loop_maximum.empty() || next < std::stoul(loop.loop_maximum);
    if (under_max && !loop.loop_condition.empty() && is_true(ctx.evaluate(loop.loop_condition, body))) {
      return start_iteration(ctx, body, next);
    }
    return complete_body(ctx, body);
  }
  if (condition_met) {  // enough: the rest is cancelled
    std::vector<Key> running;
    for (const auto& [key, el] : ctx.state().elements) if (el.parent == body) running.push_back(key);
    for (Key k : running) ctx.terminate(k);
    return complete_body(ctx, body);
  }
  if (loop.sequential && next < now[kItems].size()) return start_iteration(ctx, body, next);
  for (const auto& [key, el] : ctx.state().elements) {
    if (el.parent == body) return;  // parallel iterations still running
  }
  complete_body(ctx, body);
}

}  // namespace elva::runtime
