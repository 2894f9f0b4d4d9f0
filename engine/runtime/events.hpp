// Events: the facts a step produces. apply(event, state) is the only code that changes state,
// so replaying the events of an instance rebuilds it exactly.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "runtime/state.hpp"

namespace elva::runtime {

struct InstanceStarted {
  Key key;
  std::string process_id;
  std::string business_key;
  Key parent_instance = 0;
  Key parent_element = 0;
};
struct ElementActivated {
  Key key;
  model::ElementIndex element;
  Key parent;
  bool waiting;
  Role role = Role::Normal;
};
struct ElementCompleted {
  Key key;
  model::ElementIndex element;
};
struct ElementTerminated {
  Key key;
  model::ElementIndex element;
};
struct FlowTaken {
  model::FlowIndex flow;
  Key scope;
};
struct JoinReset {
  Key scope;
  model::ElementIndex gateway;
};
struct JoinsCleared {
  Key scope;
};  // the scope was interrupted: tokens waiting at its joins go
struct VariablesSet {
  nlohmann::json variables;
};  // merged into process variables
struct LocalVariablesSet {
  Key instance;
  nlohmann::json variables;
};  // merged into an element's
// A multi-instance or loop body: its items (empty for a standard loop) and whether outputs are
// collected; then each iteration as it starts and completes (output: null unless collected).
struct LoopStarted {
  Key body;
  nlohmann::json items;
  bool collect = false;
};
struct IterationStarted {
  Key body;
  Key inner;
  std::size_t index;
};
struct IterationCompleted {
  Key body;
  Key inner;
  std::size_t index;
  nlohmann::json output;
};
struct JobCreated {
  Job job;
};
struct JobRemoved {
  Key key;
};
struct TimerScheduled {
  Timer timer;
};
struct TimerRemoved {
  Key key;
};
struct SubscriptionOpened {
  Subscription subscription;
};
struct SubscriptionClosed {
  Key key;
};
struct ConditionChanged {
  Key subscription;
  bool now_true;
};
struct CompensableRecorded {
  Key scope;
  model::ElementIndex activity;
};
// The thrower will run these handlers, in this order; their activities leave `compensable`.
struct CompensationQueued {
  Key thrower;
  Key scope;
  std::vector<model::ElementIndex> activities;
  std::vector<model::ElementIndex> handlers;
};
struct CompensationHandlerStarted {
  Key thrower;
  Key handler_instance;
};
struct CompensationHandlerDone {
  Key handler_instance;
};
struct TransactionCancelling {
  Key thrower;
};
struct CallRequested {
  Call call;
};
struct CallClosed {
  Key element_instance;
};
struct ErrorEscaped {
  std::string code;
};  // to the calling process
// For the coordinator (scheduler, elva test): a message or signal for other instances and for
// the message or signal start events of deployed processes. No change to this instance.
struct MessagePublished {
  std::string name;
  std::string correlation_key;
  nlohmann::json variables;
};
struct SignalPublished {
  std::string name;
  nlohmann::json variables;
};
// A user task waits for a person: its assignment as evaluated when it was activated (FEEL or
// literal; lists from a FEEL list or a comma-separated text). Times in ms since the epoch, 0: none.
struct UserTaskCreated {
  Key element_instance = 0;
  model::ElementIndex element = 0;
  std::string assignee;
  std::vector<std::string> candidate_users, candidate_groups;
  std::int64_t due = 0, follow_up = 0;
  int priority = 50;
  std::string form_key;
  std::string name;  // the element's name with its {{...}} filled in; empty: the name as is
};
struct IncidentRaised {
  Incident incident;
};
struct IncidentResolved {
  Key key;
};
struct InstanceCompleted {};
struct InstanceTerminated {};
// The instance moved onto another version of its process (MigrateInstance): every element and
// flow index of the state is renumbered through `elements` / `flows` (old index -> new index).
// Timers and subscriptions that change are closed before and opened after this event.
// `report` says what became of each token and trigger (the dry run shows the same).
struct InstanceMigrated {
  std::shared_ptr<const model::ProcessDefinition> to;
  std::int64_t to_definition = 0;
  int from_version = 0, to_version = 0;
  std::vector<model::ElementIndex> elements;
  std::vector<model::FlowIndex> flows;
  nlohmann::json report;
  std::string reason;
};

// Variables removed from a scope (0: the process).
struct VariablesRemoved {
  Key scope;
  std::vector<std::string> names;
};
// An operator acted on the instance by hand (modify, job complete/fail/retries, variables):
// what and why, for history and traces. Changes nothing itself; the events after it do.
struct OperatorActed {
  std::string action;  // "modify", "complete job", "fail job", "job retries", "set variables" ...
  std::string reason;
  nlohmann::json detail = nlohmann::json::object();
};

using Event =
    std::variant<InstanceStarted, ElementActivated, ElementCompleted, ElementTerminated, FlowTaken,
                 JoinReset, JoinsCleared, VariablesSet, LocalVariablesSet, LoopStarted,
                 IterationStarted, IterationCompleted, JobCreated, JobRemoved, TimerScheduled,
                 TimerRemoved, SubscriptionOpened, SubscriptionClosed, ConditionChanged,
                 CompensableRecorded, CompensationQueued, CompensationHandlerStarted,
                 CompensationHandlerDone, TransactionCancelling, CallRequested, CallClosed,
                 ErrorEscaped, MessagePublished, SignalPublished, UserTaskCreated, IncidentRaised,
                 IncidentResolved, InstanceCompleted, InstanceTerminated, InstanceMigrated,
                 VariablesRemoved, OperatorActed>;

// Applies one event. REQUIRES: the event was produced for this state (checked).
void apply(const Event& event, InstanceState& state);

// A one-line description for traces and scenario diffs: "activated approve (userTask)".
// Keys (of jobs, timers, subscriptions, incidents, element instances that are gone) are written
// by `key_text` when given (a trace numbers them by first appearance, so that traces compare
// across stores whose keys differ), else as their number. Times are ISO 8601 (UTC).
std::string describe(const Event& event, const InstanceState& state,
                     const std::function<std::string(Key)>& key_text = {});

}  // namespace elva::runtime
