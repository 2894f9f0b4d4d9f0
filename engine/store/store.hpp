// The store seam: narrow interfaces over what the engine keeps, implemented by the memory store
// (store/memory: tests and `elva test`) and the PostgreSQL store (store/pg). Consumers take the
// narrowest interface they need: the command pipeline (engine/exec) a Tx, the scheduler the
// WorkQueue, the task list TaskStore, the admin verbs AdminReads.
//
// Errors (every call returns a Result, nothing throws): StoreUnavailable when the store cannot
// be reached (retry later), Conflict when an optimistic check failed (rerun the unit),
// InvalidArgument for bad input, Internal for the rest; messages speak to an administrator.
// Thread safety: a Store is used from one thread at a time unless its header says otherwise;
// a Tx belongs to the thread that began it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "elva/result.hpp"
#include "store/batch.hpp"
#include "store/rows.hpp"

namespace elva::store {

// Keys come in blocks; reserve_keys() hands out [first, first + kKeyBlock).
inline constexpr Key kKeyBlock = 4096;

// The unit of work: one transaction's reads (which see its own writes) and its batch. write() is
// the last thing a unit does before commit(): a transaction whose only write is its batch may be
// made durable by write() itself (PostgreSQL then needs no BEGIN/COMMIT round trips); anything
// else is kept only once commit() succeeds. A Tx destroyed before that rolls back.
class InstanceTx {
 public:
  virtual ~InstanceTx() = default;
  virtual Result<std::optional<InstanceSnapshot>> load_instance(Key id) = 0;
  // Several at once (one round trip); missing ones are left out.
  virtual Result<std::vector<InstanceSnapshot>> load_instances(const std::vector<Key>& ids) = 0;
  virtual Result<std::optional<DefinitionRow>> definition(std::int64_t id) = 0;
  // The latest version's row, without its source.
  virtual Result<std::optional<DefinitionRow>> latest_definition(const std::string& process_id) = 0;
  // DMN decisions: the latest version's row (with its file's source when `with_source`).
  virtual Result<std::optional<DefinitionRow>> latest_decision(const std::string& decision_id,
                                                               bool with_source) = 0;
  // A fresh block of keys: [first, first + kKeyBlock). Blocks are never handed out twice, also
  // when the transaction rolls back.
  virtual Result<Key> reserve_keys() = 0;

  // Routing reads (the one router, exec/routing.cpp, decides what they mean).
  // Who a message is for: its name and correlation key, which a subscription's key must equal
  // ("" only reaches subscriptions without a key), and, when given, the business key and the
  // process variables (name -> value, equal as JSON) the instance must have.
  struct MessageAddress {
    std::string name, correlation_key, business_key;
    nlohmann::json variables = nlohmann::json::object();
  };
  struct Subscriber {
    Key instance = 0, subscription = 0;
    std::string business_key;
  };
  // The active instances not in `skip` that wait for this message, each with its oldest (lowest
  // key) matching subscription, ordered by that subscription; at most `limit`.
  virtual Result<std::vector<Subscriber>> message_subscribers(const MessageAddress& to,
                                                              const std::vector<Key>& skip,
                                                              int limit) = 0;
  // Instances with a subscription to this signal, in ascending order.
  virtual Result<std::vector<Key>> signal_subscribers(const std::string& name) = 0;
  // Top-level start events of the latest versions ("message", "signal", "timer"), by process id
  // then element id.
  virtual Result<std::vector<StartEventRow>> start_events(const std::string& kind,
                                                          const std::string& name) = 0;
  // Removes and returns the oldest unexpired buffered message with this name and exactly this
  // correlation key ("" takes only messages without one). (Buffering is part of the Batch.)
  virtual Result<std::optional<BufferedMessage>> take_buffered(const std::string& name,
                                                               const std::string& correlation_key,
                                                               std::int64_t now) = 0;
  // The active child instance a call activity (parent instance, its element instance) started.
  virtual Result<std::optional<Key>> active_child(Key parent, Key parent_element) = 0;

  // Writes the batch (batch.hpp). Conflict when an instance's version moved since it was read.
  virtual Result<void> write(const Batch& batch) = 0;
  virtual Result<void> commit() = 0;
};

// Deployment's writes (the deployer, exec/deployer.cpp).
class DeployTx {
 public:
  virtual ~DeployTx() = default;
  virtual Result<std::int64_t> insert_deployment(const std::string& actor,
                                                 const nlohmann::json& files) = 0;
  virtual Result<std::int64_t> insert_definition(const DefinitionRow& d,
                                                 std::int64_t deployment_id) = 0;
  // Replaces the start events (and start timers) of `process_id` by those of its new latest
  // version.
  virtual Result<void> replace_start_events(const std::string& process_id,
                                            const std::vector<StartEventRow>& events,
                                            const std::vector<TimerRow>& timers) = 0;
  virtual Result<std::int64_t> insert_decision(const DefinitionRow& d,
                                               std::int64_t deployment_id) = 0;
  // Forms: a new version unless the latest of `form_id` has the same hash (then its version).
  struct FormVersion {
    int version = 0;
    bool unchanged = false;
  };
  virtual Result<FormVersion> insert_form(const std::string& form_id, const std::string& file,
                                          const nlohmann::json& schema, const std::string& hash,
                                          std::int64_t deployment_id) = 0;
};

// Leasing due work inside a transaction: rows come back locked to `node` until `lease_until`.
class WorkTx {
 public:
  virtual ~WorkTx() = default;
  // Due jobs of these types (empty: any type) not leased now, by due time then key.
  virtual Result<std::vector<JobRow>> acquire_jobs(const std::vector<std::string>& types,
                                                   const std::string& node, std::int64_t now,
                                                   std::int64_t lease_until, int limit) = 0;
  // Timers (instance timers and timer start events) due by `due_by`, by due time then key.
  virtual Result<std::vector<TimerRow>> acquire_timers(const std::string& node, std::int64_t due_by,
                                                       std::int64_t now, std::int64_t lease_until,
                                                       int limit) = 0;
};

class Tx : public InstanceTx, public DeployTx, public WorkTx {};

// The work queue outside transactions: what is due, wake-ups, external workers' locks.
class WorkQueue {
 public:
  virtual ~WorkQueue() = default;
  // Nearest due time of any timer / of any job of these types (empty: any), for arming a clock.
  virtual Result<std::optional<std::int64_t>> next_timer_due() = 0;
  virtual Result<std::optional<std::int64_t>> next_job_due(
      const std::vector<std::string>& types) = 0;
  // Wake-ups: LISTENs on the channel batches notify when they add timers due soon, and returns
  // a socket to wait on (readable: call take_notifications). Stores without one answer -1.
  virtual Result<int> listen_for_work() = 0;
  // How many notifications arrived since the last call (0 when none).
  virtual Result<int> take_notifications() = 0;
  // External workers: a job with its lock; extend or release a worker's lock (false: the job
  // is gone or locked by someone else).
  virtual Result<std::optional<LockedJob>> locked_job(Key key) = 0;
  virtual Result<bool> relock_job(Key key, const std::string& worker, std::int64_t lock_until,
                                  std::int64_t now) = 0;
  virtual Result<bool> unlock_job(Key key) = 0;
};

// User tasks as people see them (the rows the command pipeline writes).
class TaskStore {
 public:
  virtual ~TaskStore() = default;
  virtual Result<TaskPage> tasks(const TaskQuery& query) = 0;
  virtual Result<std::optional<TaskRow>> task(Key key) = 0;
  // Sets the assignee of an open task whose revision is still `expected` (0: any); claimed_at
  // is set when `assignee` is not empty. nullopt when the task moved on meanwhile.
  virtual Result<std::optional<TaskRow>> assign_task(Key key, const std::string& assignee,
                                                     int expected) = 0;
};

// Users and tokens (the PostgreSQL store only: `elva test` has no logins).
class IdentityStore {
 public:
  virtual ~IdentityStore() = default;
  virtual Result<void> upsert_users(const std::vector<UserRow>& users) = 0;
  virtual Result<std::optional<UserRow>> user(const std::string& id) = 0;
  virtual Result<std::vector<UserRow>> users() = 0;
  // expires_ms 0: until revoked.
  virtual Result<void> insert_token(const std::string& hash, const std::string& user_id,
                                    const std::string& kind, const std::string& name,
                                    std::int64_t expires_ms) = 0;
  virtual Result<std::optional<TokenRow>> token(const std::string& hash, std::int64_t now_ms) = 0;
  virtual Result<void> delete_token(const std::string& hash) = 0;
  // The tokens of `user_id` ("" = everyone's), sessions included, newest first.
  virtual Result<std::vector<TokenInfo>> tokens(const std::string& user_id,
                                                std::int64_t now_ms) = 0;
  // Deletes the token whose TokenInfo::id is `id`; false when there is none.
  virtual Result<bool> revoke_token(const std::string& id) = 0;

  // Task prompts (docs/api.md#mail). Claims up to `limit` announcements due now (several
  // nodes never get the same one): open tasks not yet announced, tasks whose reminder is due
  // (their follow-up date, else `remind_before` their due date), and mails that quiet hours held
  // back. Each comes with the recipients to mail now: those in their quiet hours are queued until
  // these end, those who chose a digest or no mails are left out.
  virtual Result<std::vector<TaskPrompt>> claim_task_prompts(int limit,
                                                             const PromptPolicy& policy) = 0;
  // Announces the task again, as new, to whoever it is for now (after a delegation).
  virtual Result<void> release_task_prompt(Key key) = 0;
  // One recipient's mail could not be sent: tried again in `attempts` minutes.
  virtual Result<void> retry_task_prompt(Key key, const std::string& kind, const std::string& user,
                                         int attempts) = 0;
  // Users whose daily digest is due now, marked as sent, with their open tasks.
  virtual Result<std::vector<Digest>> claim_digests(int limit, const PromptPolicy& policy) = 0;
  virtual Result<PromptSettings> prompt_settings(const std::string& user) = 0;
  // InvalidArgument when the time zone is not one the database knows.
  virtual Result<void> set_prompt_settings(const std::string& user,
                                           const PromptSettings& settings) = 0;
};

// E-service intake (the PostgreSQL store only).
class IntakeStore {
 public:
  virtual ~IntakeStore() = default;
  // One transaction: a known (form, idempotency_key) returns its submission; else a new receipt
  // "<prefix>-<year>-<000001>" is drawn and the submission and its attachments are stored.
  virtual Result<Submission> claim_submission(const std::string& form,
                                              const std::string& idempotency_key,
                                              const std::string& prefix,
                                              const std::string& case_receipt,
                                              const nlohmann::json& payload,
                                              const std::vector<AttachmentIn>& attachments) = 0;
  virtual Result<void> set_submission_instance(const std::string& receipt, Key instance) = 0;
  // The intake's hold on one receipt while its instance is looked up, started and recorded: a
  // session lock on the store's connection, so that concurrent requests for the same receipt
  // (on other connections) wait and then find the instance. Released by release_receipt, or
  // when the connection ends.
  virtual Result<void> hold_receipt(const std::string& receipt) = 0;
  virtual Result<void> release_receipt(const std::string& receipt) = 0;
  // The oldest instance of `process_id` with this business key (0: none): one indexed lookup,
  // however many instances the process has.
  virtual Result<Key> instance_by_business_key(const std::string& process_id,
                                               const std::string& business_key) = 0;
  virtual Result<std::optional<AttachmentRow>> attachment(Key id) = 0;
};

// Read-only queries for administrators and the scenario runner (each its own short read).
class AdminReads {
 public:
  virtual ~AdminReads() = default;
  virtual Result<std::vector<DefinitionRow>> definitions() = 0;
  // Running instances per definition of `process_id` (definitions with none are left out).
  virtual Result<std::vector<VersionCount>> instance_counts(const std::string& process_id) = 0;
  // Newest first; process_id/status "" for any.
  virtual Result<std::vector<InstanceRow>> instances(const std::string& process_id,
                                                     const std::string& status, int limit) = 0;
  virtual Result<std::optional<InstanceRow>> instance(Key id) = 0;
  virtual Result<std::vector<IncidentRow>> incidents(Key instance_id,
                                                     bool open_only) = 0;  // instance 0: all
  virtual Result<std::vector<HistoryRow>> history(Key instance_id) = 0;    // in order
  virtual Result<std::vector<JobRow>> jobs(Key instance_id) = 0;           // instance 0: all
  // Forms: the latest version whose id, file name or file stem is `key`.
  virtual Result<std::optional<FormRow>> form(const std::string& key) = 0;
};

class Store : public AdminReads, public WorkQueue, public TaskStore {
 public:
  virtual Result<SchemaStatus> schema_status() = 0;
  // Applies pending migrations in order; returns their names.
  virtual Result<std::vector<std::string>> migrate() = 0;
  // InvalidArgument "run `elva db migrate`" when migrations are pending.
  virtual Result<void> require_migrated() = 0;

  virtual Result<std::unique_ptr<Tx>> begin() = 0;

  // Runs `body` in a transaction and commits; when it fails with Conflict (or the store was
  // briefly unavailable), runs it again, up to `attempts` times.
  Result<void> transact(const std::function<Result<void>(Tx&)>& body, int attempts = 20);
};

}  // namespace elva::store
