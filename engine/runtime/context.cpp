// Token mechanics shared by all behaviours (see context.hpp).
#include "runtime/context.hpp"

#include <algorithm>
#include <map>

#include "runtime/behaviors/element_behavior.hpp"
#include "expr/feel.hpp"
#include "model/flow_graph.hpp"
#include "runtime/loops.hpp"
#include "runtime/timers.hpp"

namespace elva::runtime {
namespace {

using model::ElementType;

bool waits(const model::Element& e) {
  switch (e.type) {
    case ElementType::UserTask:
    case ElementType::ManualTask:
    case ElementType::ReceiveTask:
    case ElementType::Task:
    case ElementType::IntermediateCatchEvent:
    case ElementType::EventBasedGateway: return true;
    default: return false;
  }
}

}  // namespace

const model::Element& StepContext::element_of(Key instance) const {
  auto it = state_.elements.find(instance);
  ELVA_ASSERT(it != state_.elements.end(), "no such element instance");
  return state_.process->elements[it->second.element];
}

void StepContext::emit(Event event) {
  runtime::apply(event, state_);
  out_.push_back(std::move(event));
}

Key StepContext::activate(model::ElementIndex element, Key parent, Role role) {
  if (role == Role::Normal && process().elements[element].loop.kind != model::LoopKind::None) {
    role = Role::Body;  // loops and multi-instance run their iterations under a body
  }
  const Key key = env_.next_key();
  emit(ElementActivated{key, element, parent, waits(process().elements[element]), role});
  queue_.push_back({Work::Activate, key, {}, false});
  return key;
}

void StepContext::complete(Key instance) { queue_.push_back({Work::Complete, instance, {}, false}); }

void StepContext::complete_via(Key instance, std::vector<model::FlowIndex> flows) {
  queue_.push_back({Work::Complete, instance, std::move(flows), true});
}

void StepContext::drain() {
  do {
    while (!queue_.empty()) {
      Item item = std::move(queue_.front());
      queue_.pop_front();
      if (!state_.elements.count(item.instance)) continue;  // terminated meanwhile
      if (item.work == Work::Activate) run_activate(item.instance);
      else run_complete(item);
    }
  } while (fire_inclusive_joins() || fire_conditions());
}

// Conditional events fire when their condition turns from false to true after a step's work.
bool StepContext::fire_conditions() {
  for (const auto& [key, sub] : state_.subscriptions) {
    if (sub.condition.empty()) continue;
    auto v = evaluate(sub.condition, sub.element_instance);
    const bool now_true = v && v->get<bool>() && *v->get<bool>();
    if (now_true == sub.was_true) continue;
    const Subscription fired = sub;
    emit(ConditionChanged{key, now_true});
    if (now_true) deliver(fired, nlohmann::json::object());
    return true;  // subscriptions changed: start over
  }
  return false;
}

void StepContext::run_activate(Key instance) {
  const auto& e = element_of(instance);
  const Role role = state_.elements.at(instance).role;
  if (model::is_activity(e.type) && role != Role::Inner) arm_boundaries(instance);
  if (role == Role::Body) return start_loop(*this, instance);
  if (auto r = apply_inputs(e, instance); !r) return raise_incident(instance, r.error().message);
  behavior_for(e).on_activate(e, instance, *this);
}

void StepContext::run_complete(const Item& item) {
  const Key instance = item.instance;
  const auto& e = element_of(instance);
  const Key parent = state_.elements.at(instance).parent;
  if (state_.elements.at(instance).role == Role::Inner) {
    close_attachments(instance);
    return finish_iteration(*this, instance);  // the body decides what comes next
  }
  std::vector<model::FlowIndex> flows = item.flows;
  if (!item.flows_chosen) {
    auto chosen = conditional_flows(e, instance);
    if (!chosen) return raise_incident(instance, chosen.error().message);
    flows = std::move(*chosen);
  }
  close_attachments(instance);
  emit(ElementCompleted{instance, e.index});
  if (e.compensation_handler != model::kNoElement) emit(CompensableRecorded{parent, e.index});
  if (auto h = state_.handler_of.find(instance); h != state_.handler_of.end()) {
    const Key thrower = h->second;
    emit(CompensationHandlerDone{instance});
    return next_compensation(thrower);
  }
  leave(parent, flows);
}

void StepContext::leave(Key scope, const std::vector<model::FlowIndex>& flows) {
  for (auto f : flows) take_flow(f, scope);
  if (flows.empty()) check_scope_done(scope);
}

void StepContext::take_flow(model::FlowIndex flow, Key scope) {
  emit(FlowTaken{flow, scope});
  const auto target = process().flows[flow].target;
  const auto& t = process().elements[target];
  if (t.type == ElementType::ParallelGateway && t.incoming.size() > 1) {
    auto it = state_.joins.find({scope, target});
    if (it == state_.joins.end()) return;
    for (auto f : t.incoming) {
      if (!it->second.count(f)) return;  // still waiting for a token on f
    }
    emit(JoinReset{scope, target});
  }
  if (t.type == ElementType::InclusiveGateway && t.incoming.size() > 1) return;  // see fire_inclusive_joins
  activate(target, scope);
}

// An inclusive join fires once no token in its scope can still reach it: live element instances
// and tokens waiting at other joins are the tokens; reachability follows the flow graph.
bool StepContext::fire_inclusive_joins() {
  for (const auto& [where, arrived] : state_.joins) {
    const auto [scope, gateway] = where;
    if (process().elements[gateway].type != ElementType::InclusiveGateway || arrived.empty()) continue;
    std::vector<model::ElementIndex> tokens;
    for (const auto& [key, el] : state_.elements) if (el.parent == scope) tokens.push_back(el.element);
    for (const auto& [other, waiting] : state_.joins) {
      if (other.first == scope && other.second != gateway && !waiting.empty()) tokens.push_back(other.second);
    }
    bool can_still_arrive = false;
    for (auto from : tokens) {
      if (from == gateway) continue;
      if (process().graph().reachable_from({from})[gateway]) { can_still_arrive = true; break; }
    }
    if (can_still_arrive) continue;
    emit(JoinReset{scope, gateway});
    activate(gateway, scope);
    return true;  // the joins map changed: start over
  }
  return false;
}

void StepContext::check_scope_done(Key scope) {
  for (const auto& [key, el] : state_.elements) {
    if (el.parent == scope) return;
  }
  for (const auto& [where, tokens] : state_.joins) {
    if (where.first == scope && !tokens.empty()) return;  // tokens wait at a join
  }
  if (scope == 0) {
    if (state_.status != InstanceStatus::Active) return;
    close_attachments(0);  // event sub-process triggers of the process
    emit(InstanceCompleted{});
  } else {
    complete(scope);
  }
}

void StepContext::terminate_scope_except(Key scope, Key keep) {
  std::vector<Key> others;
  for (const auto& [key, el] : state_.elements) if (el.parent == scope && key != keep) others.push_back(key);
  for (Key k : others) terminate(k);
  if (has_joins(scope)) emit(JoinsCleared{scope});
}

bool StepContext::has_joins(Key scope) const {
  for (const auto& [where, tokens] : state_.joins) if (where.first == scope) return true;
  return false;
}

void StepContext::terminate(Key instance) {
  std::vector<Key> children;
  for (const auto& [key, el] : state_.elements) {
    if (el.parent == instance) children.push_back(key);
  }
  for (Key child : children) terminate(child);
  if (has_joins(instance)) emit(JoinsCleared{instance});
  close_attachments(instance);
  emit(ElementTerminated{instance, state_.elements.at(instance).element});
}

void StepContext::close_attachments(Key instance) {
  std::vector<Event> closing;
  for (const auto& [key, t] : state_.timers) if (t.element_instance == instance) closing.push_back(TimerRemoved{key});
  for (const auto& [key, s] : state_.subscriptions) if (s.element_instance == instance) closing.push_back(SubscriptionClosed{key});
  // Jobs only when this element has one (its counter): a scan per completion made fan-outs quadratic.
  if (auto it = state_.elements.find(instance); it == state_.elements.end() || it->second.jobs > 0) {
    for (const auto& [key, j] : state_.jobs) if (j.element_instance == instance) closing.push_back(JobRemoved{key});
  }
  for (const auto& [key, i] : state_.incidents) if (i.element_instance == instance) closing.push_back(IncidentResolved{key});
  if (state_.calls.count(instance)) closing.push_back(CallClosed{instance});
  for (auto& ev : closing) emit(std::move(ev));
}

nlohmann::json StepContext::visible_variables(Key instance) const {
  std::vector<const nlohmann::json*> chain;
  for (Key at = instance; at != 0;) {
    auto it = state_.elements.find(at);
    if (it == state_.elements.end()) break;
    chain.push_back(&it->second.local);
    at = it->second.parent;
  }
  nlohmann::json vars = state_.variables;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    for (auto v = (*it)->begin(); v != (*it)->end(); ++v) {
      // The engine's own bookkeeping ("elva:items", "elva:outputs" of a multi-instance body) is
      // no variable: copying it into every iteration's view made a fan-out quadratic.
      if (v.key().rfind("elva:", 0) == 0) continue;
      vars[v.key()] = v.value();
    }
  }
  return vars;
}

void StepContext::set_variables(Key instance, const nlohmann::json& variables) {
  if (!variables.is_object() || variables.empty()) return;
  // The scopes from `instance` outwards; the innermost multi-instance iteration among them is
  // where new variables go (parallel iterations must not overwrite each other).
  std::vector<Key> chain;
  Key iteration = 0;
  for (Key at = instance; at != 0;) {
    auto it = state_.elements.find(at);
    if (it == state_.elements.end()) break;
    chain.push_back(at);
    if (iteration == 0 && it->second.role == Role::Inner &&
        process().elements[it->second.element].loop.kind == model::LoopKind::MultiInstance) {
      iteration = at;
    }
    at = it->second.parent;
  }
  std::map<Key, nlohmann::json> by_scope;  // 0: the process
  for (auto v = variables.begin(); v != variables.end(); ++v) {
    Key target = state_.variables.contains(v.key()) ? 0 : iteration;
    for (Key at : chain) {
      if (state_.elements.at(at).local.contains(v.key())) { target = at; break; }
    }
    auto& bucket = by_scope[target];
    if (bucket.is_null()) bucket = nlohmann::json::object();
    bucket[v.key()] = v.value();
  }
  for (auto& [scope, vars] : by_scope) {
    if (scope == 0) emit(VariablesSet{std::move(vars)});
    else emit(LocalVariablesSet{scope, std::move(vars)});
  }
}

Result<void> StepContext::apply_inputs(const model::Element& e, Key instance) {
  for (const auto& m : e.inputs) {
    nlohmann::json value = m.source;
    if (expr::looks_like_expression(m.source)) {
      auto v = evaluate(m.source, instance);
      if (!v) return fail(Errc::ExpressionError, "input '" + m.target + "': " + v.error().message);
      value = v->to_json();
    }
    // One at a time: later inputs see earlier ones, as in Camunda and Zeebe.
    emit(LocalVariablesSet{instance, {{m.target, std::move(value)}}});
  }
  return {};
}

Result<expr::Value> StepContext::evaluate(const std::string& text, Key instance) {
  auto compiled = expr::Expression::compile_cached(text);
  if (!compiled) {
    return fail(Errc::ExpressionError, "cannot read the expression '" + text + "': " + compiled.error().message);
  }
  const expr::Value vars = expr::Value::from_json(visible_variables(instance));
  expr::ContextScope scope(vars);
  expr::EvalOptions options;
  const auto now = env_.now_millis();
  options.now_millis = [now] { return now; };
  return (*compiled)->evaluate(scope, options);
}

Result<std::vector<model::FlowIndex>> StepContext::conditional_flows(const model::Element& e, Key instance) {
  std::vector<model::FlowIndex> out;
  for (auto f : e.outgoing) {
    if (f == e.default_flow) continue;
    const auto& flow = process().flows[f];
    if (flow.condition.empty()) {
      out.push_back(f);
      continue;
    }
    auto v = evaluate(flow.condition, instance);
    if (!v) return fail(v.error());
    if (const bool* b = v->get<bool>(); b && *b) out.push_back(f);
  }
  if (out.empty() && e.default_flow != model::kNoFlow) out.push_back(e.default_flow);
  if (out.empty() && !e.outgoing.empty()) {
    return fail(Errc::ExpressionError, "no outgoing flow's condition holds and there is no default flow");
  }
  return out;
}

void StepContext::raise_incident(Key instance, std::string message) {
  emit(IncidentRaised{Incident{env_.next_key(), instance, std::move(message)}});
}

std::vector<model::ElementIndex> StepContext::event_subprocess_starts(Key scope) const {
  const model::ElementIndex scope_element = scope == 0 ? model::kNoElement : state_.elements.at(scope).element;
  std::vector<model::ElementIndex> out;
  for (const auto& sub : process().elements) {
    if (sub.type != ElementType::EventSubProcess || sub.scope != scope_element) continue;
    for (auto child : sub.as<model::SubProcessSpec>()->children) {
      if (process().elements[child].type == ElementType::StartEvent) out.push_back(child);
    }
  }
  return out;
}

// The start event of an error event sub-process directly inside `scope` that catches `code`.
model::ElementIndex StepContext::error_event_subprocess(Key scope, const std::string& code) const {
  for (auto start : event_subprocess_starts(scope)) {
    for (const auto& d : process().elements[start].event()->definitions) {
      if (d.kind == model::EventKind::Error && (d.ref.empty() || d.resolved == code)) return start;
    }
  }
  return model::kNoElement;
}

void StepContext::throw_error(Key instance, const std::string& code) {
  Key at = instance;
  while (at != 0) {
    const auto& e = element_of(at);
    for (auto b : e.boundary_events) {
      const auto& be = process().elements[b];
      for (const auto& d : be.event()->definitions) {
        if (d.kind != model::EventKind::Error) continue;
        // A catch without errorRef catches every error; otherwise the codes must match.
        if (!d.ref.empty() && d.resolved != code) continue;
        const Key parent = state_.elements.at(at).parent;
        terminate(at);
        activate(b, parent);
        return;
      }
    }
    const Key scope = state_.elements.at(at).parent;
    if (auto start = error_event_subprocess(scope, code); start != model::kNoElement) {
      return trigger_event_subprocess(scope, start);
    }
    at = scope;
  }
  if (state_.parent_instance != 0) {  // a called process: the caller's call activity rethrows it
    emit(ErrorEscaped{code});
    terminate_scope_except(0, 0);
    emit(InstanceTerminated{});
    return;
  }
  raise_incident(instance, "BPMN error '" + code + "' was thrown and nothing catches it");
}

Result<void> StepContext::apply_outputs(const model::Element& e, Key instance, const nlohmann::json& variables) {
  if (e.outputs.empty()) {
    set_variables(instance, variables);
    return {};
  }
  nlohmann::json merged = visible_variables(instance);
  for (auto it = variables.begin(); it != variables.end(); ++it) merged[it.key()] = it.value();
  const expr::Value vars = expr::Value::from_json(merged);
  expr::ContextScope scope(vars);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& m : e.outputs) {
    if (!expr::looks_like_expression(m.source)) {
      out[m.target] = m.source;
      continue;
    }
    auto compiled = expr::Expression::compile_cached(m.source);
    if (!compiled) return fail(Errc::ExpressionError, "output '" + m.target + "': " + compiled.error().message);
    out[m.target] = (*compiled)->evaluate(scope).to_json();
  }
  // The element's own scope ends with it: outputs go to where they live outside it (an
  // iteration of a multi-instance activity is itself the scope its outputs stay in).
  const auto& self = state_.elements.at(instance);
  set_variables(self.role == Role::Inner ? instance : self.parent, out);
  return {};
}

bool StepContext::arm_trigger(Key owner, model::ElementIndex event, const model::EventDefinition& d) {
  const auto& ev = process().elements[event];
  if (d.kind == model::EventKind::Timer) {
    auto due = first_due(d, owner, *this);
    if (!due) {
      raise_incident(owner, "timer '" + ev.id + "': " + due.error().message);
      return false;
    }
    emit(TimerScheduled{Timer{env_.next_key(), owner, event, *due, 0}});
  } else if (d.kind == model::EventKind::Conditional) {
    Subscription sub;
    sub.key = env_.next_key();
    sub.element_instance = owner;
    sub.event = event;
    sub.condition = d.condition;
    emit(SubscriptionOpened{sub});
  } else if (d.kind == model::EventKind::Message || d.kind == model::EventKind::Signal) {
    auto sub = subscription_for(d, owner, *this);
    if (!sub) {
      raise_incident(owner, "event '" + ev.id + "': " + sub.error().message);
      return false;
    }
    sub->key = env_.next_key();
    sub->element_instance = owner;
    sub->event = event;
    emit(SubscriptionOpened{*sub});
  }
  return true;
}

void StepContext::arm_boundaries(Key instance) {
  const auto& e = element_of(instance);
  for (auto b : e.boundary_events) {
    for (const auto& d : process().elements[b].event()->definitions) {
      if (!arm_trigger(instance, b, d)) return;
    }
  }
  if (model::is_scope(e.type)) arm_event_subprocesses(instance);
}

void StepContext::arm_event_subprocesses(Key scope) {
  for (auto start : event_subprocess_starts(scope)) {
    for (const auto& d : process().elements[start].event()->definitions) arm_trigger(scope, start, d);
  }
}

void StepContext::trigger_event_subprocess(Key scope, model::ElementIndex start_event) {
  const auto& start = process().elements[start_event];
  if (start.event()->interrupting) {
    terminate_scope_except(scope, 0);
    // An interrupting trigger fires once: close the scope's other triggers too.
    std::vector<Event> closing;
    for (const auto& [key, t] : state_.timers) if (t.element_instance == scope) closing.push_back(TimerRemoved{key});
    for (const auto& [key, sub] : state_.subscriptions) if (sub.element_instance == scope) closing.push_back(SubscriptionClosed{key});
    for (auto& ev : closing) emit(std::move(ev));
  }
  const Key sub = env_.next_key();
  emit(ElementActivated{sub, start.scope, scope, false, Role::Normal});
  activate_triggered(start_event, sub);
}

void StepContext::trigger_event_gateway(Key gateway, model::ElementIndex event) {
  const auto& g = element_of(gateway);
  const Key scope = state_.elements.at(gateway).parent;
  close_attachments(gateway);
  emit(ElementCompleted{gateway, g.index});
  for (auto f : g.outgoing) {
    if (process().flows[f].target == event) {
      emit(FlowTaken{f, scope});
      break;
    }
  }
  activate_triggered(event, scope);
}

void StepContext::finish(Key instance, const nlohmann::json& variables) {
  const auto& e = element_of(instance);
  if (auto r = apply_outputs(e, instance, variables); !r) return raise_incident(instance, r.error().message);
  complete(instance);
}

void StepContext::deliver(const Subscription& sub, const nlohmann::json& variables) {
  const auto& event = process().elements[sub.event];
  const bool stays = (event.type == ElementType::BoundaryEvent && !event.event()->cancel_activity) ||
                     (event.type == ElementType::StartEvent && !event.event()->interrupting);
  if (!stays) emit(SubscriptionClosed{sub.key});  // non-interrupting ones wait for the next
  if (sub.element_instance == 0 || state_.elements.at(sub.element_instance).element != sub.event) {
    set_variables(0, variables);
    return trigger(sub.element_instance, sub.event);
  }
  finish(sub.element_instance, variables);  // the waiting element itself
}

void StepContext::trigger(Key owner, model::ElementIndex event) {
  const auto type = process().elements[event].type;
  if (type == ElementType::BoundaryEvent) return trigger_boundary(owner, event);
  if (type == ElementType::StartEvent) return trigger_event_subprocess(owner, event);
  if (owner != 0 && process().elements[state_.elements.at(owner).element].type == ElementType::EventBasedGateway) {
    return trigger_event_gateway(owner, event);
  }
  complete(owner);  // an intermediate catch event waiting for its own timer
}

void StepContext::trigger_boundary(Key host, model::ElementIndex boundary) {
  const Key parent = state_.elements.at(host).parent;
  if (process().elements[boundary].event()->cancel_activity) terminate(host);
  activate_triggered(boundary, parent);
}

Result<void> StepContext::publish_message(Key thrower, const std::string& name, const std::string& key_expression) {
  if (name.empty()) return fail(Errc::InvalidArgument, "the message to throw has no name");
  std::string key;
  if (!key_expression.empty()) {
    auto v = evaluate(key_expression, thrower);
    if (!v) return fail(v.error());
    auto json = v->to_json();
    if (json.is_null()) return fail(Errc::ExpressionError, "the correlation key '" + key_expression + "' of message '" + name + "' is null here");
    key = json.is_string() ? json.get<std::string>() : json.dump();
  }
  emit(MessagePublished{name, key, payload_of(thrower)});
  return {};
}

nlohmann::json StepContext::payload_of(Key thrower) const {
  nlohmann::json payload = nlohmann::json::object();
  const auto& e = element_of(thrower);
  const auto& local = state_.elements.at(thrower).local;
  for (const auto& m : e.inputs) payload[m.target] = local.value(m.target, nlohmann::json());
  return payload;
}

int StepContext::broadcast_signal(Key thrower, const std::string& name) {
  emit(SignalPublished{name, payload_of(thrower)});
  return deliver_signal(name);
}

int StepContext::deliver_signal(const std::string& name) {
  std::vector<Subscription> matching;
  for (const auto& [key, sub] : state_.subscriptions) {
    if (sub.signal && sub.name == name) matching.push_back(sub);
  }
  int delivered = 0;
  for (const auto& sub : matching) {
    if (!state_.subscriptions.count(sub.key)) continue;  // closed by an earlier delivery
    deliver(sub, nlohmann::json::object());
    ++delivered;
  }
  return delivered;
}

bool StepContext::throw_escalation(Key instance, const std::string& code) {
  auto matches = [&](const model::EventDefinition& d) {
    return d.kind == model::EventKind::Escalation && (d.ref.empty() || d.resolved == code);
  };
  for (Key at = instance; at != 0;) {
    const auto& e = element_of(at);
    if (at != instance || model::is_activity(e.type)) {
      for (auto b : e.boundary_events) {
        for (const auto& d : process().elements[b].event()->definitions) {
          if (!matches(d)) continue;
          const bool interrupting = process().elements[b].event()->cancel_activity;
          trigger_boundary(at, b);
          return interrupting;
        }
      }
    }
    const Key scope = state_.elements.at(at).parent;
    for (auto child : event_subprocess_starts(scope)) {
      const auto& start = process().elements[child];
      if (start.event()->definitions.empty() || !matches(start.event()->definitions.front())) continue;
      trigger_event_subprocess(scope, child);
      return start.event()->interrupting;
    }
    at = scope;
  }
  return false;  // an uncaught escalation is not an error: the thrower goes on
}

bool StepContext::throw_compensation(Key thrower, const std::string& activity_ref) {
  const Key scope = state_.elements.at(thrower).parent;
  std::vector<model::ElementIndex> activities, handlers;
  for (auto it = state_.compensable.rbegin(); it != state_.compensable.rend(); ++it) {
    if (it->first != scope) continue;
    const auto& a = process().elements[it->second];
    if (!activity_ref.empty() && a.id != activity_ref) continue;
    activities.push_back(a.index);
    handlers.push_back(a.compensation_handler);
  }
  if (handlers.empty()) return false;
  emit(CompensationQueued{thrower, scope, activities, handlers});
  next_compensation(thrower);
  return true;
}

void StepContext::next_compensation(Key thrower) {
  auto it = state_.compensating.find(thrower);
  if (it == state_.compensating.end() || it->second.empty()) {
    if (!state_.elements.count(thrower)) return;
    if (std::find(state_.cancelling.begin(), state_.cancelling.end(), thrower) != state_.cancelling.end()) {
      const Key transaction = state_.elements.at(thrower).parent;
      for (auto b : element_of(transaction).boundary_events) {
        for (const auto& d : process().elements[b].event()->definitions) {
          if (d.kind == model::EventKind::Cancel) return trigger_boundary(transaction, b);
        }
      }
      return raise_incident(thrower, "the transaction has no cancel boundary event to continue from");
    }
    complete(thrower);  // all handlers ran: the thrower goes on
    return;
  }
  const auto handler = it->second.front();
  const Key scope = state_.elements.at(thrower).parent;
  const Key key = activate(handler, scope);
  emit(CompensationHandlerStarted{thrower, key});
}

void StepContext::cancel_transaction(Key thrower) {
  emit(TransactionCancelling{thrower});
  if (!throw_compensation(thrower, "")) next_compensation(thrower);
}

Key StepContext::activate_triggered(model::ElementIndex event, Key parent) {
  const Key key = env_.next_key();
  emit(ElementActivated{key, event, parent, false, Role::Normal});
  queue_.push_back({Work::Complete, key, {}, false});
  return key;
}

}  // namespace elva::runtime
