// StepContext: what behaviours use during one step. It records events (applying each at once,
// so the next decision sees it), runs the token loop (engine_loop.cpp: activation, completion,
// leaving through sequence flows, scope completion, termination), and offers the mechanics the
// behaviours share, each family in its own file under runtime/shared: variables and
// expressions, triggers (timers, messages, signals, conditions, event sub-processes, boundary
// events), errors and escalations with incidents, compensation, joins.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "elva/result.hpp"
#include "expr/value.hpp"
#include "runtime/env.hpp"
#include "runtime/events.hpp"

namespace elva::runtime {

class StepContext {
 public:
  StepContext(InstanceState& state, Env& env, std::vector<Event>& out)
      : state_(state), env_(env), out_(out) {}

  const InstanceState& state() const { return state_; }
  const model::ProcessDefinition& process() const { return *state_.process; }
  const model::Element& element_of(Key instance) const;
  Env& env() { return env_; }

  // Records and applies an event.
  void emit(Event event);

  // --- The token loop (engine_loop.cpp). Work is queued and run by drain(), never recursively.
  Key activate(model::ElementIndex element, Key parent, Role role = Role::Normal);
  void complete(Key instance);  // then leaves by the element's outgoing flows
  void complete_via(Key instance, std::vector<model::FlowIndex> flows);  // gateways choose
  // Activates an event whose trigger has already happened (after an event-based gateway, or the
  // start event of an event sub-process): it completes at once instead of waiting.
  Key activate_triggered(model::ElementIndex event, Key parent);
  void terminate(Key instance);  // with its children, jobs, timers, subscriptions
  // Opens a sub-process scope without running it (no start event): its boundary events and
  // event sub-processes are armed and its input mappings applied. For process instance
  // modification, which starts an element inside a scope that is not active (operator.cpp).
  Key open_scope(model::ElementIndex element, Key parent);
  // Terminates each of `instances` still live, finding children through one index built for the
  // whole call: a scan per terminated element made cancelling a wide multi-instance quadratic.
  void terminate_all(const std::vector<Key>& instances);
  // Ends every other token in `scope` (terminate end events): children and waiting join tokens.
  void terminate_scope_except(Key scope, Key keep);
  void take_flow(model::FlowIndex flow, Key scope);
  void drain();
  // True when no token is left in `scope` (no child, no token waiting at a join).
  bool scope_is_done(Key scope) const;
  // Closes what belongs to an element instance that ends: timers, subscriptions, jobs, incidents.
  void close_attachments(Key instance);
  using ChildIndex = std::unordered_map<Key, std::vector<Key>>;  // parent -> live children
  ChildIndex child_index() const;
  void terminate_tree(Key instance, const ChildIndex& children);

  // --- Variables and expressions (shared/variables.cpp).
  // Evaluates FEEL (or ${...} / =...) over the variables visible from `instance`: its own and
  // its enclosing scopes' local variables over the process variables (0: process only).
  // `overlay` (an object), when given, is seen over the visible variables.
  Result<expr::Value> evaluate(const std::string& text, Key instance = 0,
                               const nlohmann::json* overlay = nullptr);
  // Runs a script of element `e` (a JavaScript mapping or listener) through Env::scripts() over
  // `variables`; an error when this Env cannot run the format.
  Result<ScriptService::Outcome> run_script(const model::Element& e, const std::string& format,
                                            const std::string& source,
                                            const nlohmann::json& variables);
  // Runs the element's listeners for `event` (model::Listener), in document order, each setting
  // its variables from `instance` outwards; `overlay` (the variables a user task is completed
  // with) is seen over the visible variables. Returns what they set; an error (for the
  // element's incident) names the listener.
  Result<nlohmann::json> run_listeners(const model::Element& e, model::ListenerEvent event,
                                       Key instance,
                                       const nlohmann::json& overlay = nlohmann::json::object());
  nlohmann::json visible_variables(Key instance) const;
  // `text` with each {{expression}} replaced by its value (text as is, null as nothing, other
  // values as JSON); one that does not evaluate stays as written, for its author to see.
  std::string fill_templates(const std::string& text, Key instance = 0);
  // Sets variables from `instance` outwards: each goes to the nearest scope that already has
  // it; a new one to the innermost multi-instance iteration (so parallel iterations do not
  // overwrite each other), else to the process. Camunda and Zeebe propagate the same way.
  void set_variables(Key instance, const nlohmann::json& variables);
  // Input mappings: local variables of the element instance, evaluated in order.
  Result<void> apply_inputs(const model::Element& element, Key instance);
  // Merges `variables` (a JSON object) through the element's output mappings, if any. Without
  // mappings they are set from the element itself (an input-mapped local stays local); with
  // mappings only the outputs are set, from the enclosing scope.
  Result<void> apply_outputs(const model::Element& element, Key instance,
                             const nlohmann::json& variables);
  // Flows to take when leaving an activity or event: conditions that hold, else the default.
  Result<std::vector<model::FlowIndex>> conditional_flows(const model::Element& element,
                                                          Key instance);
  // A job or wait state is done: its variables through its output mappings, then completion.
  void finish(Key instance, const nlohmann::json& variables);

  // --- Triggers (shared/triggers.cpp).
  // Opens a timer or subscription for `def` (the trigger of element `event`), owned by `owner`.
  bool arm_trigger(Key owner, model::ElementIndex event, const model::EventDefinition& def);
  void arm_boundaries(Key instance);
  // Opens the triggers of the event sub-processes directly inside `scope` (0: the process).
  void arm_event_subprocesses(Key scope);
  // A message or signal reached a subscription.
  void deliver(const Subscription& subscription, const nlohmann::json& variables);
  // A timer or subscription owned by `owner` fired for `event` (boundary, event sub-process
  // start, event after an event-based gateway, or the waiting catch event itself).
  void trigger(Key owner, model::ElementIndex event);
  void trigger_boundary(Key host, model::ElementIndex boundary);
  // An event sub-process start event fired in `scope`: the event sub-process is activated and
  // its start event, already triggered, with it.
  void trigger_event_subprocess(Key scope, model::ElementIndex start_event);
  // The start event that triggered a just-activated event sub-process (taken once).
  model::ElementIndex take_trigger(Key event_subprocess);
  // An event after an event-based gateway fired: the gateway leaves towards it.
  void trigger_event_gateway(Key gateway, model::ElementIndex event);
  // Start events of the event sub-processes directly inside `scope` (0: the process).
  std::vector<model::ElementIndex> event_subprocess_starts(Key scope) const;

  // --- Messages and signals (shared/messages.cpp).
  // Delivers a signal to every subscription of this instance, and publishes it for the others;
  // returns how many subscriptions here caught it.
  int broadcast_signal(Key thrower, const std::string& name);
  // Delivers a signal from outside to every subscription of this instance; returns how many.
  int deliver_signal(const std::string& name);
  // A message throw (event or send task without a job): the correlation key is the message's
  // key expression evaluated here; the payload is the thrower's input mappings only.
  Result<void> publish_message(Key thrower, const std::string& name,
                               const std::string& key_expression);

  // --- Errors, escalations and incidents (shared/errors.cpp).
  void raise_incident(Key instance, std::string message);
  // Throws a BPMN error from `instance`; the nearest boundary or event sub-process catching
  // `code` takes over, else an incident.
  void throw_error(Key instance, const std::string& code);
  // Throws an escalation: the nearest boundary or event sub-process catching `code` takes it;
  // returns true when the catch interrupted `instance` (the thrower then stops).
  bool throw_escalation(Key instance, const std::string& code);

  // --- Compensation (shared/compensation.cpp).
  // Runs the compensation handlers of the activities completed in the thrower's scope (all, or
  // `activity_ref`), most recent first, one after another; false when there is nothing to do.
  bool throw_compensation(Key thrower, const std::string& activity_ref);
  // A cancel end event: compensate the transaction's completed work, then its cancel boundary
  // event takes over.
  void cancel_transaction(Key thrower);
  // A compensation handler of `thrower` ended: the next one, or the thrower goes on.
  void next_compensation(Key thrower);

  // --- Joins (shared/joins.cpp): an inclusive join fires once no token can still reach it.
  bool fire_inclusive_joins();
  bool has_joins(Key scope) const;
  // Conditional events whose condition turned from false to true.
  bool fire_conditions();

 private:
  enum class Work { Activate, Complete };
  struct Item {
    Work work;
    Key instance;
    std::vector<model::FlowIndex> flows;
    bool flows_chosen = false;
  };
  void run_activate(Key instance);
  void run_complete(const Item& item);
  void leave(Key scope, Key child, const std::vector<model::FlowIndex>& flows);
  void stop_runaway(std::size_t limit);
  void complete_process_if_done();
  model::ElementIndex error_event_subprocess(Key scope, const std::string& code) const;
  // What a throw sends along: its input mappings' values (never all variables).
  nlohmann::json payload_of(Key thrower) const;

  InstanceState& state_;
  Env& env_;
  std::vector<Event>& out_;
  std::deque<Item> queue_;
  std::map<Key, model::ElementIndex>
      triggered_by_;  // event sub-process -> its start event, until activated
};

}  // namespace elva::runtime
