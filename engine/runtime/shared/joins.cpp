// Joins (context.hpp). Parallel joins count tokens per incoming flow (StepContext::take_flow);
// an inclusive join fires once no token in its scope can still reach it: live element
// instances and tokens waiting at other joins are the tokens; reachability follows the flow
// graph.
#include "model/flow_graph.hpp"
#include "runtime/context.hpp"

namespace elva::runtime {

bool StepContext::has_joins(Key scope) const {
  for (const auto& [where, tokens] : state_.joins)
    if (where.first == scope) return true;
  return false;
}

bool StepContext::fire_inclusive_joins() {
  for (const auto& [where, arrived] : state_.joins) {
    const auto [scope, gateway] = where;
    if (process().elements[gateway].type != model::ElementType::InclusiveGateway || arrived.empty())
      continue;
    std::vector<model::ElementIndex> tokens;
    for (const auto& [key, el] : state_.elements)
      if (el.parent == scope) tokens.push_back(el.element);
    for (const auto& [other, waiting] : state_.joins) {
      if (other.first == scope && other.second != gateway && !waiting.empty())
        tokens.push_back(other.second);
    }
    bool can_still_arrive = false;
    for (auto from : tokens) {
      if (from == gateway) continue;
      if (process().graph().reachable_from({from})[gateway]) {
        can_still_arrive = true;
        break;
      }
    }
    if (can_still_arrive) continue;
    emit(JoinReset{scope, gateway});
    activate(gateway, scope);
    return true;  // the joins map changed: start over
  }
  return false;
}

}  // namespace elva::runtime
