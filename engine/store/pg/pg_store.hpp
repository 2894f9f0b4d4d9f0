// The PostgreSQL store: schema migrations, and transactions of typed reads and batched writes.
// The schema is described once, in migrations/*.sql. libpqxx is used only inside store/pg;
// nothing here throws: every failure is a Result with a message for an administrator
// (StoreUnavailable when the database cannot be reached, Conflict when an optimistic version
// check failed or PostgreSQL reported a serialization failure or deadlock: retry the command).
// A PgStore is one connection: use it from one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "elva/result.hpp"

namespace elva::store {

using Key = std::uint64_t;

struct SchemaStatus {
  int current = 0;                    // migrations applied
  int latest = 0;                     // migrations this Elva knows
  std::vector<std::string> pending;   // "002_user_tasks", ...
};

struct DefinitionRow {
  std::int64_t id = 0;
  std::string process_id;
  int version = 0;
  std::string name;
  std::string file;
  std::string source;  // filled by definition()/latest_definition(), not by lists
  std::string hash;
  std::string deployed_at;
};

struct StartEventRow {
  std::int64_t definition_id = 0;
  std::string process_id, element_id, kind, name;
};

struct InstanceSnapshot {
  Key id = 0;
  std::int64_t definition_id = 0;
  std::uint64_t version = 0;
  nlohmann::json state;
};

struct InstanceRow {
  Key id = 0;
  std::int64_t definition_id = 0;
  std::string process_id;
  int definition_version = 0;
  std::string business_key, status, started_at, ended_at;
  int open_incidents = 0;
  nlohmann::json variables;
};

struct JobRow {
  Key key = 0;
  Key instance_id = 0;
  Key element_instance = 0;
  std::string element_id, type;
  int retries = 0;
  std::int64_t due = 0;
  nlohmann::json input;
  std::string locked_by;        // filled by PgStore::jobs() (the admin listing)
  std::int64_t lock_until = 0;
};

struct TimerRow {
  Key key = 0;
  Key instance_id = 0;  // 0: a timer start event
  std::int64_t definition_id = 0;
  std::string element_id;
  std::int64_t due = 0;
  int fired = 0;
};

struct IncidentRow {
  Key key = 0;
  Key instance_id = 0;
  Key element_instance = 0;
  std::string element_id, message, process_id, created_at, resolved_at;
};

// A user task (migration 005). Times are ISO 8601 text ("" when none).
struct TaskRow {
  Key key = 0, instance_id = 0;
  std::string process_id, process_name, element_id, name, documentation, business_key, assignee;
  std::vector<std::string> candidate_users, candidate_groups;
  std::string due, follow_up, created_at, claimed_at, ended_at, ended_by;
  int priority = 50;
  std::string form_key, state;
  int revision = 1;
  bool overdue = false;
};

struct TaskQuery {
  // Employees: only tasks assigned to `user`, or unassigned ones offered to `user` or one of
  // `groups`. Administrators leave `restrict` false.
  bool restrict = false;
  std::string user;
  std::vector<std::string> groups;
  std::string assignee;         // filter: this assignee ("-": unassigned only)
  std::string candidate_group;  // filter: offered to this group
  std::string process_id;
  Key instance_id = 0;
  std::string state = "open";   // open, completed, cancelled, or "" for all
  bool overdue = false;         // only tasks past their due date
  std::string due_before;       // ISO 8601
  std::string sort = "due";     // due, created, priority, name
  int limit = 50, offset = 0;
};

struct TaskPage {
  std::vector<TaskRow> tasks;
  std::int64_t total = 0;       // counted up to kTaskCountCap past the page
  bool total_capped = false;    // there are more than `total`
};
// Counting every match of a list costs a scan of them all; a task list only needs to know the
// count up to a point ("1,000+").
inline constexpr std::int64_t kTaskCountCap = 1000;

struct UserRow {
  std::string id, name, email, password_hash;
  std::vector<std::string> roles, groups;
  std::string locale, source;
  bool disabled = false;
};

// A user task to announce (task prompts): who to tell and what.
struct TaskPrompt {
  Key key = 0;
  std::string name, process_name, business_key, due, documentation;
  struct Recipient { std::string user, name, email, locale; };
  std::vector<Recipient> recipients;  // enabled users with an e-mail address
};

// E-service intake (migration 007).
struct AttachmentIn {
  std::string name, content_type, content;
};
struct Submission {
  std::string receipt;
  Key instance = 0;     // 0: not started (or correlated) yet
  bool fresh = false;   // false: a repeated request (same form and Idempotency-Key)
  std::vector<std::pair<Key, AttachmentIn>> attachments;  // ids; content left empty
};
struct AttachmentRow {
  Key id = 0;
  std::string receipt, name, content_type, content, created_at;
  Key instance = 0;
};

struct TokenRow {
  std::string user_id, kind, name;
  bool expired = false;
};

struct FormRow {
  std::string form_id, file;
  int version = 0;
  nlohmann::json schema;
};

// A job as an external worker sees it: the lock is the worker's lease.
struct LockedJob {
  JobRow job;
  std::string locked_by;
  std::int64_t lock_until = 0;
  std::string process_id, business_key;
};

struct HistoryRow {
  Key instance_id = 0;
  std::string actor, kind, element_id;
  nlohmann::json data;
  std::string at;  // set when read
};

// Everything one transaction writes, applied by Tx::write in a few multi-row statements.
struct Batch {
  struct Instance {
    InstanceSnapshot snapshot;
    std::uint64_t expected_version = 0;  // ignored for new instances
    bool is_new = false;
    std::string process_id, business_key, status;
    Key parent_id = 0, parent_element = 0;
    bool ended = false;
  };
  std::vector<Instance> instances;
  std::vector<JobRow> jobs_added;
  std::vector<Key> jobs_removed;
  std::vector<TimerRow> timers_added;
  std::vector<Key> timers_removed;
  struct Subscription { Key key, instance_id; std::string element_id; bool signal; std::string name, correlation_key; };
  std::vector<Subscription> subscriptions_added;
  std::vector<Key> subscriptions_removed;
  std::vector<IncidentRow> incidents_added;
  std::vector<Key> incidents_resolved;
  std::vector<HistoryRow> history;
  // An open user task (written again, with the same key, when an incident retry re-creates it).
  struct UserTask {
    Key key = 0, instance_id = 0;
    std::string process_id, process_name, element_id, name, documentation, business_key, assignee;
    std::vector<std::string> candidate_users, candidate_groups;
    std::int64_t due = 0, follow_up = 0;  // ms since the epoch; 0: none
    int priority = 50;
    std::string form_key;
  };
  std::vector<UserTask> user_tasks_added;
  // Tasks that ended: completed (by `actor`), or cancelled (the instance or a boundary event
  // ended them). The rows stay as the task's history.
  struct EndedTask { Key key = 0; bool completed = false; };
  std::vector<EndedTask> user_tasks_ended;
  std::string actor;  // who completed the ended tasks
  // (process id, version) the writer took to be the latest: checked at write (Conflict if not).
  std::vector<std::pair<std::string, int>> assumed_latest;
  // Wake the schedulers (NOTIFY elva_work) when this commits: a timer falls due before their
  // next poll. (Not for every job: a notification per commit halves the commit rate.)
  bool wake = false;
  bool empty() const;
};

struct BufferedMessage {
  std::int64_t id = 0;
  std::string name, correlation_key;
  nlohmann::json variables;
};

// One database transaction. Reads see the transaction's own writes. Destroying a Tx without
// commit() rolls it back.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Result<std::optional<InstanceSnapshot>> load_instance(Key id) = 0;
  // Several at once (one round trip); missing ones are left out.
  virtual Result<std::vector<InstanceSnapshot>> load_instances(const std::vector<Key>& ids) = 0;
  virtual Result<std::optional<DefinitionRow>> definition(std::int64_t id) = 0;
  // The latest version's row, without its source.
  virtual Result<std::optional<DefinitionRow>> latest_definition(const std::string& process_id) = 0;
  // A fresh block of 4096 keys: [first, first + 4096).
  virtual Result<Key> reserve_keys() = 0;
  // An instance (not in `skip`) waiting for this message; a subscription without a key takes any.
  virtual Result<std::optional<Key>> message_subscriber(const std::string& name, const std::string& correlation_key,
                                                       const std::vector<Key>& skip) = 0;
  virtual Result<std::vector<Key>> signal_subscribers(const std::string& name) = 0;
  virtual Result<std::vector<StartEventRow>> start_events(const std::string& kind, const std::string& name) = 0;
  // Removes and returns the oldest unexpired buffered message for a new subscription.
  virtual Result<std::optional<BufferedMessage>> take_buffered(const std::string& name, const std::string& correlation_key,
                                                               std::int64_t now) = 0;
  virtual Result<void> buffer_message(const BufferedMessage& m, std::int64_t expires) = 0;
  virtual Result<std::optional<Key>> active_child(Key parent, Key parent_element) = 0;
  // Writes the batch; Conflict when an instance's version moved since it was read.
  virtual Result<void> write(const Batch& batch) = 0;

  // Deployment.
  virtual Result<std::int64_t> insert_deployment(const std::string& actor, const nlohmann::json& files) = 0;
  virtual Result<std::int64_t> insert_definition(const DefinitionRow& d, std::int64_t deployment_id) = 0;
  // Replaces the start events (and start timers) of `process_id` by those of its new latest version.
  virtual Result<void> replace_start_events(const std::string& process_id, const std::vector<StartEventRow>& events,
                                            const std::vector<TimerRow>& timers) = 0;

  // DMN decisions: the latest version's row (with its file's source when `with_source`).
  virtual Result<std::optional<DefinitionRow>> latest_decision(const std::string& decision_id, bool with_source) = 0;
  virtual Result<std::int64_t> insert_decision(const DefinitionRow& d, std::int64_t deployment_id) = 0;
  // Forms: a new version unless the latest of `form_id` has the same hash (then its version).
  struct FormVersion { int version = 0; bool unchanged = false; };
  virtual Result<FormVersion> insert_form(const std::string& form_id, const std::string& file, const nlohmann::json& schema,
                                          const std::string& hash, std::int64_t deployment_id) = 0;

  // The scheduler: leases due work to `node` until `lease_until`.
  virtual Result<std::vector<JobRow>> acquire_jobs(const std::vector<std::string>& types, const std::string& node,
                                                   std::int64_t now, std::int64_t lease_until, int limit) = 0;
  virtual Result<std::vector<TimerRow>> acquire_timers(const std::string& node, std::int64_t due_by,
                                                       std::int64_t now, std::int64_t lease_until, int limit) = 0;
  virtual Result<void> update_start_timer(Key key, std::int64_t due, int fired) = 0;
  virtual Result<void> commit() = 0;
};

class PgStore {
 public:
  virtual ~PgStore() = default;

  // Connects. Errors: StoreUnavailable (the message names the database and what to check).
  static Result<std::unique_ptr<PgStore>> connect(const std::string& url);

  virtual Result<SchemaStatus> schema_status() = 0;
  // Applies pending migrations in order, each in its own transaction; returns their names.
  virtual Result<std::vector<std::string>> migrate() = 0;
  // InvalidArgument "run `elva db migrate`" when migrations are pending.
  virtual Result<void> require_migrated() = 0;

  virtual Result<std::unique_ptr<Tx>> begin() = 0;

  // Read-only queries for the admin CLI (each its own short transaction).
  virtual Result<std::vector<DefinitionRow>> definitions() = 0;
  virtual Result<std::vector<InstanceRow>> instances(const std::string& process_id, const std::string& status, int limit) = 0;
  virtual Result<std::optional<InstanceRow>> instance(Key id) = 0;
  virtual Result<std::vector<IncidentRow>> incidents(Key instance_id, bool open_only) = 0;
  virtual Result<std::vector<HistoryRow>> history(Key instance_id) = 0;
  virtual Result<std::vector<JobRow>> jobs(Key instance_id) = 0;
  // Wake-ups for the scheduler: LISTENs on the channel batches notify when they add jobs or
  // timers, and returns the connection's socket to wait on (readable: call take_notifications).
  virtual Result<int> listen_for_work() = 0;
  // How many notifications arrived since the last call (0 when none).
  virtual Result<int> take_notifications() = 0;

  // Nearest due time of any timer, for arming the scheduler's clock.
  virtual Result<std::optional<std::int64_t>> next_timer_due() = 0;
  virtual Result<std::optional<std::int64_t>> next_job_due(const std::vector<std::string>& types) = 0;

  // User tasks (pg_people.cpp).
  virtual Result<TaskPage> tasks(const TaskQuery& query) = 0;
  virtual Result<std::optional<TaskRow>> task(Key key) = 0;
  // Sets the assignee of an open task whose revision is still `expected` (0: any); claimed_at
  // is set when `assignee` is not empty. nullopt when the task moved on meanwhile.
  virtual Result<std::optional<TaskRow>> assign_task(Key key, const std::string& assignee, int expected) = 0;

  // Users and tokens.
  virtual Result<void> upsert_users(const std::vector<UserRow>& users) = 0;
  virtual Result<std::optional<UserRow>> user(const std::string& id) = 0;
  virtual Result<std::vector<UserRow>> users() = 0;
  // Marks up to `limit` open, unannounced tasks as announced and returns them with their
  // recipients (several nodes never get the same task). release_task_prompt undoes the mark
  // when the announcement could not be sent.
  virtual Result<std::vector<TaskPrompt>> claim_task_prompts(int limit) = 0;
  virtual Result<void> release_task_prompt(Key key) = 0;
  // One transaction: a known (form, idempotency_key) returns its submission; else a new receipt
  // "<prefix>-<year>-<000001>" is drawn and the submission and its attachments are stored.
  virtual Result<Submission> claim_submission(const std::string& form, const std::string& idempotency_key, const std::string& prefix,
                                              const std::string& case_receipt, const nlohmann::json& payload,
                                              const std::vector<AttachmentIn>& attachments) = 0;
  virtual Result<void> set_submission_instance(const std::string& receipt, Key instance) = 0;
  virtual Result<std::optional<AttachmentRow>> attachment(Key id) = 0;
  // expires_ms 0: until revoked.
  virtual Result<void> insert_token(const std::string& hash, const std::string& user_id, const std::string& kind,
                                    const std::string& name, std::int64_t expires_ms) = 0;
  virtual Result<std::optional<TokenRow>> token(const std::string& hash, std::int64_t now_ms) = 0;
  virtual Result<void> delete_token(const std::string& hash) = 0;

  // Forms: the latest version whose id, file name or file stem is `key`.
  virtual Result<std::optional<FormRow>> form(const std::string& key) = 0;

  // External workers: a job with its lock; extend or release a worker's lock (false: the job
  // is gone or locked by someone else).
  virtual Result<std::optional<LockedJob>> locked_job(Key key) = 0;
  virtual Result<bool> relock_job(Key key, const std::string& worker, std::int64_t lock_until, std::int64_t now) = 0;
  virtual Result<bool> unlock_job(Key key) = 0;
  // A SQL count for tests and benchmarks ("SELECT count(*) FROM ..."); not for user input.
  virtual Result<std::int64_t> count(const std::string& sql) = 0;

  // Runs `body` in a transaction and commits; when it fails with Conflict (or the connection
  // broke and came back), runs it again, up to `attempts` times.
  Result<void> transact(const std::function<Result<void>(Tx&)>& body, int attempts = 20);
};

}  // namespace elva::store
