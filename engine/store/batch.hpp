// Batch: everything one unit of work writes, handed to InstanceTx::write() once.
//
// Semantics every store keeps (the contract tests in tests/unit/store check both stores):
// - Atomic: a batch is applied whole or not at all. PostgreSQL writes it as one statement; the
//   memory store under its lock. If an instance's version moved since it was read
//   (expected_version), or a definition assumed to be the latest is not, nothing is written and
//   write() answers Conflict.
// - Add-then-remove cancels: a row added and removed in the same batch (a job created and
//   completed in one unit) is neither written nor deleted. Removing a row the batch did not add
//   deletes the stored row; removing a row that does not exist is harmless.
// - Keys are never reused, so no batch removes and adds the same key; a user task written again
//   with its key (an incident retry re-creating it) replaces the stored row and opens it again.
// - Order: history rows are appended in the order added; all other rows are sets (no order).
//   Instance rows: one per instance; a later put() of the same instance replaces the earlier.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "store/rows.hpp"

namespace elva::store {

class Batch {
 public:
  struct Instance {
    InstanceSnapshot snapshot;
    std::uint64_t expected_version = 0;  // ignored for new instances
    bool is_new = false;
    std::string process_id, business_key, status;
    Key parent_id = 0, parent_element = 0;
    bool ended = false;
  };
  struct Subscription {
    Key key = 0, instance_id = 0;
    std::string element_id;
    bool signal = false;
    std::string name, correlation_key;
  };
  // An open user task (written again, with the same key, when an incident retry re-creates it).
  struct UserTask {
    Key key = 0, instance_id = 0;
    std::string process_id, process_name, element_id, name, documentation, business_key, assignee;
    std::vector<std::string> candidate_users, candidate_groups;
    std::int64_t due = 0, follow_up = 0;  // ms since the epoch; 0: none
    int priority = 50;
    std::string form_key;
  };
  // A task that ended: completed (by `by`, the actor of the command that completed it), or
  // cancelled (the instance or a boundary event ended it). The row stays as the task's history.
  struct EndedTask {
    Key key = 0;
    bool completed = false;
    std::string by;
  };
  struct Buffered {
    BufferedMessage message;
    std::int64_t expires = 0;  // ms since the epoch
  };
  struct StartTimerUpdate {  // the next firing of a timer start event's cycle
    Key key = 0;
    std::int64_t due = 0;
    int fired = 0;
  };

  void put_instance(Instance row);
  void add_job(JobRow row) { jobs_added_[row.key] = std::move(row); }
  void remove_job(Key key) { net_out(jobs_added_, jobs_removed_, key); }
  void add_timer(TimerRow row) { timers_added_[row.key] = std::move(row); }
  void remove_timer(Key key) { net_out(timers_added_, timers_removed_, key); }
  void add_subscription(Subscription row) { subscriptions_added_[row.key] = std::move(row); }
  void remove_subscription(Key key) { net_out(subscriptions_added_, subscriptions_removed_, key); }
  void add_incident(IncidentRow row) { incidents_added_[row.key] = std::move(row); }
  void resolve_incident(Key key) { net_out(incidents_added_, incidents_resolved_, key); }
  void add_task(UserTask row) { tasks_added_[row.key] = std::move(row); }
  // A task created in this batch and ended in it leaves no row.
  void end_task(Key key, bool completed, const std::string& by);
  void add_history(HistoryRow row) { history_.push_back(std::move(row)); }
  // Inserts at `position` (taken from history_size() earlier).
  void insert_history(std::size_t position, HistoryRow row);
  // The last row added. REQUIRES: history_size() > 0.
  HistoryRow& last_history() { return history_.back(); }
  void buffer_message(BufferedMessage m, std::int64_t expires) {
    buffered_.push_back({std::move(m), expires});
  }
  void update_start_timer(StartTimerUpdate u) { start_timers_.push_back(u); }
  void assume_latest(std::string process_id, int version) {
    assumed_latest_.emplace_back(std::move(process_id), version);
  }

  // Who completed the ended tasks and resolved incidents ("user:anna", "scheduler:host-1").
  std::string actor;
  // When (ms since the epoch; the unit's clock): the time the store stamps this batch's rows with
  // (history, instances started or ended, incidents, tasks ended). 0: the store's own clock.
  std::int64_t at = 0;
  // Wake the schedulers (NOTIFY elva_work) when this commits: a timer falls due before their
  // next poll. (Not for every job: a notification per commit halves the commit rate.)
  bool wake = false;

  const std::vector<Instance>& instances() const { return instances_; }
  const std::map<Key, JobRow>& jobs_added() const { return jobs_added_; }
  const std::vector<Key>& jobs_removed() const { return jobs_removed_; }
  const std::map<Key, TimerRow>& timers_added() const { return timers_added_; }
  const std::vector<Key>& timers_removed() const { return timers_removed_; }
  const std::map<Key, Subscription>& subscriptions_added() const { return subscriptions_added_; }
  const std::vector<Key>& subscriptions_removed() const { return subscriptions_removed_; }
  const std::map<Key, IncidentRow>& incidents_added() const { return incidents_added_; }
  const std::vector<Key>& incidents_resolved() const { return incidents_resolved_; }
  const std::map<Key, UserTask>& tasks_added() const { return tasks_added_; }
  const std::vector<EndedTask>& tasks_ended() const { return tasks_ended_; }
  const std::vector<HistoryRow>& history() const { return history_; }
  const std::vector<Buffered>& buffered() const { return buffered_; }
  const std::vector<StartTimerUpdate>& start_timers() const { return start_timers_; }
  const std::vector<std::pair<std::string, int>>& assumed_latest() const { return assumed_latest_; }
  std::size_t history_size() const { return history_.size(); }
  bool empty() const;

 private:
  template <typename Map>
  static void net_out(Map& added, std::vector<Key>& removed, Key key) {
    if (added.erase(key) == 0) removed.push_back(key);
  }

  std::vector<Instance> instances_;
  std::map<Key, JobRow> jobs_added_;
  std::vector<Key> jobs_removed_;
  std::map<Key, TimerRow> timers_added_;
  std::vector<Key> timers_removed_;
  std::map<Key, Subscription> subscriptions_added_;
  std::vector<Key> subscriptions_removed_;
  std::map<Key, IncidentRow> incidents_added_;
  std::vector<Key> incidents_resolved_;
  std::map<Key, UserTask> tasks_added_;
  std::vector<EndedTask> tasks_ended_;
  std::vector<HistoryRow> history_;
  std::vector<Buffered> buffered_;
  std::vector<StartTimerUpdate> start_timers_;
  std::vector<std::pair<std::string, int>> assumed_latest_;
};

}  // namespace elva::store
