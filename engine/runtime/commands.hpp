// Commands: what can happen to an instance from outside. step() turns one into events.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "runtime/state.hpp"

namespace elva::runtime {

struct StartInstance {
  nlohmann::json variables = nlohmann::json::object();
  std::string business_key;
  Key parent_instance = 0;  // when a call activity starts it
  Key parent_element = 0;
  std::string start_event;  // a start event id (message, timer, signal ...); empty: the none start
};
// The child instance of a call activity completed with these variables (all of the child's).
struct CompleteCall {
  Key element_instance;
  nlohmann::json variables = nlohmann::json::object();
};
// An administrator (or a calling process) cancels the instance.
struct CancelInstance {};
struct CompleteJob {
  Key job;
  nlohmann::json variables = nlohmann::json::object();
  std::string reason = "";  // not empty: an operator completes it by hand (audited, OperatorActed)
};
// A job attempt failed. The next attempt waits `retry_in_ms` when given (>= 0), else the task's
// retry cycle interval (`R5/PT1M`), else 1 s, 2 s, 4 s ... (doubling per attempt used).
// An external worker may say how many attempts are left (`retries_left` >= 0, Camunda's
// external-task `retries`): 0 raises the incident at once.
struct FailJob {
  Key job;
  std::string message;
  std::int64_t retry_in_ms = -1;
  int retries_left = -1;
  std::string reason = "";  // not empty: an operator fails it by hand (audited, OperatorActed)
};
// A person (or a test) finishes a wait state: user, manual, receive or abstract task, or a catch
// event.
struct CompleteWait {
  Key element_instance;
  nlohmann::json variables = nlohmann::json::object();
};
struct FireTimer {
  Key timer;
};
struct CorrelateMessage {
  std::string name;
  std::string correlation_key;
  nlohmann::json variables = nlohmann::json::object();
};
struct BroadcastSignal {
  std::string name;
  nlohmann::json variables = nlohmann::json::object();
};
// A BPMN error thrown from a wait state or job (e.g. a worker's bpmnError).
struct ThrowError {
  Key element_instance;
  std::string code;
  nlohmann::json variables = nlohmann::json::object();
};
// Retry the element whose incident this is, from its activation.
struct ResolveIncident {
  Key incident;
};
// An administrator changes variables (e.g. to fix the data before a retry): in the scope of
// element instance `scope` as local variables, or the process's (0).
struct SetVariables {
  Key scope = 0;
  nlohmann::json variables = nlohmann::json::object();
  std::string reason = "";  // not empty: audited (OperatorActed)
};
// An operator removes variables from the scope of element instance `scope` (0: the process).
// NotFound when one of them is not there (nothing is removed then).
struct RemoveVariables {
  Key scope = 0;
  std::vector<std::string> names;
  std::string reason = "";
};
// An operator gives a job `retries` attempts (>= 1; the job gets a new key, as after a failed
// attempt, and keeps its due time); with `resolve_incident` the open incident of its element
// is resolved too (without retrying the element: the job is still there).
struct SetJobRetries {
  Key job;
  int retries = 1;
  bool resolve_incident = false;
  std::string reason = "";
};
// Process instance modification (docs/operations.md#modification), applied as one step in this
// order: `variables` set at the process, every live instance of each `cancel` element
// terminated (with its jobs, timers, subscriptions and task), then each `start_before` element
// activated and each `start_after` element's single outgoing flow taken, in the scope instance
// they belong in (created when missing). A scope left without tokens ends; an instance left
// without any ends as terminated. Refused (InvalidArgument, nothing changes) when an id is
// unknown, an element to cancel is not active, a scope is ambiguous, or a start cannot run there.
struct ModifyInstance {
  std::vector<std::string> cancel;
  std::vector<std::string> start_before;
  std::vector<std::string> start_after;
  nlohmann::json variables = nlohmann::json::object();
  std::string reason = "";
};

// The coordinator could not do what an element asked (a called process that is not deployed,
// a connector that is not configured): an incident on the element, to be retried later.
struct RaiseIncident {
  Key element_instance;
  std::string message;
};
// Applying a command failed inside the engine (an internal error, a resource limit): the
// instance stops with an incident where the command was aimed (0: the process), and what would
// bring the same command back (its job, its timer) is removed, so it cannot fail again and again.
struct Quarantine {
  Key element_instance = 0;
  std::string message;
  Key job = 0;
  Key timer = 0;
};

// Instance migration (docs/operations.md#migration): what becomes of a timer that moves to the
// new version: its due time kept, computed again from the new definition as if armed now, or
// computed from the new definition as if armed when the old timer was.
enum class TimerRule : std::uint8_t { Keep, Recompute, Rebase };
// Moves the instance onto another version of its process (runtime/migrate.cpp). Every live
// element instance keeps its key (user tasks keep their rows: assignee, claims, due dates) and
// moves to the element `map` names, else to the element with the same id; timers and
// subscriptions follow their events; triggers the new version adds are armed. Refused (a
// Result error, nothing changes) when a token has no counterpart (context "verdict":
// "needs-mapping") or cannot move (context "verdict": "refused").
struct MigrateInstance {
  std::shared_ptr<const model::ProcessDefinition> to;
  std::int64_t to_definition = 0;  // the store's id of `to`, carried into the event
  int from_version = 0, to_version = 0;
  std::map<std::string, std::string> map;        // old element id -> new element id
  TimerRule timers = TimerRule::Keep;            // for timers not in timer_rules
  std::map<std::string, TimerRule> timer_rules;  // by the timer event's id in the old version
  std::string reason;
};

using Command = std::variant<StartInstance, CompleteJob, FailJob, CompleteWait, FireTimer,
                             CorrelateMessage, BroadcastSignal, ThrowError, ResolveIncident,
                             CompleteCall, CancelInstance, SetVariables, RaiseIncident, Quarantine,
                             MigrateInstance, RemoveVariables, SetJobRetries, ModifyInstance>;

}  // namespace elva::runtime
