// The rows the store keeps and answers with: plain data, the same for every store (memory, pg).
// The PostgreSQL schema that holds them is described once, in pg/migrations/*.sql.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace elva::store {

using Key = std::uint64_t;

struct SchemaStatus {
  int current = 0;                   // migrations applied
  int latest = 0;                    // migrations this Elva knows
  std::vector<std::string> pending;  // "002_user_tasks", ...
};

// A deployed process definition; doubles as a decision row (process_id holds the decision id).
struct DefinitionRow {
  std::int64_t id = 0;
  std::string process_id;
  int version = 0;
  std::string name;
  std::string file;
  std::string source;  // filled by definition()/latest_decision(with source), not by lists
  std::string hash;
  std::string deployed_at;
  std::string deployed_by = "";  // the deployment's actor ("cli:anna", "user:bo"); filled by lists
};

// How many instances of one definition (version) run: active ones, and those of them that
// have an open incident.
struct VersionCount {
  std::int64_t definition_id = 0;
  int active = 0;
  int incident = 0;
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
  std::string locked_by;  // filled by AdminReads::jobs() (the admin listing)
  std::int64_t lock_until = 0;
  // Filled by WorkTx::acquire_jobs: the node whose lease on the job had run out ("" when the
  // job was free), for the log and the lease-expiry metric.
  std::string expired_lease = {};
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
  // The deployed form `form_key` names now (id and version), when the row was read with it
  // (Store::task); empty when there is none.
  std::string form_id;
  int form_version = 0;
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
  std::string state = "open";  // open, completed, cancelled, or "" for all
  bool overdue = false;        // only tasks past their due date
  std::string due_before;      // ISO 8601
  std::string sort = "due";    // due, created, priority, name
  int limit = 50, offset = 0;
};

struct TaskPage {
  std::vector<TaskRow> tasks;
  std::int64_t total = 0;     // counted up to kTaskCountCap past the page
  bool total_capped = false;  // there are more than `total`
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
// Task prompts (migration 011, docs/api.md#mail). What the server's [notifications] set
// for users who chose nothing themselves. Times of day are "HH:MM" in the user's time zone.
struct PromptPolicy {
  std::string time_zone;    // an IANA zone; "" = the database's
  std::string quiet_hours;  // "HH:MM-HH:MM" (may span midnight); "" = none
  std::string digest_at = "07:00";
  std::string remind_before;  // ISO 8601 duration before the due date; "" = no reminders
};
// One user's own choices; nullopt = the server's policy.
struct PromptSettings {
  std::string mode = "each";  // "each" mail per task, a daily "digest", or "none"
  std::optional<std::string> digest_at, quiet_hours;  // quiet_hours "" = none
  std::string time_zone;                              // "" = the server's
};
struct TaskPrompt {
  Key key = 0, instance = 0;
  std::string kind = "new";  // "new" (a task for you) or "reminder" (due soon, or follow-up)
  std::string name, process_name, business_key, due, documentation;
  std::string process_id = "", element_id = "";  // for translations (processes/i18n)
  struct Recipient {
    std::string user, name, email, locale;
    std::string due_local;  // the due date in the recipient's time zone, "YYYY-MM-DD HH:MM"
    int attempts = 0;       // earlier tries that failed
  };
  std::vector<Recipient> recipients;  // whom to mail now (enabled, with an e-mail address)
};
// A daily digest: one user's open tasks (at most 50, newest first), `open` in all.
struct Digest {
  TaskPrompt::Recipient to;
  std::string date;  // the user's local date, for the idempotency key
  struct Line {
    Key key = 0, instance = 0;
    std::string name, process_name, business_key, due_local, process_id, element_id;
    bool fresh = false;  // new since the last digest
  };
  std::vector<Line> tasks;
  int open = 0;
};

// E-service intake (migration 007).
struct AttachmentIn {
  std::string name, content_type, content;
};
struct Submission {
  std::string receipt;
  Key instance = 0;    // 0: not started (or correlated) yet
  bool fresh = false;  // false: a repeated request (same form and Idempotency-Key)
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
  std::optional<UserRow> user;  // the token's user (read with it); none when it was removed
};

// A token as administrators see it (never the token or its whole hash).
struct TokenInfo {
  std::string id;  // the first 16 hex digits of the token's SHA-256: names it, reveals nothing
  std::string user_id, kind, name, created_at;
  std::string expires_at;  // "" until revoked
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

struct BufferedMessage {
  std::int64_t id = 0;
  std::string name, correlation_key;
  nlohmann::json variables;
};

}  // namespace elva::store
