// Events -> rows, history and follow-ups (projection.hpp).
#include "exec/projection.hpp"

namespace elva::exec {
namespace {

using nlohmann::json;
using runtime::InstanceState;

std::string element_id(const InstanceState& s, Key element_instance) {
  auto it = s.elements.find(element_instance);
  return it == s.elements.end() ? std::string() : s.process->elements[it->second.element].id;
}

class Projector {
 public:
  Projector(const Loaded& l, const std::string& actor, std::int64_t now, store::Batch& batch,
            std::deque<FollowUp>& out)
      : l_(l), s_(l.state), actor_(actor), now_(now), batch_(batch), out_(out) {}

  void operator()(const runtime::InstanceStarted& e) {
    history("started", "", {{"businessKey", e.business_key}, {"definition", l_.definition_id}});
  }
  void operator()(const runtime::ElementActivated& e) {
    history("activated", elements()[e.element].id);
    activated_ = e.key;
    activated_row_ = batch_.history_size();
  }
  void operator()(const runtime::ElementCompleted& e) {
    // An element the token passed straight through (an event, a gateway: nothing written since
    // its activation, in the same unit, so at the same time) keeps one row, "completed", not
    // "activated" then "completed": a third fewer history rows for a simple process.
    if (e.key == activated_ && batch_.history_size() == activated_row_) {
      batch_.last_history().kind = "completed";
    } else {
      history("completed", elements()[e.element].id);
    }
    if (elements()[e.element].type == model::ElementType::UserTask)
      batch_.end_task(e.key, true, actor_);
  }
  void operator()(const runtime::ElementTerminated& e) {
    history("terminated", elements()[e.element].id);
    if (elements()[e.element].type == model::ElementType::UserTask)
      batch_.end_task(e.key, false, actor_);
  }
  void operator()(const runtime::UserTaskCreated& e) {
    const auto& el = elements()[e.element];
    store::Batch::UserTask t;
    t.key = e.element_instance;
    t.instance_id = s_.key;
    t.process_id = s_.process->id;
    t.process_name = s_.process->name;
    t.element_id = el.id;
    t.name = e.name.empty() ? el.name : e.name;
    t.documentation = el.documentation;
    t.business_key = s_.business_key;
    t.assignee = e.assignee;
    t.candidate_users = e.candidate_users;
    t.candidate_groups = e.candidate_groups;
    t.due = e.due;
    t.follow_up = e.follow_up;
    t.priority = e.priority;
    t.form_key = e.form_key;
    batch_.add_task(std::move(t));
  }
  void operator()(const runtime::VariablesSet& e) { history("variables", "", e.variables); }
  void operator()(const runtime::JobCreated& e) {
    batch_.add_job(store::JobRow{e.job.key, s_.key, e.job.element_instance,
                                 element_id(s_, e.job.element_instance), e.job.type, e.job.retries,
                                 e.job.due, e.job.input, "", 0});
  }
  void operator()(const runtime::JobRemoved& e) { batch_.remove_job(e.key); }
  void operator()(const runtime::TimerScheduled& e) {
    batch_.add_timer(store::TimerRow{e.timer.key, s_.key, l_.definition_id,
                                     elements()[e.timer.event].id, e.timer.due, e.timer.fired});
    batch_.wake |= e.timer.due - now_ < kWakeHorizon;
  }
  void operator()(const runtime::TimerRemoved& e) { batch_.remove_timer(e.key); }
  void operator()(const runtime::SubscriptionOpened& e) {
    const auto& sub = e.subscription;
    if (!sub.condition.empty()) return;  // conditions live in the snapshot only
    batch_.add_subscription(
        {sub.key, s_.key, elements()[sub.event].id, sub.signal, sub.name, sub.correlation_key});
    if (!sub.signal) out_.push_back(OfferBuffered{s_.key, sub.name, sub.correlation_key});
  }
  // Conditional subscriptions have no row; removing a missing key is harmless.
  void operator()(const runtime::SubscriptionClosed& e) { batch_.remove_subscription(e.key); }
  void operator()(const runtime::IncidentRaised& e) {
    const auto& i = e.incident;
    batch_.add_incident(store::IncidentRow{i.key, s_.key, i.element_instance,
                                           element_id(s_, i.element_instance), i.message, "", "",
                                           ""});
    history("incident", element_id(s_, i.element_instance), {{"message", i.message}});
  }
  void operator()(const runtime::IncidentResolved& e) {
    batch_.resolve_incident(e.key);
    history("incident resolved", "", {{"incident", e.key}});
  }
  void operator()(const runtime::CallRequested& e) {
    out_.push_back(
        StartChild{s_.key, e.call.element_instance, e.call.process_id, e.call.variables});
  }
  void operator()(const runtime::CallClosed& e) {
    out_.push_back(CancelChild{s_.key, e.element_instance});
  }
  void operator()(const runtime::ErrorEscaped& e) {
    out_.push_back(RethrowInParent{s_.parent_instance, s_.parent_element, e.code});
  }
  void operator()(const runtime::InstanceCompleted&) {
    history("instance completed", "");
    if (s_.parent_instance)
      out_.push_back(ReturnToParent{s_.parent_instance, s_.parent_element, s_.variables});
  }
  void operator()(const runtime::InstanceTerminated&) { history("instance terminated", ""); }
  void operator()(const runtime::InstanceMigrated& e) {
    history("migrated", "",
            {{"from", e.from_version},
             {"to", e.to_version},
             {"definition", e.to_definition},
             {"reason", e.reason},
             {"report", e.report}});
  }
  void operator()(const runtime::VariablesRemoved& e) {
    history("variables removed", element_id(s_, e.scope), {{"names", e.names}});
  }
  void operator()(const runtime::OperatorActed& e) {
    history("operator", "", {{"action", e.action}, {"reason", e.reason}, {"detail", e.detail}});
  }
  void operator()(const runtime::MessagePublished& e) {
    history("message published", "", {{"name", e.name}, {"correlationKey", e.correlation_key}});
    out_.push_back(RouteMessage{s_.key, e.name, e.correlation_key, e.variables, kThrownMessageTtl,
                                "", json::object()});
  }
  void operator()(const runtime::SignalPublished& e) {
    history("signal published", "", {{"name", e.name}});
    out_.push_back(RouteSignal{s_.key, e.name, e.variables});
  }
  // The rest changes only the instance's own state (the snapshot).
  template <typename Event>
  void operator()(const Event&) {}

 private:
  const std::vector<model::Element>& elements() const { return s_.process->elements; }
  void history(std::string kind, std::string element, json data = nullptr) {
    batch_.add_history({s_.key, actor_, std::move(kind), std::move(element), std::move(data), ""});
  }

  Key activated_ = 0;              // the element instance activated last in this step
  std::size_t activated_row_ = 0;  // history_size() right after its "activated" row
  const Loaded& l_;
  const InstanceState& s_;
  const std::string& actor_;
  std::int64_t now_;
  store::Batch& batch_;
  std::deque<FollowUp>& out_;
};

}  // namespace

void project(const Loaded& l, const runtime::StepResult& result, const std::string& actor,
             std::int64_t now, store::Batch& batch, std::deque<FollowUp>& follow_ups) {
  Projector p(l, actor, now, batch, follow_ups);
  for (const auto& event : result.events) std::visit(p, event);
}

}  // namespace elva::exec
