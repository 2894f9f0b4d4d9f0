// The token loop (context.hpp): activation and completion are queued and drained in order;
// behaviours decide what an element does, containers what a finished child means for them.
#include <algorithm>

#include "runtime/behaviors/element_behavior.hpp"
#include "runtime/context.hpp"

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
    case ElementType::EventBasedGateway:
      return true;
    default:
      return false;
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

Key StepContext::activate_triggered(model::ElementIndex event, Key parent) {
  const Key key = env_.next_key();
  emit(ElementActivated{key, event, parent, false, Role::Normal});
  queue_.push_back({Work::Complete, key, {}, false});
  return key;
}

Key StepContext::open_scope(model::ElementIndex element, Key parent) {
  const Key key = env_.next_key();
  emit(ElementActivated{key, element, parent, false, Role::Normal});
  arm_boundaries(key);
  if (auto r = apply_inputs(process().elements[element], key); !r)
    raise_incident(key, r.error().message);
  return key;
}

void StepContext::complete(Key instance) {
  queue_.push_back({Work::Complete, instance, {}, false});
}

void StepContext::complete_via(Key instance, std::vector<model::FlowIndex> flows) {
  queue_.push_back({Work::Complete, instance, std::move(flows), true});
}

void StepContext::drain() {
  const std::size_t limit = env_.limits().max_work_per_step;
  std::size_t done = 0;
  do {
    while (!queue_.empty()) {
      if (++done > limit) return stop_runaway(limit);
      Item item = std::move(queue_.front());
      queue_.pop_front();
      if (!state_.elements.count(item.instance)) continue;  // terminated meanwhile
      if (item.work == Work::Activate)
        run_activate(item.instance);
      else
        run_complete(item);
    }
  } while (fire_inclusive_joins() || fire_conditions());
}

// A command caused more work than one step may do (a loop of gateways, scripts or throws without
// a wait state): every token still queued stops with an incident, where it can be seen, fixed
// and retried, instead of the step running on inside its transaction.
void StepContext::stop_runaway(std::size_t limit) {
  std::vector<Key> stopped;
  for (const auto& item : queue_) {
    if (!state_.elements.count(item.instance) ||
        std::find(stopped.begin(), stopped.end(), item.instance) != stopped.end())
      continue;
    stopped.push_back(item.instance);
  }
  queue_.clear();
  for (Key k : stopped) {
    raise_incident(k, "the process did " + std::to_string(limit) +
                          " steps without reaching a wait state (a loop of gateways, scripts or "
                          "throws?) and stops here; "
                          "give the loop a wait state, or raise the limit (--max-steps)");
  }
}

void StepContext::run_activate(Key instance) {
  const auto& e = element_of(instance);
  const Role role = state_.elements.at(instance).role;
  if (model::is_activity(e.type) && role != Role::Inner) arm_boundaries(instance);
  // A body's inputs are its iterations' (each iteration applies them to its own scope).
  if (role != Role::Body) {
    if (auto r = apply_inputs(e, instance); !r) return raise_incident(instance, r.error().message);
    // Start execution listeners see the inputs; a user task's create listeners come next.
    if (!e.listeners.empty()) {
      for (auto event : {model::ListenerEvent::Start, model::ListenerEvent::Create})
        if (auto r = run_listeners(e, event, instance); !r)
          return raise_incident(instance, r.error().message);
    }
  }
  behavior_for(e, role).on_activate(e, instance, *this);
}

void StepContext::run_complete(const Item& item) {
  const Key instance = item.instance;
  const auto& e = element_of(instance);
  const auto& el = state_.elements.at(instance);
  const Key parent = el.parent;
  // End execution listeners: after the output mappings (finish), before the token leaves.
  if (!e.listeners.empty() && el.role != Role::Body) {
    if (auto r = run_listeners(e, model::ListenerEvent::End, instance); !r)
      return raise_incident(instance, r.error().message);
  }
  if (el.role == Role::Inner) {  // an iteration: its body decides what comes next
    close_attachments(instance);
    return behavior_for(element_of(parent), Role::Body)
        .on_child_completed(element_of(parent), parent, instance, *this);
  }
  std::vector<model::FlowIndex> flows = item.flows;
  if (!item.flows_chosen) {
    auto chosen = conditional_flows(e, instance);
    if (!chosen) return raise_incident(instance, chosen.error().message);
    flows = std::move(*chosen);
  }
  close_attachments(instance);
  behavior_for(e, el.role).on_complete(e, instance, *this);
  emit(ElementCompleted{instance, e.index});
  if (e.compensation_handler != model::kNoElement) emit(CompensableRecorded{parent, e.index});
  if (auto h = state_.handler_of.find(instance); h != state_.handler_of.end()) {
    const Key thrower = h->second;
    emit(CompensationHandlerDone{instance});
    return next_compensation(thrower);
  }
  leave(parent, instance, flows);
}

// A completed child's token moves on through its flows; a child whose token ends there tells
// its container, which may then be done.
void StepContext::leave(Key scope, Key child, const std::vector<model::FlowIndex>& flows) {
  for (auto f : flows) take_flow(f, scope);
  if (!flows.empty()) return;
  if (scope == 0) return complete_process_if_done();
  const auto& container = element_of(scope);
  behavior_for(container, state_.elements.at(scope).role)
      .on_child_completed(container, scope, child, *this);
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
  if (t.type == ElementType::InclusiveGateway && t.incoming.size() > 1)
    return;  // see fire_inclusive_joins
  activate(target, scope);
}

// The process is the outermost scope: its last token ending completes the instance.
void StepContext::complete_process_if_done() {
  if (!scope_is_done(0) || state_.status != InstanceStatus::Active) return;
  close_attachments(0);  // event sub-process triggers of the process
  emit(InstanceCompleted{});
}

bool StepContext::scope_is_done(Key scope) const {
  for (const auto& [key, el] : state_.elements) {
    if (el.parent == scope) return false;
  }
  for (const auto& [where, tokens] : state_.joins) {
    if (where.first == scope && !tokens.empty()) return false;  // tokens wait at a join
  }
  return true;
}

void StepContext::terminate_scope_except(Key scope, Key keep) {
  const auto children = child_index();
  if (auto it = children.find(scope); it != children.end()) {
    for (Key k : it->second) {
      if (k != keep && state_.elements.count(k)) terminate_tree(k, children);
    }
  }
  if (has_joins(scope)) emit(JoinsCleared{scope});
}

void StepContext::terminate(Key instance) { terminate_tree(instance, child_index()); }

void StepContext::terminate_all(const std::vector<Key>& instances) {
  const auto children = child_index();
  for (Key k : instances) {
    if (state_.elements.count(k)) terminate_tree(k, children);
  }
}

StepContext::ChildIndex StepContext::child_index() const {
  ChildIndex children;
  for (const auto& [key, el] : state_.elements) children[el.parent].push_back(key);
  return children;
}

// Children first (each still live: a behaviour may have ended one meanwhile), then the element.
void StepContext::terminate_tree(Key instance, const ChildIndex& children) {
  if (auto it = children.find(instance); it != children.end()) {
    for (Key child : it->second) {
      if (state_.elements.count(child)) terminate_tree(child, children);
    }
  }
  if (has_joins(instance)) emit(JoinsCleared{instance});
  const auto& e = element_of(instance);
  const auto& el = state_.elements.at(instance);
  const Key parent = el.parent;
  close_attachments(instance);
  behavior_for(e, el.role).on_terminate(e, instance, *this);
  emit(ElementTerminated{instance, e.index});
  if (parent != 0) {
    const auto& container = element_of(parent);
    behavior_for(container, state_.elements.at(parent).role)
        .on_child_terminated(container, parent, instance, *this);
  }
}

void StepContext::close_attachments(Key instance) {
  std::vector<Event> closing;
  for (const auto& [key, t] : state_.timers)
    if (t.element_instance == instance) closing.push_back(TimerRemoved{key});
  for (const auto& [key, s] : state_.subscriptions)
    if (s.element_instance == instance) closing.push_back(SubscriptionClosed{key});
  // Jobs only when this element has one (its counter): a scan per completion made fan-outs
  // quadratic.
  if (auto it = state_.elements.find(instance);
      it == state_.elements.end() || it->second.jobs > 0) {
    for (const auto& [key, j] : state_.jobs)
      if (j.element_instance == instance) closing.push_back(JobRemoved{key});
  }
  for (const auto& [key, i] : state_.incidents)
    if (i.element_instance == instance) closing.push_back(IncidentResolved{key});
  for (auto& ev : closing) emit(std::move(ev));
}

}  // namespace elva::runtime
