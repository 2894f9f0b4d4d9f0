// MemoryStore: the store seam (store.hpp) in memory, for `elva test` and the engine's tests.
// It keeps what the PostgreSQL store keeps, with the same contract (batch.hpp), so the command
// pipeline cannot tell them apart: snapshots as JSON, rows, history, leases, buffered messages.
// A transaction holds the store's lock until it ends; its writes are applied at once and undone
// (the data restored as it was before the first write) unless it commits.
// Not here: users, tokens and the e-service intake (IdentityStore, IntakeStore): `elva test`
// has no logins; task prompts find no recipients (there are no users to tell).
// Thread-safe: transactions and reads take the store's lock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "store/store.hpp"

namespace elva::store {

class MemoryStore : public Store {
 public:
  // `now` gives the time rows are stamped with (created, started, history); default: the wall
  // clock. `elva test` passes its virtual clock.
  explicit MemoryStore(std::function<std::int64_t()> now = {});
  ~MemoryStore() override;

  Result<SchemaStatus> schema_status() override;
  Result<std::vector<std::string>> migrate() override;
  Result<void> require_migrated() override;
  Result<std::unique_ptr<Tx>> begin() override;

  Result<std::vector<DefinitionRow>> definitions() override;
  Result<std::vector<VersionCount>> instance_counts(const std::string& process_id) override;
  Result<std::vector<InstanceRow>> instances(const std::string& process_id,
                                             const std::string& status, int limit) override;
  Result<std::optional<InstanceRow>> instance(Key id) override;
  Result<std::vector<IncidentRow>> incidents(Key instance_id, bool open_only) override;
  Result<std::vector<HistoryRow>> history(Key instance_id) override;
  Result<std::vector<JobRow>> jobs(Key instance_id) override;
  Result<std::optional<FormRow>> form(const std::string& key) override;

  Result<std::optional<std::int64_t>> next_timer_due() override;
  Result<std::optional<std::int64_t>> next_job_due(const std::vector<std::string>& types) override;
  Result<int> listen_for_work() override { return -1; }
  Result<int> take_notifications() override { return 0; }
  Result<std::optional<LockedJob>> locked_job(Key key) override;
  Result<bool> relock_job(Key key, const std::string& worker, std::int64_t lock_until,
                          std::int64_t now) override;
  Result<bool> unlock_job(Key key) override;

  Result<TaskPage> tasks(const TaskQuery& query) override;
  Result<std::optional<TaskRow>> task(Key key) override;
  Result<std::optional<TaskRow>> assign_task(Key key, const std::string& assignee,
                                             int expected) override;

  // Every row, as JSON (for tests: two dumps compare equal when the store holds the same).
  nlohmann::json dump();

  struct Data;  // memory_store.cpp

 private:
  class MemoryTx;
  std::unique_ptr<Data> data_;
};

}  // namespace elva::store
