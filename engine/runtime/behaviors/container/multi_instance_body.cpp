// Multi-instance (parallel, sequential) and standard loops: the activity runs as a body whose
// iterations are inner instances of the same element (Role::Inner). The body's bookkeeping is
// fields (LoopState: items, next, counters, outputs), shown to expressions as Camunda's
// nrOfInstances, nrOfCompletedInstances, nrOfActiveInstances; each iteration gets loopCounter
// and its input element as local variables.
#include <charconv>

#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

bool is_true(const Result<expr::Value>& v) {
  if (!v) return false;
  const bool* b = v->get<bool>();
  return b && *b;
}

// loopMaximum as written ("" or not a number: no maximum).
std::size_t maximum_of(const std::string& text) {
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() ? n : SIZE_MAX;
}

void start_iteration(StepContext& ctx, Key body, std::size_t index) {
  const auto& e = ctx.element_of(body);
  const Key inner = ctx.activate(e.index, body, Role::Inner);
  nlohmann::json vars = {{"loopCounter", index + 1}};
  if (e.loop.kind == model::LoopKind::MultiInstance && !e.loop.input_element.empty()) {
    vars[e.loop.input_element] = ctx.state().elements.at(body).loop->items[index];
  }
  ctx.emit(LocalVariablesSet{inner, vars});
  ctx.emit(IterationStarted{body, inner, index});
}

void complete_body(StepContext& ctx, Key body) {
  const auto& e = ctx.element_of(body);
  const auto& el = ctx.state().elements.at(body);
  if (!e.loop.output_collection.empty() && el.loop) {
    // Into the enclosing scope: an iteration of an outer multi-instance keeps it local.
    ctx.set_variables(el.parent, {{e.loop.output_collection, el.loop->outputs}});
  }
  ctx.complete(body);
}

class MultiInstanceBodyBehavior : public ElementBehavior {
 public:
  // Works out the iterations and starts the first (or all, in parallel).
  void on_activate(const model::Element& e, Key body, StepContext& ctx) const override {
    const auto& loop = e.loop;
    nlohmann::json items = nlohmann::json::array();
    if (loop.kind == model::LoopKind::MultiInstance) {
      if (!loop.input_collection.empty()) {
        auto v = ctx.evaluate(loop.input_collection, body);
        if (!v) return ctx.raise_incident(body, "input collection: " + v.error().message);
        items = v->to_json();
        if (!items.is_array()) {
          return ctx.raise_incident(body, "input collection '" + loop.input_collection + "' is " +
                                              items.dump() + ", not a list");
        }
      } else {
        auto v = ctx.evaluate(loop.cardinality, body);
        if (!v) return ctx.raise_incident(body, "loop cardinality: " + v.error().message);
        auto n = v->to_json();
        if (!n.is_number_integer() || n.get<long>() < 0) {
          return ctx.raise_incident(body, "loop cardinality '" + loop.cardinality + "' is " +
                                              n.dump() + ", not a whole number");
        }
        for (long i = 0; i < n.get<long>(); ++i) items.push_back(i + 1);
      }
    } else if (loop.test_before && !loop.loop_condition.empty() &&
               !is_true(ctx.evaluate(loop.loop_condition, body))) {
      return ctx.complete(body);  // a while-loop whose condition is false at the start
    }
    const std::size_t count = items.size();
    if (count > ctx.env().limits().max_loop_items) {
      return ctx.raise_incident(
          body, "the multi-instance has " + std::to_string(count) + " items, more than the " +
                    std::to_string(ctx.env().limits().max_loop_items) +
                    " one body may have; split the work, or raise the limit (--max-loop-items)");
    }
    ctx.emit(LoopStarted{body, std::move(items), !loop.output_collection.empty()});
    if (loop.kind == model::LoopKind::MultiInstance && count == 0) return complete_body(ctx, body);
    if (loop.kind == model::LoopKind::MultiInstance && !loop.sequential) {
      for (std::size_t i = 0; i < count; ++i) start_iteration(ctx, body, i);
    } else {
      start_iteration(ctx, body, 0);
    }
  }

  // An iteration finished its work: its output is collected, then the next iteration starts,
  // the rest is cancelled when the completion condition holds, or the body completes when the
  // last one is done.
  void on_child_completed(const model::Element& e, Key body, Key inner,
                          StepContext& ctx) const override {
    const auto& loop = e.loop;
    const auto index =
        static_cast<std::size_t>(ctx.state().elements.at(inner).local.value("loopCounter", 1) - 1);
    nlohmann::json output;
    if (!loop.output_collection.empty() && !loop.output_element.empty()) {
      if (auto v = ctx.evaluate(loop.output_element, inner)) output = v->to_json();
    }
    ctx.emit(IterationCompleted{body, inner, index, std::move(output)});
    const bool condition_met = !loop.completion_condition.empty() &&
                               is_true(ctx.evaluate(loop.completion_condition, inner));
    ctx.emit(ElementCompleted{inner, e.index});

    const auto& state = *ctx.state().elements.at(body).loop;
    const std::size_t next = state.next;
    if (loop.kind == model::LoopKind::Standard) {
      if (next < maximum_of(loop.loop_maximum) && !loop.loop_condition.empty() &&
          is_true(ctx.evaluate(loop.loop_condition, body))) {
        return start_iteration(ctx, body, next);
      }
      return complete_body(ctx, body);
    }
    if (condition_met) {  // enough: the rest is cancelled
      std::vector<Key> running;
      for (const auto& [key, el] : ctx.state().elements)
        if (el.parent == body) running.push_back(key);
      ctx.terminate_all(running);
      return complete_body(ctx, body);
    }
    if (loop.sequential && next < state.items.size()) return start_iteration(ctx, body, next);
    if (state.active > 0) return;  // parallel iterations still running
    complete_body(ctx, body);
  }
};

}  // namespace

const ElementBehavior& multi_instance_body_behavior() {
  static const MultiInstanceBodyBehavior b;
  return b;
}

}  // namespace elva::runtime
