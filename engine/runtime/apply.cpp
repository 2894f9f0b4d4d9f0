// apply(): one small function per event, the only code that mutates InstanceState.
#include "common/iso8601.hpp"
#include "elva/error.hpp"
#include "runtime/events.hpp"
#include "runtime/lifecycle.hpp"

namespace elva::runtime {
namespace {

struct Applier {
  InstanceState& s;

  void operator()(const InstanceStarted& e) {
    s.key = e.key;
    s.business_key = e.business_key;
    s.parent_instance = e.parent_instance;
    s.parent_element = e.parent_element;
    s.status = InstanceStatus::Active;
  }
  void operator()(const ElementActivated& e) {
    auto& el = s.elements[e.key];
    el.key = e.key;
    el.element = e.element;
    el.parent = e.parent;
    el.waiting = e.waiting && e.role != Role::Body;
    el.role = e.role;
  }
  void operator()(const ElementCompleted& e) {
    auto it = s.elements.find(e.key);
    ELVA_ASSERT(it != s.elements.end(), "completing an element instance that is not active");
    s.completed.push_back(s.process->elements[it->second.element].id);
    s.elements.erase(it);
  }
  void operator()(const ElementTerminated& e) { s.elements.erase(e.key); }
  void operator()(const FlowTaken& e) {
    const auto& flow = s.process->flows[e.flow];
    const auto& target = s.process->elements[flow.target];
    if ((target.type == model::ElementType::ParallelGateway ||
         target.type == model::ElementType::InclusiveGateway) &&
        target.incoming.size() > 1) {
      ++s.joins[{e.scope, flow.target}][e.flow];
    }
  }
  void operator()(const JoinReset& e) {
    auto& arrived = s.joins[{e.scope, e.gateway}];
    for (auto it = arrived.begin(); it != arrived.end();) {
      it = --it->second == 0 ? arrived.erase(it) : std::next(it);
    }
    if (arrived.empty()) s.joins.erase({e.scope, e.gateway});
  }
  void operator()(const JoinsCleared& e) {
    for (auto it = s.joins.begin(); it != s.joins.end();) {
      it = it->first.first == e.scope ? s.joins.erase(it) : std::next(it);
    }
  }
  void operator()(const VariablesSet& e) {
    for (auto it = e.variables.begin(); it != e.variables.end(); ++it)
      s.variables[it.key()] = it.value();
  }
  void operator()(const LocalVariablesSet& e) {
    auto& local = s.elements.at(e.instance).local;
    for (auto it = e.variables.begin(); it != e.variables.end(); ++it) local[it.key()] = it.value();
  }
  void operator()(const LoopStarted& e) {
    auto& loop = s.elements.at(e.body).loop.emplace(LoopState{});
    loop.items = e.items;
    loop.instances = static_cast<std::int64_t>(e.items.size());
    if (e.collect) loop.outputs = nlohmann::json(e.items.size(), nullptr);
  }
  void operator()(const IterationStarted& e) {
    auto& loop = *s.elements.at(e.body).loop;
    loop.next = e.index + 1;
    ++loop.active;
  }
  void operator()(const IterationCompleted& e) {
    auto& loop = *s.elements.at(e.body).loop;
    ++loop.completed;
    --loop.active;
    if (loop.outputs.is_array() && e.index < loop.outputs.size()) loop.outputs[e.index] = e.output;
  }
  void operator()(const JobCreated& e) {
    if (s.jobs.count(e.job.key)) (*this)(JobRemoved{e.job.key});
    s.jobs[e.job.key] = e.job;
    if (auto it = s.elements.find(e.job.element_instance); it != s.elements.end())
      ++it->second.jobs;
  }
  void operator()(const JobRemoved& e) {
    auto job = s.jobs.find(e.key);
    if (job == s.jobs.end()) return;
    if (auto it = s.elements.find(job->second.element_instance);
        it != s.elements.end() && it->second.jobs > 0)
      --it->second.jobs;
    s.jobs.erase(job);
  }
  void operator()(const TimerScheduled& e) { s.timers[e.timer.key] = e.timer; }
  void operator()(const TimerRemoved& e) { s.timers.erase(e.key); }
  void operator()(const SubscriptionOpened& e) {
    s.subscriptions[e.subscription.key] = e.subscription;
  }
  void operator()(const SubscriptionClosed& e) { s.subscriptions.erase(e.key); }
  void operator()(const ConditionChanged& e) {
    if (auto it = s.subscriptions.find(e.subscription); it != s.subscriptions.end())
      it->second.was_true = e.now_true;
  }
  void operator()(const CompensableRecorded& e) { s.compensable.emplace_back(e.scope, e.activity); }
  void operator()(const CompensationQueued& e) {
    for (auto a : e.activities) {
      for (auto it = s.compensable.rbegin(); it != s.compensable.rend(); ++it) {
        if (it->first == e.scope && it->second == a) {
          s.compensable.erase(std::next(it).base());
          break;
        }
      }
    }
    s.compensating[e.thrower] = e.handlers;
  }
  void operator()(const CompensationHandlerStarted& e) {
    auto& queue = s.compensating[e.thrower];
    if (!queue.empty()) queue.erase(queue.begin());
    s.handler_of[e.handler_instance] = e.thrower;
  }
  void operator()(const CompensationHandlerDone& e) { s.handler_of.erase(e.handler_instance); }
  void operator()(const TransactionCancelling& e) { s.cancelling.push_back(e.thrower); }
  void operator()(const CallRequested& e) { s.calls[e.call.element_instance] = e.call; }
  void operator()(const CallClosed& e) { s.calls.erase(e.element_instance); }
  void operator()(const ErrorEscaped& e) { s.escaped_error = e.code; }
  void operator()(const MessagePublished&) {}
  void operator()(const SignalPublished&) {}
  void operator()(const UserTaskCreated&) {}
  void operator()(const IncidentRaised& e) {
    s.incidents[e.incident.key] = e.incident;
    if (auto it = s.elements.find(e.incident.element_instance); it != s.elements.end()) {
      it->second.incident = e.incident.key;
    }
  }
  void operator()(const IncidentResolved& e) {
    auto it = s.incidents.find(e.key);
    if (it == s.incidents.end()) return;
    if (auto el = s.elements.find(it->second.element_instance); el != s.elements.end())
      el->second.incident = 0;
    s.incidents.erase(it);
  }
  void operator()(const InstanceCompleted&) { s.status = InstanceStatus::Completed; }
  void operator()(const InstanceTerminated&) { s.status = InstanceStatus::Terminated; }
  void operator()(const InstanceMigrated& e) {
    auto element = [&](model::ElementIndex i) {
      return i < e.elements.size() ? e.elements[i] : model::kNoElement;
    };
    for (auto& [key, el] : s.elements) {
      el.element = element(el.element);
      ELVA_ASSERT(el.element != model::kNoElement, "a migrated element instance has no element");
    }
    for (auto& [key, t] : s.timers) t.event = element(t.event);
    for (auto& [key, x] : s.subscriptions) x.event = element(x.event);
    std::map<std::pair<Key, model::ElementIndex>, std::map<model::FlowIndex, int>> joins;
    for (const auto& [at, arrived] : s.joins) {
      auto& moved = joins[{at.first, element(at.second)}];
      for (const auto& [flow, n] : arrived)
        moved[flow < e.flows.size() ? e.flows[flow] : model::kNoFlow] += n;
    }
    s.joins = std::move(joins);
    for (auto& c : s.compensable) c.second = element(c.second);
    s.process = e.to;
  }
  void operator()(const VariablesRemoved& e) {
    auto& vars = e.scope == 0 ? s.variables : s.elements.at(e.scope).local;
    for (const auto& name : e.names) vars.erase(name);
  }
  void operator()(const OperatorActed&) {}
};

}  // namespace

void apply(const Event& event, InstanceState& state) {
  check_lifecycle(event, state);
  std::visit(Applier{state}, event);
  ++state.version;
}

std::string describe(const Event& event, const InstanceState& s,
                     const std::function<std::string(Key)>& key_text) {
  auto key_of = [&](Key k) { return key_text ? key_text(k) : std::to_string(k); };
  auto element_of = [&](Key k) -> std::string {
    auto it = s.elements.find(k);
    return it == s.elements.end() ? key_of(k) : s.process->elements[it->second.element].id;
  };
  struct Describer {
    const InstanceState& s;
    decltype(element_of)& of;
    decltype(key_of)& key;
    std::string operator()(const InstanceStarted& e) const { return "started " + e.process_id; }
    std::string operator()(const ElementActivated& e) const {
      const auto& el = s.process->elements[e.element];
      const char* role = e.role == Role::Body    ? " [multi-instance body]"
                         : e.role == Role::Inner ? " [iteration]"
                                                 : "";
      return "activated " + el.id + " (" + std::string(model::bpmn_name(el.type)) + ")" + role;
    }
    std::string operator()(const ElementCompleted& e) const {
      return "completed " + s.process->elements[e.element].id;
    }
    std::string operator()(const ElementTerminated& e) const {
      return "terminated " + s.process->elements[e.element].id;
    }
    std::string operator()(const FlowTaken& e) const {
      return "took " + s.process->flows[e.flow].id;
    }
    std::string operator()(const JoinReset& e) const {
      return "joined at " + s.process->elements[e.gateway].id;
    }
    std::string operator()(const JoinsCleared& e) const {
      return "cleared joins in " + (e.scope ? of(e.scope) : std::string("the process"));
    }
    std::string operator()(const VariablesSet& e) const { return "set " + e.variables.dump(); }
    std::string operator()(const LocalVariablesSet& e) const {
      return "set in " + of(e.instance) + " " + e.variables.dump();
    }
    std::string operator()(const LoopStarted& e) const {
      return "loop " + of(e.body) +
             (e.items.empty() ? std::string()
                              : " over " + std::to_string(e.items.size()) + " items");
    }
    std::string operator()(const IterationStarted& e) const {
      return "iteration " + std::to_string(e.index + 1) + " of " + of(e.body);
    }
    std::string operator()(const IterationCompleted& e) const {
      return "iteration " + std::to_string(e.index + 1) + " of " + of(e.body) + " done" +
             (e.output.is_null() ? "" : ": " + e.output.dump());
    }
    std::string operator()(const JobCreated& e) const {
      return "job " + e.job.type + " for " + of(e.job.element_instance);
    }
    std::string operator()(const JobRemoved& e) const { return "job " + key(e.key) + " closed"; }
    std::string operator()(const TimerScheduled& e) const {
      return "timer " + s.process->elements[e.timer.event].id + " due " +
             iso8601::format_utc(e.timer.due);
    }
    std::string operator()(const TimerRemoved& e) const {
      return "timer " + key(e.key) + " removed";
    }
    std::string operator()(const SubscriptionOpened& e) const {
      if (!e.subscription.condition.empty()) return "waits for " + e.subscription.condition;
      return (e.subscription.signal ? "waits for signal " : "waits for message ") +
             e.subscription.name;
    }
    std::string operator()(const ConditionChanged& e) const {
      return std::string("condition became ") + (e.now_true ? "true" : "false");
    }
    std::string operator()(const SubscriptionClosed& e) const {
      return "subscription " + key(e.key) + " closed";
    }
    std::string operator()(const CompensableRecorded& e) const {
      return "can compensate " + s.process->elements[e.activity].id;
    }
    std::string operator()(const CompensationQueued& e) const {
      std::string out = "compensates";
      for (auto a : e.activities) out += " " + s.process->elements[a].id;
      return out;
    }
    std::string operator()(const CompensationHandlerStarted& e) const {
      return "compensation handler " + of(e.handler_instance) + " runs";
    }
    std::string operator()(const CompensationHandlerDone& e) const {
      return "compensation handler " + key(e.handler_instance) + " done";
    }
    std::string operator()(const TransactionCancelling& e) const {
      return "cancels the transaction of " + of(e.thrower);
    }
    std::string operator()(const CallRequested& e) const {
      return "calls " + e.call.process_id + " from " + of(e.call.element_instance);
    }
    std::string operator()(const CallClosed& e) const {
      return "call from " + of(e.element_instance) + " closed";
    }
    std::string operator()(const ErrorEscaped& e) const {
      return "error " + e.code + " goes up to the caller";
    }
    std::string operator()(const MessagePublished& e) const {
      return "message " + e.name +
             (e.correlation_key.empty() ? "" : " (" + e.correlation_key + ")") + " published";
    }
    std::string operator()(const SignalPublished& e) const {
      return "signal " + e.name + " published";
    }
    std::string operator()(const UserTaskCreated& e) const {
      std::string out = "task " + of(e.element_instance) + " for";
      if (!e.assignee.empty()) out += " " + e.assignee;
      for (const auto& u : e.candidate_users) out += " " + u;
      for (const auto& g : e.candidate_groups) out += " group:" + g;
      if (e.assignee.empty() && e.candidate_users.empty() && e.candidate_groups.empty())
        out += " anyone";
      if (e.due) out += ", due " + iso8601::format_utc(e.due);
      return out;
    }
    std::string operator()(const IncidentRaised& e) const {
      return "incident at " + of(e.incident.element_instance) + ": " + e.incident.message;
    }
    std::string operator()(const IncidentResolved& e) const {
      return "incident " + key(e.key) + " resolved";
    }
    std::string operator()(const InstanceCompleted&) const { return "instance completed"; }
    std::string operator()(const InstanceTerminated&) const { return "instance terminated"; }
    std::string operator()(const InstanceMigrated& e) const {
      return "migrated from version " + std::to_string(e.from_version) + " to version " +
             std::to_string(e.to_version);
    }
    std::string operator()(const VariablesRemoved& e) const {
      std::string out = "removed";
      for (const auto& n : e.names) out += " " + n;
      return out + (e.scope ? " from " + of(e.scope) : std::string());
    }
    // A job's key is written by key() (traces number keys: they differ between stores).
    std::string operator()(const OperatorActed& e) const {
      nlohmann::json detail = e.detail;
      std::string job;
      if (detail.contains("job") && detail["job"].is_number_unsigned()) {
        job = " job " + key(detail["job"].get<Key>());
        detail.erase("job");
      }
      return "operator: " + e.action + job + (detail.empty() ? "" : " " + detail.dump()) +
             " (reason: " + e.reason + ")";
    }
  };
  return std::visit(Describer{s, element_of, key_of}, event);
}

}  // namespace elva::runtime
