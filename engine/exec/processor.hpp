// Processor: the command pipeline's entry. One call = one unit = one store transaction holding
// the command, everything it causes in this and other instances (call activities, messages,
// signals: the follow-ups, routed by routing.cpp), and their rows (jobs, timers, subscriptions,
// incidents, tasks, history), written as one Batch with each instance's version checked. A
// conflict runs the whole unit again, so a command is applied once or not at all.
// The same Processor runs `elva serve` (PostgreSQL, the wall clock) and `elva test` (the memory
// store, a manual clock): docs/architecture.md. No threads; one Processor per store connection.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "elva/connector.hpp"
#include "elva/diagnostic.hpp"
#include "elva/result.hpp"
#include "exec/env.hpp"
#include "exec/migration.hpp"
#include "model/process.hpp"
#include "runtime/commands.hpp"
#include "runtime/env.hpp"
#include "store/store.hpp"

namespace elva::dmn {
struct Model;
}

namespace elva::exec {

struct DeployedProcess {
  std::string process_id;  // the decision or form id for decisions and forms
  int version = 0;
  std::int64_t definition_id = 0;
  bool unchanged = false;  // same file as the latest version: no new version
  std::string file;
};

struct DeployReport {
  std::vector<DeployedProcess> processes;
  std::vector<DeployedProcess> decisions;
  std::vector<DeployedProcess> forms;
  std::vector<Diagnostic> diagnostics;  // warnings (errors fail the deployment)
};

struct MessageOutcome {
  std::vector<Key> correlated;  // the instance that took it
  std::vector<Key> started;     // an instance started at a message start event
  bool buffered = false;        // kept for its time to live
};

struct SignalOutcome {
  std::vector<Key> delivered;
  std::vector<Key> started;
};

// What a start left behind, read from the unit itself (no query after the commit).
struct StartedInstance {
  Key id = 0;
  int version = 0;                                  // of the definition
  std::string status;                               // active, completed, terminated
  nlohmann::json active = nlohmann::json::array();  // [{element, type, elementInstance, waiting}]
  int incidents = 0;
};

// One line of a unit's trace (`elva test`): an event described after the step that made it.
// Keys in `text` are marked as "\x01<key>\x02" so a reader can name them (exec/trace.hpp).
struct TraceLine {
  Key instance = 0;
  std::string process_id;
  std::string text;
};

// Receives the trace of each unit that committed, in commit order (units that were rolled back
// or run again leave nothing).
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_commit(const std::vector<TraceLine>& lines) = 0;
};

class Unit;

class Processor {
 public:
  // `actor` goes into history as who did it ("cli:anna", "scheduler:host-1"). The store and
  // clock outlive the processor.
  Processor(store::Store& store, const Clock& clock, std::string actor);
  ~Processor();

  // Service tasks naming a connector (elva:connector) are checked against these at deploy: the
  // connector and operation exist, required inputs are mapped. Null: no check.
  void set_connectors(std::shared_ptr<const connector::Registry> connectors) {
    connectors_ = std::move(connectors);
  }
  // The working-day calendar steps count on (null: Monday to Friday).
  void set_calendar(std::shared_ptr<const calendar::Calendar> calendar) {
    calendar_ = std::move(calendar);
  }
  const std::shared_ptr<const calendar::Calendar>& calendar() const { return calendar_; }
  // Units' traces go here (null: none are made).
  void set_trace(TraceSink* sink) { trace_ = sink; }
  // What one step may do at most (runtime::RuntimeLimits; docs/security.md).
  void set_limits(const runtime::RuntimeLimits& limits) { limits_ = limits; }
  const runtime::RuntimeLimits& limits() const { return limits_; }

  // Files are (name, content): .bpmn (and other BPMN names), .dmn, .form. Errors:
  // ValidationError with every error diagnostic (file:line); nothing is deployed then.
  Result<DeployReport> deploy(const std::vector<std::pair<std::string, std::string>>& files);
  // Starts the latest version of `process_id`. Errors: NotFound (not deployed). `actor`, when
  // given, is who started it in history ("user:anna"); else the processor's actor.
  Result<Key> start(const std::string& process_id, const nlohmann::json& variables,
                    const std::string& business_key, const std::string& start_event = "",
                    StartedInstance* started = nullptr, const std::string* actor = nullptr);
  // Any instance command (complete a job or wait state, fire a timer, retry, cancel ...).
  // Errors: NotFound (no such instance), the runtime's refusal (the command does not fit).
  Result<void> command(Key instance, const runtime::Command& command);
  // The same, given by `actor` ("user:anna") rather than the processor's actor. `at`, when
  // given, receives the unit's time (what the store stamps its rows with).
  Result<void> command(Key instance, const runtime::Command& command, const std::string& actor,
                       std::int64_t* at = nullptr);
  // A start of the latest version of a process (an item of apply_group).
  struct StartRequest {
    std::string process_id;
    nlohmann::json variables;
    std::string business_key;
  };
  // Several commands (e.g. the job outcomes of a scheduler round) in one unit, each followed by
  // what it caused before the next: the same as one command at a time, in one commit. A command
  // that no longer fits its instance (NotFound, InvalidArgument) is skipped and reported in
  // `refused` (same order as `commands`); store failures fail the whole batch.
  Result<void> command_batch(const std::vector<std::pair<Key, runtime::Command>>& commands,
                             std::vector<Error>* refused = nullptr);
  // Several callers' starts and commands in one unit (one commit): sched::CommandQueue's group
  // commit for a server's HTTP workers. Each item runs as its own actor and is followed by what it
  // caused before the next. Each gets its own outcome in `results` (same order): the started
  // instance (a default StartedInstance for a command), or why it was refused (an unknown process,
  // a command that no longer fits its instance: NotFound, InvalidArgument, or values the store
  // cannot keep). Store failures fail the whole group. `at` receives the unit's time.
  struct GroupItem {
    std::string actor;                  // "" = the processor's
    std::optional<StartRequest> start;  // a start; else `command` to `instance`
    Key instance = 0;
    runtime::Command command;
  };
  Result<void> apply_group(const std::vector<GroupItem>& items,
                           std::vector<Result<StartedInstance>>& results,
                           std::int64_t* at = nullptr);
  // Correlates a message (the rules: routing.hpp, docs/durable.md); with ttl_ms > 0 one nobody
  // takes is buffered. `to` says who it is for: its correlation key and, optionally, the business
  // key and process variables of the instance. Errors: NotFound when nobody waits and there is no
  // ttl; InvalidArgument (context status 409) when several instances wait and nothing tells them
  // apart (it names them), or when a message addressed by business key or variables has a ttl.
  struct MessageAddress {
    std::string correlation_key, business_key;
    nlohmann::json variables = nlohmann::json::object();
  };
  Result<MessageOutcome> publish_message(const std::string& name, const MessageAddress& to,
                                         const nlohmann::json& variables, std::int64_t ttl_ms);
  Result<MessageOutcome> publish_message(const std::string& name,
                                         const std::string& correlation_key,
                                         const nlohmann::json& variables, std::int64_t ttl_ms) {
    return publish_message(name, MessageAddress{correlation_key, "", nlohmann::json::object()},
                           variables, ttl_ms);
  }
  Result<SignalOutcome> broadcast_signal(const std::string& name, const nlohmann::json& variables);
  // A due timer leased from the work queue: an instance's timer, or a timer start event.
  Result<void> fire_timer(const store::TimerRow& timer);
  // Takes up to `limit` timers due by `now` (by due time, then key; rows another node holds are
  // skipped) and fires them, each followed by what it caused, all in one unit: one commit for the
  // round, where leasing and then firing took two. A stale row (its instance is gone) is removed.
  // Returns how many were taken; when the unit fails as a whole, none were (fire them one by one
  // with fire_timer then, so that one bad timer does not hold back the rest).
  Result<std::size_t> fire_due_timers(const std::string& node, std::int64_t now,
                                      std::int64_t lease_until, int limit);
  // Resolves an incident (retrying its element) with who did it.
  Result<void> retry_incident(Key instance, Key incident);

  // Instance migration (migration.hpp; docs/operations.md#migration). A plan: the request
  // checked against both versions (NotFound: no such process or version; InvalidArgument: a map
  // or timer rule that does not fit), with what maps by itself and what is left unmapped.
  Result<PreparedMigration> prepare_migration(const MigrationRequest& request);
  // The instances a query selects, by ascending id (all: the active ones on the plan's `from`).
  Result<std::vector<Key>> migration_candidates(const PreparedMigration& m, const InstanceQuery& q);
  // Migrates one instance in its own unit (runtime::MigrateInstance), with `reason` and who did
  // it in history; `dry_run` runs the very same unit and does not commit it. A refusal is a
  // verdict, not an error; errors are the store's.
  Result<MigrationVerdict> migrate(Key instance, const PreparedMigration& m, bool dry_run,
                                   const std::string& reason, const std::string* actor = nullptr);

  // The parsed process of a stored definition (cached; definitions never change).
  Result<std::shared_ptr<const model::ProcessDefinition>> process(store::InstanceTx& tx,
                                                                  std::int64_t definition_id);

  // Who the next units are done by, in history and on completed tasks ("user:anna").
  void set_actor(std::string actor) { actor_ = std::move(actor); }
  const std::string& actor() const { return actor_; }
  const Clock& clock() const { return clock_; }

 private:
  friend class Unit;
  // Fires one timer inside a unit (fire_timer, fire_due_timers).
  Result<void> fire_in(Unit& u, const store::TimerRow& timer);
  // Runs body, the follow-ups, then `after` (sees the final states), then writes; one unit.
  Result<void> in_unit(const std::function<Result<void>(Unit&)>& body,
                       const std::function<void(Unit&)>& after = {},
                       const std::string* actor = nullptr);

  store::Store& store_;
  const Clock& clock_;
  std::string actor_;
  std::shared_ptr<const connector::Registry> connectors_;
  TraceSink* trace_ = nullptr;
  runtime::RuntimeLimits limits_;
  std::shared_ptr<const calendar::Calendar> calendar_;
  KeySource keys_;
  std::size_t keys_per_step_ = kKeysPerStep;  // grows for a unit that needed more, then back
  std::map<std::int64_t, std::shared_ptr<const model::ProcessDefinition>> cache_;
  std::map<std::string, std::pair<std::int64_t, int>>
      latest_;  // process id -> (definition id, version)
  std::map<std::int64_t, std::shared_ptr<const dmn::Model>> decisions_;  // by decision row id
  std::map<std::size_t, std::string> poisoned_;  // the current unit's steps that threw, by ordinal
};

}  // namespace elva::exec
