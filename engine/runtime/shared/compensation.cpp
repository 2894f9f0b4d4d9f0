// Compensation (context.hpp): handlers of completed activities run most recent first, one after
// another; a cancel end event compensates its transaction, then the cancel boundary continues.
#include <algorithm>

#include "runtime/context.hpp"

namespace elva::runtime {

bool StepContext::throw_compensation(Key thrower, const std::string& activity_ref) {
  const Key scope = state_.elements.at(thrower).parent;
  std::vector<model::ElementIndex> activities, handlers;
  for (auto it = state_.compensable.rbegin(); it != state_.compensable.rend(); ++it) {
    if (it->first != scope) continue;
    const auto& a = process().elements[it->second];
    if (!activity_ref.empty() && a.id != activity_ref) continue;
    activities.push_back(a.index);
    handlers.push_back(a.compensation_handler);
  }
  if (handlers.empty()) return false;
  emit(CompensationQueued{thrower, scope, activities, handlers});
  next_compensation(thrower);
  return true;
}

void StepContext::next_compensation(Key thrower) {
  auto it = state_.compensating.find(thrower);
  if (it == state_.compensating.end() || it->second.empty()) {
    if (!state_.elements.count(thrower)) return;
    if (std::find(state_.cancelling.begin(), state_.cancelling.end(), thrower) !=
        state_.cancelling.end()) {
      const Key transaction = state_.elements.at(thrower).parent;
      for (auto b : element_of(transaction).boundary_events) {
        for (const auto& d : process().elements[b].event()->definitions) {
          if (d.kind == model::EventKind::Cancel) return trigger_boundary(transaction, b);
        }
      }
      return raise_incident(thrower,
                            "the transaction has no cancel boundary event to continue from");
    }
    complete(thrower);  // all handlers ran: the thrower goes on
    return;
  }
  const auto handler = it->second.front();
  const Key scope = state_.elements.at(thrower).parent;
  const Key key = activate(handler, scope);
  emit(CompensationHandlerStarted{thrower, key});
}

void StepContext::cancel_transaction(Key thrower) {
  emit(TransactionCancelling{thrower});
  if (!throw_compensation(thrower, "")) next_compensation(thrower);
}

}  // namespace elva::runtime
