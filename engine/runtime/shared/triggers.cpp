// Triggers (context.hpp): timers, message, signal and conditional subscriptions, boundary
// events, event sub-process start events and event-based gateways.
#include "runtime/context.hpp"
#include "runtime/shared/timers.hpp"

namespace elva::runtime {

using model::ElementType;

bool StepContext::arm_trigger(Key owner, model::ElementIndex event,
                              const model::EventDefinition& d) {
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

std::vector<model::ElementIndex> StepContext::event_subprocess_starts(Key scope) const {
  const model::ElementIndex scope_element =
      scope == 0 ? model::kNoElement : state_.elements.at(scope).element;
  std::vector<model::ElementIndex> out;
  for (const auto& sub : process().elements) {
    if (sub.type != ElementType::EventSubProcess || sub.scope != scope_element) continue;
    for (auto child : sub.as<model::SubProcessSpec>()->children) {
      if (process().elements[child].type == ElementType::StartEvent) out.push_back(child);
    }
  }
  return out;
}

void StepContext::arm_event_subprocesses(Key scope) {
  for (auto start : event_subprocess_starts(scope)) {
    for (const auto& d : process().elements[start].event()->definitions)
      arm_trigger(scope, start, d);
  }
}

void StepContext::trigger_event_subprocess(Key scope, model::ElementIndex start_event) {
  const auto& start = process().elements[start_event];
  if (start.event()->interrupting) {
    terminate_scope_except(scope, 0);
    // An interrupting trigger fires once: close the scope's other triggers too.
    std::vector<Event> closing;
    for (const auto& [key, t] : state_.timers)
      if (t.element_instance == scope) closing.push_back(TimerRemoved{key});
    for (const auto& [key, sub] : state_.subscriptions)
      if (sub.element_instance == scope) closing.push_back(SubscriptionClosed{key});
    for (auto& ev : closing) emit(std::move(ev));
  }
  // The event sub-process activates like any element (its behaviour starts the triggered start
  // event, container/event_sub_process.cpp).
  const Key sub = activate(start.scope, scope);
  triggered_by_[sub] = start_event;
}

model::ElementIndex StepContext::take_trigger(Key event_subprocess) {
  auto it = triggered_by_.find(event_subprocess);
  if (it == triggered_by_.end()) return model::kNoElement;
  const auto start = it->second;
  triggered_by_.erase(it);
  return start;
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

void StepContext::deliver(const Subscription& sub, const nlohmann::json& variables) {
  const auto& event = process().elements[sub.event];
  const bool stays =
      (event.type == ElementType::BoundaryEvent && !event.event()->cancel_activity) ||
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
  if (owner != 0 && process().elements[state_.elements.at(owner).element].type ==
                        ElementType::EventBasedGateway) {
    return trigger_event_gateway(owner, event);
  }
  complete(owner);  // an intermediate catch event waiting for its own timer
}

void StepContext::trigger_boundary(Key host, model::ElementIndex boundary) {
  const Key parent = state_.elements.at(host).parent;
  if (process().elements[boundary].event()->cancel_activity) terminate(host);
  activate_triggered(boundary, parent);
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

}  // namespace elva::runtime
