// PeopleApi: what the REST API and the task list do for people and systems, over the store and
// the processor: logins and tokens, user tasks with their forms, and the external-task API.
// Authorization lives here, not in the HTTP layer: an employee sees a task only when it is
// assigned to them, or unassigned and offered to them or one of their groups.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "elva/connector.hpp"
#include "elva/engine.hpp"
#include "exec/processor.hpp"
#include "forms/forms.hpp"
#include "store/pg/pg_store.hpp"

namespace elva::sched {
class CommandQueue;
}

namespace elva::api {

class PeopleApi {
 public:
  // `connectors`: the registry the scheduler runs; their job types are never a worker's.
  PeopleApi(store::PgStore& store, exec::Processor& processor,
            std::shared_ptr<const connector::Registry> connectors)
      : store_(store), processor_(processor), connectors_(std::move(connectors)) {}

  // Task completions go through this group commit when given (a server's HTTP workers share
  // one); else each is its own unit on this connection.
  void set_commit_queue(sched::CommandQueue* queue) { queue_ = queue; }

  Result<nlohmann::json> import_users(const nlohmann::json& users);
  Result<nlohmann::json> users();
  Result<nlohmann::json> login(const std::string& user, const std::string& password,
                               std::int64_t ttl_ms);
  Result<Principal> authenticate(const std::string& token);
  Result<Principal> authenticate_password(const std::string& user, const std::string& password);
  Result<Credentials> credentials(const std::string& user);
  Result<nlohmann::json> open_session(const Principal& who, std::int64_t ttl_ms);
  Result<nlohmann::json> create_token(const std::string& user, const std::string& name,
                                      std::int64_t ttl_ms);
  Result<void> logout(const std::string& token);

  Result<nlohmann::json> tasks(const Principal& who, const nlohmann::json& query);
  Result<nlohmann::json> task(const Principal& who, std::uint64_t key);
  Result<nlohmann::json> claim(const Principal& who, std::uint64_t key, int expected_revision);
  Result<nlohmann::json> unclaim(const Principal& who, std::uint64_t key);
  Result<nlohmann::json> delegate(const Principal& who, std::uint64_t key, const std::string& to);
  // One read of the task (with its form, compiled once per form version), then one unit: the
  // snapshot load and the batch. The answer is the task as that unit left it.
  Result<nlohmann::json> complete_task(const Principal& who, std::uint64_t key,
                                       const nlohmann::json& data, int expected_revision);
  Result<nlohmann::json> form(const std::string& key);

  Result<nlohmann::json> fetch_and_lock(const Principal& who, const nlohmann::json& request);
  Result<void> complete_external(const Principal& who, std::uint64_t job, const std::string& worker,
                                 const nlohmann::json& variables);
  Result<void> fail_external(const Principal& who, std::uint64_t job, const std::string& worker,
                             const std::string& message, int retries,
                             std::int64_t retry_timeout_ms);
  Result<void> bpmn_error_external(const Principal& who, std::uint64_t job,
                                   const std::string& worker, const std::string& code,
                                   const nlohmann::json& variables);
  Result<void> extend_lock(const Principal& who, std::uint64_t job, const std::string& worker,
                           std::int64_t duration_ms);
  Result<void> unlock_external(const Principal& who, std::uint64_t job);
  // True when no connector runs jobs of this type: only those are a worker's (external topics).
  bool is_external(const std::string& job_type) const;

  // Start rights of a process (Engine::may_start). Requests (requests_api.cpp): what `who` may
  // start, a start form, a start as `who`, their requests, withdrawing one (Engine's comments).
  Result<void> may_start(const Principal& who, const std::string& process_id);
  Result<nlohmann::json> startable(const Principal& who);
  Result<nlohmann::json> start_form(const Principal& who, const std::string& process_id);
  Result<nlohmann::json> start_as(const Principal& who, const std::string& process_id,
                                  const nlohmann::json& variables, const std::string& business_key);
  Result<nlohmann::json> requests(const Principal& who, const std::string& status);
  // How `who` wants to hear of tasks (Engine's comments).
  Result<nlohmann::json> prompt_settings(const Principal& who);
  Result<nlohmann::json> set_prompt_settings(const Principal& who, const nlohmann::json& settings);
  Result<nlohmann::json> withdraw(const Principal& who, std::uint64_t instance);

 private:
  // The task if `who` may see it, else NotFound (no difference between "none" and "not yours").
  Result<store::TaskRow> visible_task(const Principal& who, std::uint64_t key);
  // The external job if `who` holds its lock under `worker`, else NotFound / Conflict.
  Result<store::LockedJob> worker_job(const Principal& who, std::uint64_t job,
                                      const std::string& worker);
  // The variables a completion of a task without a form may set (nullopt: any).
  Result<std::optional<std::set<std::string>>> declared_outputs(const store::TaskRow& task);
  // The process model of a task's instance (null when the instance is gone).
  Result<std::shared_ptr<const model::ProcessDefinition>> task_process(const store::TaskRow& task);
  // What an open task shows of its case, into `out`: "variables" as seen from the task's element
  // instance (process, then enclosing scopes), "summary" (elva:summary, [{label, value}]),
  // "steps" (earlier user tasks: who completed them, when), and the name and documentation with
  // their {{...}} filled in.
  Result<void> task_case(const store::TaskRow& task, const nlohmann::json& translations,
                         nlohmann::json& out);
  // The translation of process content in the language `who` reads (Principal::language, else
  // their locale; processes/i18n/LANG.json as deployed), or null.
  const nlohmann::json& translations(const Principal& who);
  // One request as its starter sees it: status, the open tasks (who holds them, due).
  // The correlation key of the instance's subscription to `message` when it waits for it.
  Result<std::optional<std::string>> waiting_for(
      store::Tx& tx, std::uint64_t instance,
      const std::shared_ptr<const model::ProcessDefinition>& process, const std::string& message);
  // The latest version of a process and its model (NotFound when none is deployed).
  Result<std::pair<store::DefinitionRow, std::shared_ptr<const model::ProcessDefinition>>>
  latest_process(const std::string& process_id);
  Result<nlohmann::json> request_json(const store::InstanceRow& instance,
                                      const nlohmann::json& translations);
  // The latest deployed form under `key` (its id, file or Camunda's prefixed keys).
  Result<std::optional<store::FormRow>> form_row(const std::string& key);
  // A form read once per (id, version).
  Result<std::shared_ptr<const forms::Form>> compiled_form(const store::FormRow& row);

  store::PgStore& store_;
  exec::Processor& processor_;
  sched::CommandQueue* queue_ = nullptr;
  std::shared_ptr<const connector::Registry> connectors_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const forms::Form>> forms_;
  // Deployed forms as a task read shows them, by (form id, version); at most kMaxCachedForms.
  static constexpr std::size_t kMaxCachedForms = 1000;
  std::map<std::pair<std::string, int>, nlohmann::json> form_json_;
  // Translations by language, with when they were read.
  static constexpr std::chrono::seconds kTranslationsFresh{5};
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, nlohmann::json>>
      translations_;
};

// The lock of an external job is held by an account and a worker id together: the store keeps
// them as one text ("<length of account>:<account>:<workerId>", unambiguous for any names), so
// that no account can act on another's lock by sending the same workerId.
std::string lock_owner(const std::string& account, const std::string& worker_id);
// The account of a lock owner ("" for a lock the scheduler holds).
std::string lock_account(const std::string& owner);
// The workerId of a lock owner; a scheduler node's lease as it is.
std::string lock_worker(const std::string& owner);

// A submission its form refused (ValidationError, a "field.<key>" detail per problem):
// "the form has 2 problems; nothing was <nothing_was>".
Error form_problems(const std::vector<forms::FieldError>& errors, const char* nothing_was);
// A task's or start event's form into out["form"], translated; a form that is not deployed is
// out["formProblem"] (the page says so), any other failure an error.
Result<void> attach_form(nlohmann::json& out, Result<nlohmann::json> form,
                         const nlohmann::json& translations);

// An instance just started, as Engine::start answers it.
nlohmann::json started_json(const exec::StartedInstance& started, const std::string& process_id,
                            const std::string& business_key);

// A task's JSON (task_json) with its names as a translation (PeopleApi::translations) has them;
// a translated name with {{...}} is filled from `variables` (its instance's) when given.
nlohmann::json translated(const nlohmann::json& translations, nlohmann::json task,
                          const nlohmann::json* variables = nullptr);

// Plain JSON variables as Camunda's typed ones ({"name": {"value", "type", "valueInfo"}}).
nlohmann::json to_camunda_variables(const nlohmann::json& plain);

}  // namespace elva::api
