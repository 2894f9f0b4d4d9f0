// Engine: the durable engine behind `elva serve` and the admin verbs. Opens the database
// (--db URL, else ELVA_DATABASE_URL, else the embedded cluster under $ELVA_HOME), and answers
// in JSON, which the CLI prints as text or as-is (--format json). Not thread-safe: one Engine
// per thread; serve() runs its own threads inside.
//
// Errors (Result): StoreUnavailable (the database cannot be reached; the message says what to
// check), InvalidArgument (unmigrated database: run `elva db migrate`; bad input), NotFound
// (unknown process, instance, incident; nobody waits for a message), ValidationError (a BPMN
// file that cannot be deployed, with file:line), Conflict (lost a race too often).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "elva/calendar.hpp"
#include "elva/connector.hpp"
#include "elva/result.hpp"

namespace elva {

// Who is asking (the server authenticates; the engine authorizes). Roles: employee (own and
// group tasks), developer (deploys, reads definitions and instances), admin (everything),
// worker (systems: the external-task API).
struct Principal {
  std::string user;
  std::string name, email, locale;
  std::vector<std::string> groups;
  std::vector<std::string> roles;
  std::string tenant;  // "" on the default database, else the tenant served
  // What this request reads process content in (a locale or Accept-Language value; "" = locale).
  std::string language = "";
  bool is(const std::string& role) const;  // an admin is every role
  nlohmann::json to_json() const;
};

// A user's stored credentials, for a password check made on another thread (the HTTP server
// checks passwords off its request workers). An unknown or disabled user comes back not
// `usable`, with a stand-in hash, so that checking any login costs one Argon2id verification.
struct Credentials {
  Principal who;
  std::string stamp;  // the stored password hash: a change of password changes it
  bool usable = false;
  bool known = false;     // Elva has this user (imported or local), disabled or not
  bool disabled = false;  // known, and disabled (single sign-on refuses them too)
  // One Argon2id verification (about 0.1 s); any thread. False when not usable.
  bool matches(const std::string& password) const;
};

// What one command may make the engine do at most (docs/security.md#limits). Past a limit the
// element stops with an incident; nothing runs on unbounded inside a transaction.
struct Limits {
  std::size_t max_steps = 100'000;          // activations and completions one command may cause
  std::size_t max_loop_items = 10'000;      // iterations of one multi-instance activity
  std::int64_t min_timer_cycle_ms = 1'000;  // the shortest interval a timer cycle may repeat at
};

// Group commit for engines on one database in one process (a server's HTTP workers): their
// instance starts and task completions wait in one queue, and whatever is waiting is committed in
// one transaction, each caller still getting its own answer. Made by make_commit_group; shared by
// the engines whose options carry it.
class CommitGroup;
std::shared_ptr<CommitGroup> make_commit_group();

struct EngineOptions {
  std::string database_url;    // empty: ELVA_DATABASE_URL, else the embedded cluster
  std::string actor = "cli";   // who, in history
  bool require_schema = true;  // false for `elva db status|migrate`
  // The connectors `serve` invokes and `deploy` checks service tasks against (elva/connector.hpp).
  // Null: the built-in connector only, and no deploy-time check.
  std::shared_ptr<const connector::Registry> connectors;
  Limits limits;
  std::shared_ptr<CommitGroup> commit_group;  // null: each start and completion commits alone
  CalendarOptions calendar;
};

struct ServeOptions {
  std::string node;    // this node's name in job leases (default: host:pid)
  std::string tenant;  // the tenant this engine serves ("" = the default database)
  int workers = 2;     // connector invocations at once
  std::int64_t lease_ms = 30'000;
  std::int64_t poll_ms =
      250;  // how often to look for jobs other nodes created (timers due soon wake it)
  const std::atomic<bool>* stop = nullptr;  // serve() returns soon after this becomes true
  bool quiet = false;
  // Task prompts: new user tasks are announced by mail through this connector ("" = none).
  std::string prompt_connector;
  std::string tasklist_url;                                    // for the link in the mail
  nlohmann::json prompt_templates = nlohmann::json::object();  // {"subject", "body"} overrides
  // For users who chose nothing themselves (docs/api.md#mail): their time zone ("" = the
  // system's), quiet hours ("HH:MM-HH:MM", "" none), the digest's time of day, and how long
  // before its due date a task is reminded of (ISO 8601, "" none).
  std::string prompt_time_zone, prompt_quiet_hours, prompt_digest_at = "07:00",
                                                    prompt_remind_before = "P1D";
  // Retention (docs/privacy.md): how often the cleanup runs (0: never) and instances per batch.
  std::int64_t cleanup_interval_ms = 3'600'000;
  int cleanup_batch = 500;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> open(const EngineOptions& options);
  virtual ~Engine() = default;  // stops the embedded cluster if open() started it

  // {"database": url (no password), "embedded": bool, "current": n, "latest": n, "pending": [...]}
  virtual Result<nlohmann::json> db_status() = 0;
  // {"applied": [...names]}
  virtual Result<nlohmann::json> db_migrate() = 0;
  // A consistent dump of the whole database into `file` (pg_dump, custom format; the embedded
  // database too) with the counts of the snapshot it holds: {"file", "bytes", "database",
  // "schema", "definitions", "instances", "completedInstances", "history", "users"}.
  // Errors: InvalidArgument (the file cannot be written, pg_dump failed), StoreUnavailable.
  virtual Result<nlohmann::json> db_backup(const std::string& file) = 0;
  // Replaces the database's contents by a dump of db_backup, then applies the migrations the
  // dump is older than: {"file", "database", "schema", ..., "applied": [...names]}. Refused
  // (Conflict, nothing changed) when the database holds definitions, instances or users,
  // unless `force`. Errors: InvalidArgument (not a dump, pg_restore failed: the database is as
  // it was), StoreUnavailable. Stop every `elva serve` on the database first.
  virtual Result<nlohmann::json> db_restore(const std::string& file, bool force) = 0;
  // What GET /metrics shows from the store, in a few indexed counts: {"incidentsOpen",
  // "timersDue", "jobsDue", "migrationsPending"}. StoreUnavailable while the database is away.
  virtual Result<nlohmann::json> store_figures() = 0;
  // The figures of one process (docs/operations.md#stats): started, completed, running, lead
  // times per process and step, waiting before user tasks, overdue tasks and who holds them,
  // throughput per week, the deadline (elva:deadline) met and the cases at risk; "units" with
  // query {"by": "unit"}. Query: "from", "to" (ISO 8601 dates; default the last 90 days).
  // Errors: NotFound (not deployed), InvalidArgument (field.from, field.to).
  virtual Result<nlohmann::json> stats(const std::string& process_id,
                                       const nlohmann::json& query) = 0;
  // The organisation as a network (docs/operations.md#network): from the actions people took
  // in the cases of `process_id` ("" every process) in [from, to), the organisational units
  // (with "people": true, also persons, but only those in units of 5 or more) as nodes, the
  // hand-offs between them (how often, how long the case took to cross) and who worked on the
  // same cases: {"process", "from", "to", "people", "nodes", "handoffs", "together"}. Query
  // "from", "to" as for stats. Errors: NotFound, InvalidArgument (field.from, field.to).
  virtual Result<nlohmann::json> network(const std::string& process_id,
                                         const nlohmann::json& query) = 0;
  // History for process mining (docs/operations.md#history-export): the instances of a process
  // started in [from, to) with their element transitions, as an IEEE 1849 XES document. Query:
  // "from", "to" as for stats. Errors: NotFound, InvalidArgument (field.from, field.to).
  virtual Result<std::string> export_xes(const std::string& process_id,
                                         const nlohmann::json& query) = 0;
  // The same as an OCEL 2.0 JSON object-centric event log (cases, persons, systems and units as
  // objects; docs/operations.md#history-export). Errors as export_xes.
  virtual Result<std::string> export_ocel(const std::string& process_id,
                                          const nlohmann::json& query) = 0;

  // {"processes": [{"process", "version", "unchanged", "file"}], "warnings": [...]}
  virtual Result<nlohmann::json> deploy(const std::vector<std::string>& paths) = 0;
  virtual Result<nlohmann::json> definitions() = 0;
  // {"id", "process", "status", ...}: the instance after it ran to its first wait state.
  virtual Result<nlohmann::json> start(const std::string& process_id,
                                       const nlohmann::json& variables,
                                       const std::string& business_key) = 0;
  virtual Result<nlohmann::json> instances(const std::string& process_id, const std::string& status,
                                           int limit) = 0;
  // Timeline (history), active elements, variables, incidents, jobs. The values of personal and
  // sensitive variables (docs/privacy.md) are read as the engine's actor: the read is recorded
  // in the access log (via "cli").
  virtual Result<nlohmann::json> instance(std::uint64_t id) = 0;
  // The same, as `who` may see it (docs/privacy.md#access-log): an administrator reads personal
  // and sensitive values, and the read is recorded (actor "user:ID", `via`); anyone else sees
  // each such value as {"masked": CLASS}, in the variables and in history.
  virtual Result<nlohmann::json> instance_as(const Principal& who, std::uint64_t id,
                                             const std::string& via) = 0;
  virtual Result<nlohmann::json> cancel(std::uint64_t id) = 0;
  // Who a message is for (docs/durable.md, "Message correlation"): a subscription's correlation
  // key must equal `correlation_key` (empty: only subscriptions without one); `business_key` and
  // `process_variables` (name -> value, each equal) narrow it to the instances that have them.
  struct MessageTarget {
    std::string correlation_key;
    std::string business_key;
    nlohmann::json process_variables = nlohmann::json::object();
  };
  // {"correlated": [id], "started": [id], "buffered": bool}. ttl: an ISO 8601 duration ("PT1H"),
  // or empty for none. Errors: NotFound (nobody waits, no ttl), InvalidArgument (several
  // instances wait: the message names them and nothing is delivered; a ttl with a business key
  // or variables).
  virtual Result<nlohmann::json> message(const std::string& name, const MessageTarget& to,
                                         const nlohmann::json& variables,
                                         const std::string& ttl) = 0;
  Result<nlohmann::json> message(const std::string& name, const std::string& correlation_key,
                                 const nlohmann::json& variables, const std::string& ttl) {
    return message(name, MessageTarget{correlation_key, "", nlohmann::json::object()}, variables,
                   ttl);
  }
  virtual Result<nlohmann::json> signal(const std::string& name,
                                        const nlohmann::json& variables) = 0;
  virtual Result<nlohmann::json> incidents() = 0;
  // Instance migration between versions (docs/operations.md#migration). A plan from a request
  // {"process", "from", "to", "map": {"old": "new"}, "timers": "keep|recompute|rebase",
  // "timerRules": {"timer": "rule"}}: the request with "mappings", "unmapped", "added",
  // "timerPlan", "complete" and "instances" (active instances on "from"). Errors: NotFound (no
  // such process or version), InvalidArgument (a mapping or rule that does not fit).
  virtual Result<nlohmann::json> migration_plan(const nlohmann::json& request) = 0;
  // Runs the migration of each selected instance (`instances`: "all", "ids:1,2", or
  // "businessKey:K") without committing it: {"dryRun": true, "selected", "counts": {outcome: n},
  // "instances": [{"instance", "outcome", "reason", "report"}]}.
  virtual Result<nlohmann::json> migration_dry_run(const nlohmann::json& plan,
                                                   const std::string& instances) = 0;
  // Migrates them, each in its own transaction, with `reason` (required) and the engine's actor in
  // history; `progress` (may be empty) is called after every `batch` instances. A second run takes
  // the instances still on "from": a run cut short resumes, and none moves twice.
  virtual Result<nlohmann::json> migration_run(
      const nlohmann::json& plan, const std::string& instances, const std::string& reason,
      int batch, const std::function<void(const nlohmann::json&)>& progress) = 0;
  virtual Result<nlohmann::json> retry(std::uint64_t incident) = 0;
  // Completes a waiting element (user, receive, manual task, catch event) of an instance by id.
  virtual Result<nlohmann::json> complete(std::uint64_t instance, const std::string& element_id,
                                          const nlohmann::json& variables) = 0;

  // --- What the cockpit shows (docs/operations.md#cockpit).
  // Every deployed process: [{"process", "name", "version" (the latest), "versions",
  // "deployedAt", "active", "incidents" (active instances with an open incident)}].
  virtual Result<nlohmann::json> processes() = 0;
  // Where one version's (0: the latest) running instances are: {"process", "version",
  // "elements": [{"element", "active", "incidents"}]}. NotFound when it is not deployed.
  virtual Result<nlohmann::json> element_counts(const std::string& process_id, int version) = 0;
  // The page of instances matching every filter given, newest first, as instances() lists
  // them: {"items", "limit", "offset"} (the limit and offset the search used). Query
  // (all optional): "process", "version", "status" (active, completed, terminated, incident),
  // "businessKey", "element" (a token is there), "variable" with "value" (any JSON; equal),
  // "startedFrom", "startedTo" (ISO 8601 date or date-time; [from, to)), "limit" (1-1,000,
  // default 50), "offset". Errors: InvalidArgument naming the field (field.NAME).
  virtual Result<nlohmann::json> search_instances(const nlohmann::json& query) = 0;

  // --- Versions and operator actions on running instances (docs/operations.md).
  // The versions of a process, oldest first: {"process", "latest", "versions": [{"version",
  // "name", "file", "deployedAt", "deployedBy", "versionTag", "instances": {"active",
  // "incident"}}]}. NotFound when it is not deployed.
  virtual Result<nlohmann::json> versions(const std::string& process_id) = 0;
  // What changed from version `from` to version `to` (0: the latest): {"from": {"version",
  // "versionTag"}, "to": {...}, "process", "added", "removed", "changed", "identical"}.
  virtual Result<nlohmann::json> diff(const std::string& process_id, int from, int to) = 0;

  // Each operator action needs a reason; it is applied as one unit and audited in history with
  // the engine's actor (set_actor) and the reason. Answers the instance as instance() does.
  // Errors: NotFound (no such instance, job, scope or variable), InvalidArgument (the action
  // does not fit the instance: the message says why; nothing changed).
  struct Modification {
    std::vector<std::string> cancel, start_before, start_after;  // element ids
    nlohmann::json variables = nlohmann::json::object();         // set at the process first
    std::string reason;
  };
  virtual Result<nlohmann::json> modify(std::uint64_t instance, const Modification& m) = 0;
  // Jobs by key (`elva instance ID`, GET /api/jobs). fail_job: retries_left -1 uses one of the
  // job's retries, as a worker's failure does; 0 raises the incident at once.
  virtual Result<nlohmann::json> complete_job(std::uint64_t job, const nlohmann::json& variables,
                                              const std::string& reason) = 0;
  virtual Result<nlohmann::json> fail_job(std::uint64_t job, const std::string& message,
                                          int retries_left, const std::string& reason) = 0;
  // The job gets `retries` attempts (>= 1) and a new key ("job" in the answer), due now; with
  // resolve_incident its element's open incident is resolved too.
  virtual Result<nlohmann::json> set_job_retries(std::uint64_t job, int retries,
                                                 bool resolve_incident,
                                                 const std::string& reason) = 0;
  // `scope`: "" for the process, else an element instance key or the id of an element that is
  // active once. Variables are set as given (a JSON object) in that scope.
  virtual Result<nlohmann::json> set_variables(std::uint64_t instance,
                                               const nlohmann::json& variables,
                                               const std::string& scope,
                                               const std::string& reason) = 0;
  virtual Result<nlohmann::json> remove_variables(std::uint64_t instance,
                                                  const std::vector<std::string>& names,
                                                  const std::string& scope,
                                                  const std::string& reason) = 0;

  // Runs the job executor and timers until options.stop is set (or forever).
  virtual Result<void> serve(const ServeOptions& options) = 0;
  // What the deployed processes need that this engine's connectors (EngineOptions::connectors)
  // lack: the connectors and operations their elva:connector tasks name, in the latest version
  // of each process and in every version with active instances. Names only, sorted:
  // [{"jobType": "hr.createUser", "connector": "hr", "connectorMissing": true,
  //   "processes": ["personnel-hire"]}]; empty when nothing is missing. Such jobs are taken by
  // serve() and end as incidents after their retries, with that reason. For start-up messages
  // and readiness checks; one read of the definitions (parsed once per engine).
  virtual Result<nlohmann::json> missing_configuration() = 0;

  // --- For the REST API and the task list (engine/api/people_api.cpp). Errors add
  // Unauthenticated (401), PermissionDenied (403), Conflict (409: someone else was first),
  // ValidationError with one context entry "field.<key>" per form field that is wrong.

  // Who later commands are done by, in history and on completed tasks ("user:anna").
  virtual void set_actor(const std::string& actor) = 0;
  // Files as (name, content): .bpmn, .dmn, .form. Same answer as deploy().
  virtual Result<nlohmann::json> deploy_files(
      const std::vector<std::pair<std::string, std::string>>& files) = 0;
  // {"process", "version", "name", "file", "source"}; version 0: the latest.
  virtual Result<nlohmann::json> definition(const std::string& process_id, int version) = 0;
  virtual Result<nlohmann::json> jobs(std::uint64_t instance) = 0;

  // Users: [{"id", "name", "email", "password" | "passwordHash", "roles", "groups", "locale",
  // "disabled"}]; passwords are hashed (Argon2id) before they are stored. Returns {"users": n}.
  virtual Result<nlohmann::json> import_users(const nlohmann::json& users) = 0;
  virtual Result<nlohmann::json> users() = 0;
  // A session: {"token", "expiresAt", "user": {...}}. Unauthenticated for a wrong password, an
  // unknown or disabled user (one message for all three).
  virtual Result<nlohmann::json> login(const std::string& user, const std::string& password,
                                       std::int64_t ttl_ms) = 0;
  virtual Result<Principal> authenticate(const std::string& bearer_token) = 0;
  virtual Result<Principal> authenticate_password(const std::string& user,
                                                  const std::string& password) = 0;
  // The stored credentials of `user` (one read, no hashing). InvalidArgument (field.username)
  // for a name that cannot be a user's: empty, longer than 256 bytes, or holding NUL or another
  // control character.
  virtual Result<Credentials> credentials(const std::string& user) = 0;
  // A session for a user whose password was checked (Credentials::matches): as login() answers.
  virtual Result<nlohmann::json> open_session(const Principal& who, std::int64_t ttl_ms) = 0;
  // An API token for a system (ttl_ms 0: until revoked): {"token", "expiresAt"}.
  virtual Result<nlohmann::json> create_token(const std::string& user, const std::string& name,
                                              std::int64_t ttl_ms) = 0;
  virtual Result<void> logout(const std::string& bearer_token) = 0;
  // API tokens and sessions of `user` ("" = everyone's), newest first, never the token itself:
  // [{"id", "user", "kind": "api"|"session", "name", "createdAt", "expiresAt" (null: until
  // revoked), "expired"}]. An `id` names the token for revoke_token.
  virtual Result<nlohmann::json> tokens(const std::string& user) = 0;
  // Ends the token (or session) at once: its next request is 401. NotFound when there is none.
  virtual Result<void> revoke_token(const std::string& id) = 0;

  // Tasks as `who` may see them. Query: assignee, candidateGroup, processId, instance, state,
  // overdue, dueBefore, sort (due|created|priority|name), limit, offset.
  virtual Result<nlohmann::json> tasks(const Principal& who, const nlohmann::json& query) = 0;
  // One task with its variables (as seen from the task) and its form.
  virtual Result<nlohmann::json> task(const Principal& who, std::uint64_t key) = 0;
  // expected_revision 0: whatever the task's revision is.
  virtual Result<nlohmann::json> claim(const Principal& who, std::uint64_t key,
                                       int expected_revision) = 0;
  virtual Result<nlohmann::json> unclaim(const Principal& who, std::uint64_t key) = 0;
  virtual Result<nlohmann::json> delegate(const Principal& who, std::uint64_t key,
                                          const std::string& to) = 0;
  // Checks `data` against the task's form (unknown fields, types, rules), then completes it as
  // one unit, answering the task as it is now. expected_revision 0: whatever the revision is;
  // else Conflict with status 412 when the task moved on.
  virtual Result<nlohmann::json> complete_task(const Principal& who, std::uint64_t key,
                                               const nlohmann::json& data,
                                               int expected_revision = 0) = 0;
  virtual Result<nlohmann::json> form(const std::string& key) = 0;

  // External workers (the Camunda 7 external-task API): request and answers in its JSON shape.
  // Only jobs no connector runs (external topics) are a worker's, and a lock belongs to the
  // account that took it together with its workerId: `who` is the authenticated caller.
  virtual Result<nlohmann::json> fetch_and_lock(const Principal& who,
                                                const nlohmann::json& request) = 0;
  virtual Result<void> complete_external(const Principal& who, std::uint64_t job,
                                         const std::string& worker,
                                         const nlohmann::json& variables) = 0;
  virtual Result<void> fail_external(const Principal& who, std::uint64_t job,
                                     const std::string& worker, const std::string& message,
                                     int retries, std::int64_t retry_timeout_ms) = 0;
  virtual Result<void> bpmn_error_external(const Principal& who, std::uint64_t job,
                                           const std::string& worker, const std::string& code,
                                           const nlohmann::json& variables) = 0;
  virtual Result<void> extend_lock(const Principal& who, std::uint64_t job,
                                   const std::string& worker, std::int64_t duration_ms) = 0;
  virtual Result<void> unlock_external(const Principal& who, std::uint64_t job) = 0;
  // Start rights: NotFound without such a process, PermissionDenied when the process names
  // candidate starters (elva:/camunda:candidateStarterGroups, -Users) and `who` is none of them
  // (administrators and developers may start any process).
  virtual Result<void> may_start(const Principal& who, const std::string& process_id) = 0;

  // --- Mail (docs/api.md#mail): how `who` wants to hear of tasks. {"mode": "each" |
  // "digest" | "none", "digestAt": "HH:MM" or null, "quietHours": "HH:MM-HH:MM", "" (none) or
  // null, "timeZone": an IANA name or ""}; null and "" are the server's [notifications].
  virtual Result<nlohmann::json> prompt_settings(const Principal& who) = 0;
  // Replaces them (the same fields, each optional: an absent one keeps its value). InvalidArgument
  // with a "field.<name>" detail for a value that is not one of these.
  virtual Result<nlohmann::json> set_prompt_settings(const Principal& who,
                                                     const nlohmann::json& settings) = 0;

  // --- Requests (docs/api.md#requests): what an employee starts from the task list and follows.
  // The latest version of each executable process with a none start event that `who` may start
  // (may_start's rule), by name: [{"process", "name", "version", "documentation", "formKey",
  // "withdrawable"}].
  virtual Result<nlohmann::json> startable(const Principal& who) = 0;
  // One of them with its start form ("form": {id, version, schema} or null; "formProblem" when
  // the start event names a form that is not deployed). NotFound, PermissionDenied.
  virtual Result<nlohmann::json> start_form(const Principal& who,
                                            const std::string& process_id) = 0;
  // Starts the latest version as `who` (history names them as its starter): start rights are
  // checked, a start form checks an employee's data as a task's form does (ValidationError with
  // a "field.<key>" detail per problem; developers and administrators are not held to it),
  // camunda:initiator gets the user's id. Answer as start().
  virtual Result<nlohmann::json> start_as(const Principal& who, const std::string& process_id,
                                          const nlohmann::json& variables,
                                          const std::string& business_key) = 0;
  // The top-level instances `who` started, newest first (at most 100): {"items": [{"id",
  // "process": {id, name}, "version", "businessKey", "status", "startedAt", "endedAt",
  // "current": [{"name", "assignee", "candidateGroups", "due", "overdue"}], "withdrawable"}]}.
  // `status`: "", active, completed or terminated.
  virtual Result<nlohmann::json> requests(const Principal& who, const std::string& status) = 0;
  // Sends the process's elva:withdrawMessage to one of `who`'s requests (with "withdrawnBy"),
  // while the instance waits for it. NotFound (not theirs), Conflict (the process declares no
  // withdrawal, the request ended or has passed the steps where it may be withdrawn).
  virtual Result<nlohmann::json> withdraw(const Principal& who, std::uint64_t instance) = 0;

  // --- E-service intake (POST /eservice/{form}; docs/connectors.md#eservice). A new receipt
  // per submission; the same (form, idempotency key) answers the first receipt again and starts
  // nothing. `spec` is the form's [eservice.<form>] section: process (start it, business key =
  // receipt) or message (correlate it by the earlier receipt, case_receipt), receipt_prefix.
  // Answer: {"receipt", "instance", "status": "received"|"correlated", "repeated", "attachments"}.
  struct EserviceAttachment {
    std::string name, content_type, content;
  };
  struct EserviceSubmission {
    std::string form;
    nlohmann::json spec = nlohmann::json::object();
    nlohmann::json data = nlohmann::json::object(), applicant = nlohmann::json::object();
    std::string case_receipt;
    std::vector<EserviceAttachment> attachments;
    std::string idempotency_key;
  };
  virtual Result<nlohmann::json> eservice_submit(const EserviceSubmission& submission) = 0;
  // {"id", "receipt", "instance", "name", "contentType", "createdAt", "content" (the bytes)}.
  virtual Result<nlohmann::json> attachment(std::uint64_t id) = 0;

  // --- Retention and records of processing (docs/privacy.md).
  struct HistoryCleanup {
    bool dry_run = false;     // count what is due, remove nothing
    int batch = 500;          // instances per batch, each batch its own short transaction
    int max_batches = 0;      // stop after this many (0: until nothing is due)
    std::int64_t now_ms = 0;  // 0: the system clock
  };
  // Removes what the deployed processes' retention rules say is due, recorded in retention_runs
  // with the engine's actor: {"dryRun", "finished", "batches", "seconds", "rules": [{"rule",
  // "process", "interval", "variables", "instances", "history", "tasks", ...}], "total": {...}}.
  virtual Result<nlohmann::json> history_cleanup(const HistoryCleanup& options) = 0;
  // The records of processing of the deployed processes (the latest version of each), as
  // privacy_report_files (elva/privacy.hpp) answers for files.
  virtual Result<nlohmann::json> privacy_report() = 0;
  // A data subject's right of access (GDPR Art. 15; docs/privacy.md#access-log): their cases
  // (found as an erasure finds them), the personal and sensitive variables each holds (names and
  // classes; with `values`, the values too, and that read is itself recorded), and every recorded
  // read of them: {"cases": [{"instance", "process", "status", "held": [{"variable", "class"}],
  // "values"?}], "reads": [{"at", "actor", "instance", "variables", "via"}]}.
  virtual Result<nlohmann::json> privacy_access_log(const std::string& subject, bool values) = 0;
  // Erases the personal and sensitive values of one data subject: in every instance whose
  // subject variable (<elva:data subject="true">) is `subject` (equal, or a top-level field of it
  // equal), from history, instances, task names, waiting jobs, e-service payloads and
  // attachments; the audit skeleton (who did what when) stays, with an "erased" history row.
  // Running instances lose the values through the runtime (audited) and get an incident: the
  // process may still need them. The receipt is recorded (privacy_erasures) and returned:
  // {"receipt", "instances", "running", "variables", "counts"}. `reason` is required
  // (InvalidArgument); never logged with the subject.
  virtual Result<nlohmann::json> privacy_erase(const std::string& subject,
                                               const std::string& reason) = 0;

  // The database this engine uses (the embedded cluster's socket URL when embedded).
  virtual const std::string& database_url() const = 0;
};

}  // namespace elva
