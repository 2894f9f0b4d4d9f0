// Batch (batch.hpp): the netting of rows added and removed in one unit.
#include "store/batch.hpp"

#include <algorithm>

namespace elva::store {

void Batch::put_instance(Instance row) {
  for (auto& i : instances_) {
    if (i.snapshot.id == row.snapshot.id) {
      row.is_new = row.is_new || i.is_new;
      if (!i.is_new) row.expected_version = i.expected_version;
      i = std::move(row);
      return;
    }
  }
  instances_.push_back(std::move(row));
}

void Batch::end_task(Key key, bool completed, const std::string& by) {
  if (tasks_added_.erase(key) == 0) tasks_ended_.push_back({key, completed, completed ? by : ""});
}

void Batch::insert_history(std::size_t position, HistoryRow row) {
  position = std::min(position, history_.size());
  history_.insert(history_.begin() + static_cast<std::ptrdiff_t>(position), std::move(row));
}

bool Batch::empty() const {
  return instances_.empty() && jobs_added_.empty() && jobs_removed_.empty() &&
         timers_added_.empty() && timers_removed_.empty() && subscriptions_added_.empty() &&
         subscriptions_removed_.empty() && incidents_added_.empty() &&
         incidents_resolved_.empty() && history_.empty() && tasks_added_.empty() &&
         tasks_ended_.empty() && buffered_.empty() && start_timers_.empty();
}

}  // namespace elva::store
