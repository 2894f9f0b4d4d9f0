// Unit: one transaction's work (processor.hpp). It loads instances on demand, steps them
// (runtime::step, with a key block reserved before each step), projects each step's events into
// the batch and follow-ups (projection.hpp), hands the follow-ups to the router in order
// (routing.hpp), and writes everything in one Batch. Internal to engine/exec.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "exec/followup.hpp"
#include "exec/processor.hpp"
#include "runtime/env.hpp"
#include "runtime/state.hpp"
#include "runtime/step.hpp"
#include "store/store.hpp"

namespace elva::exec {

// An instance as the unit holds it: its state and where it came from.
struct Loaded {
  runtime::InstanceState state;
  std::int64_t definition_id = 0;
  std::uint64_t loaded_version = 0;
  bool is_new = false;
};

class Unit {
 public:
  // `actor` is who the unit's commands come from, in history and on completed tasks.
  Unit(Processor& p, store::Tx& tx, std::string actor);
  ~Unit();

  // An instance in the unit: loaded once, then the unit's copy. NotFound when there is none.
  Result<Loaded*> load(Key id);
  // Loads the instances a batch of commands is for, in one query.
  Result<void> preload(const std::vector<Key>& ids);
  // A new instance of a stored definition, started with `command`.
  Result<Key> start(std::int64_t definition_id, const runtime::StartInstance& command);
  // The latest version of a process (definition id, version). NotFound when none is deployed.
  Result<std::pair<std::int64_t, int>> latest(const std::string& process_id);
  Result<Key> start_latest(const std::string& process_id, const runtime::StartInstance& command);
  // A command to a (loaded or stored) instance.
  Result<void> exec(Key id, const runtime::Command& command);
  // The follow-ups queued so far, and those they cause, through the router.
  Result<void> drain();
  // Everything loaded and changed, with its rows, as one batch (not committed).
  Result<void> flush();

  // An operator's or worker's command, in history with who gave it, before what it caused
  // (`at`: the history length before the command ran).
  void note(Key instance, const runtime::Command& command, std::size_t at);
  std::size_t history_size() const { return batch_.history_size(); }
  // What an instance started in this unit looks like now.
  StartedInstance started(Key id, int version) const;
  const Loaded* loaded(Key id) const;
  const std::map<Key, Loaded>& all_loaded() const { return loaded_; }

  std::int64_t now() const { return now_; }
  const std::string& actor() const { return actor_; }
  // Who the unit's next commands come from (a group commit holds several callers' commands).
  void set_actor(std::string actor) { actor_ = std::move(actor); }
  store::Tx& tx() { return tx_; }
  store::Batch& batch() { return batch_; }
  Processor& processor() { return p_; }
  // The trace lines of the unit so far (when the processor has a trace sink).
  const std::vector<TraceLine>& trace() const { return trace_; }

  MessageOutcome message_outcome;
  SignalOutcome signal_outcome;
  // For the metrics: the commands the unit applies (a batch's or group's size, the timers a
  // round fired), and how late each timer it fired was (ms after due).
  std::size_t commands = 1;
  std::vector<std::int64_t> timer_lateness;

 private:
  class Decisions;
  class StepEnv;
  Result<Loaded*> place(const store::InstanceSnapshot& snap);
  Result<runtime::StepResult> step(Loaded& l, const runtime::Command& command);
  void project(Loaded& l, const runtime::StepResult& result);

  Processor& p_;
  store::Tx& tx_;
  std::string actor_;
  std::int64_t now_;
  std::unique_ptr<Decisions> decisions_;
  std::unique_ptr<StepEnv> env_;
  std::map<Key, Loaded> loaded_;
  std::deque<FollowUp> follow_ups_;
  store::Batch batch_;
  std::vector<TraceLine> trace_;
  std::size_t steps_ = 0;  // steps run so far (the same order on every run of the unit)
};

// The error a unit fails with when a step needed more keys than were reserved; the processor
// runs the unit again with a larger reservation.
bool needs_more_keys(const Error& e);
// The error a unit fails with when one of its steps threw (the step's ordinal in the unit); the
// processor reruns the unit with that step replaced by a runtime::Quarantine.
std::optional<std::size_t> poisoned_step(const Error& e);

}  // namespace elva::exec
