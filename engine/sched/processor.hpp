// Processor: applies commands durably. One call = one PostgreSQL transaction holding the
// command, everything it causes in this and other instances (call activities, messages,
// signals), and their rows: jobs, timers, subscriptions, incidents, history. Load -> step ->
// write with the instance's version checked; a conflict runs the whole unit again, so a
// command is applied once or not at all. No threads; one Processor per connection.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "elva/connector.hpp"
#include "elva/diagnostic.hpp"
#include "elva/result.hpp"
#include "model/process.hpp"
#include "runtime/commands.hpp"
#include "store/pg/pg_store.hpp"

namespace elva::dmn {
struct Model;
}

namespace elva::sched {

using runtime::Key;

struct DeployedProcess {
  std::string process_id;
  int version = 0;
  std::int64_t definition_id = 0;
  bool unchanged = false;  // same file as the latest version: no new version
  std::string file;
};

struct DeployReport {
  std::vector<DeployedProcess> processes;
  std::vector<DeployedProcess> decisions;  // DMN decisions (process_id holds the decision id)
  std::vector<DeployedProcess> forms;      // forms (process_id holds the form id)
  std::vector<Diagnostic> diagnostics;  // warnings (errors fail the deployment)
};

struct MessageOutcome {
  std::vector<Key> correlated;  // the instance that took it
  std::vector<Key> started;     // an instance started at a message start event
  bool buffered = false;        // kept for its time to live
};

// What a start left behind, read from the unit itself (no query after the commit).
struct StartedInstance {
  Key id = 0;
  int version = 0;               // of the definition
  std::string status;            // active, completed, terminated
  nlohmann::json active = nlohmann::json::array();  // [{element, type, elementInstance, waiting}]
  int incidents = 0;
};

struct SignalOutcome {
  std::vector<Key> delivered;
  std::vector<Key> started;
};

class Processor {
 public:
  // `actor` goes into history as who did it ("cli:anna", "scheduler:host-1").
  Processor(store::PgStore& store, std::string actor);
  ~Processor();

  // Service tasks naming a connector (elva:connector) are checked against these at deploy: the
  // connector and operation exist, required inputs are mapped. Null: no check.
  void set_connectors(std::shared_ptr<const connector::Registry> connectors) { connectors_ = std::move(connectors); }
  // Files are (name, content). Errors: ValidationError with every error diagnostic (file:line).
  Result<DeployReport> deploy(const std::vector<std::pair<std::string, std::string>>& files);
  // Starts the latest version of `process_id`. Errors: NotFound (not deployed).
  Result<Key> start(const std::string& process_id, const nlohmann::json& variables, const std::string& business_key,
                    const std::string& start_event = "", StartedInstance* started = nullptr);
  // Any instance command (complete a job or wait state, fire a timer, retry, cancel ...).
  // Errors: NotFound (no such instance), the runtime's refusal (the command does not fit).
  Result<void> command(Key instance, const runtime::Command& command);
  // Several starts in one transaction (one commit). Each gets its own outcome in `results`
  // (same order): the started instance, or why it could not start (an unknown process).
  struct StartRequest {
    std::string process_id;
    nlohmann::json variables;
    std::string business_key;
  };
  Result<void> start_batch(const std::vector<StartRequest>& requests, std::vector<Result<StartedInstance>>& results);
  // Several commands (e.g. the job outcomes of a scheduler round) in one transaction: one commit
  // for all. A command that no longer fits its instance (NotFound, InvalidArgument) is skipped
  // and reported in `refused` (same order as `commands`); store failures fail the whole batch.
  Result<void> command_batch(const std::vector<std::pair<Key, runtime::Command>>& commands, std::vector<Error>* refused = nullptr);
  // Correlates a message; with ttl_ms > 0 one nobody takes is buffered. Errors: NotFound when
  // nobody waits and there is no ttl.
  Result<MessageOutcome> publish_message(const std::string& name, const std::string& correlation_key,
                                         const nlohmann::json& variables, std::int64_t ttl_ms);
  Result<SignalOutcome> broadcast_signal(const std::string& name, const nlohmann::json& variables);
  // A due timer acquired by the scheduler: an instance's timer, or a timer start event.
  Result<void> fire_timer(const store::TimerRow& timer);
  // Resolves an incident (retrying its element) with who did it.
  Result<void> retry_incident(Key instance, Key incident);

  // The parsed process of a stored definition (cached; definitions never change).
  Result<std::shared_ptr<const model::ProcessDefinition>> process(store::Tx& tx, std::int64_t definition_id);

  // Who the next units are done by, in history and on completed tasks ("user:anna").
  void set_actor(std::string actor) { actor_ = std::move(actor); }
  const std::string& actor() const { return actor_; }

  // Wall clock in ms; overridable for tests of timers.
  static std::int64_t now_millis();

 private:
  class Unit;
  friend class Unit;
  // Runs body, the follow-ups, then `after` (sees the final states), then writes; one transaction.
  Result<void> in_unit(const std::function<Result<void>(Unit&)>& body, const std::function<void(Unit&)>& after = {});

  store::PgStore& store_;
  std::string actor_;
  std::map<std::int64_t, std::shared_ptr<const model::ProcessDefinition>> cache_;
  Key next_key_ = 0, last_key_ = 0;  // the current key block
  std::map<std::string, std::pair<std::int64_t, int>> latest_;  // process id -> (definition id, version)
  std::map<std::int64_t, std::shared_ptr<const dmn::Model>> decisions_;  // by decision row id
  std::shared_ptr<const connector::Registry> connectors_;
};

}  // namespace elva::sched
