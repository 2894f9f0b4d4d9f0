// Task behaviours: wait states (user, manual, receive, abstract), jobs (service, send, and
// job-worker script or business rule tasks), FEEL script tasks.
#include "runtime/behaviors/behaviors.hpp"
#include "expr/feel.hpp"
#include "runtime/timers.hpp"
#include "common/iso8601.hpp"

namespace elva::runtime {

namespace {

// One assignment attribute: a FEEL expression (=..., ${...}) evaluated in the task's scope, or
// the literal text.
Result<expr::Value> attribute(const std::string& text, Key instance, StepContext& ctx) {
  if (!expr::looks_like_expression(text)) return expr::Value(text);
  return ctx.evaluate(text, instance);
}

// A list of people or groups: a FEEL list, or a comma-separated text.
Result<std::vector<std::string>> names_of(const std::string& what, const std::string& text, Key instance, StepContext& ctx) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  auto v = attribute(text, instance, ctx);
  if (!v) return fail(Errc::InvalidArgument, what + " '" + text + "': " + v.error().message);
  auto add_csv = [&](const std::string& csv) {
    std::size_t start = 0;
    while (start <= csv.size()) {
      auto end = csv.find(',', start);
      if (end == std::string::npos) end = csv.size();
      auto item = csv.substr(start, end - start);
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (!item.empty()) out.push_back(item);
      start = end + 1;
    }
  };
  if (v->is_null()) return out;
  if (const auto* s = v->get<std::string>()) {
    add_csv(*s);
  } else if (const auto* list = v->list()) {
    for (const auto& item : *list) {
      const auto* s2 = item.get<std::string>();
      if (!s2) return fail(Errc::InvalidArgument, what + " '" + text + "' gives a list with " + item.type_name() + " in it; it must hold texts (user or group ids)");
      out.push_back(*s2);
    }
  } else {
    return fail(Errc::InvalidArgument, what + " '" + text + "' gives " + v->type_name() + "; it must give a text or a list of texts");
  }
  return out;
}

// A due or follow-up date: a date-time or date (FEEL value or ISO 8601 text), or a duration
// from now (P3D: three days after the task was created).
Result<std::int64_t> time_of(const std::string& what, const std::string& text, Key instance, StepContext& ctx) {
  if (text.empty()) return std::int64_t{0};
  auto v = attribute(text, instance, ctx);
  if (!v) return fail(Errc::InvalidArgument, what + " '" + text + "': " + v.error().message);
  if (v->is_null()) return std::int64_t{0};
  const std::int64_t now = ctx.env().now_millis();
  if (const auto* s = v->get<std::string>()) {
    if (auto d = iso8601::parse_duration(*s)) return iso8601::add(now, *d);
    if (auto t = iso8601::parse_date_time(*s)) return t->epoch_millis;
    return fail(Errc::InvalidArgument, what + " '" + text + "' gives \"" + *s + "\", which is neither an ISO 8601 date-time (2026-12-01T09:00:00Z) nor a duration (P3D)");
  }
  if (const auto* dt = v->get<expr::DateTime>()) {
    if (auto t = iso8601::parse_date_time(expr::date_time_to_string(*dt))) return t->epoch_millis;
  }
  if (const auto* d = v->get<expr::Date>()) {
    if (auto t = iso8601::parse_date_time(expr::date_to_string(*d) + "T00:00:00Z")) return t->epoch_millis;
  }
  if (const auto* d = v->get<expr::DayTimeDuration>()) {
    if (auto p = iso8601::parse_duration(expr::duration_to_string(*d))) return iso8601::add(now, *p);
  }
  if (const auto* d = v->get<expr::YearMonthDuration>()) {
    if (auto p = iso8601::parse_duration(expr::duration_to_string(*d))) return iso8601::add(now, *p);
  }
  return fail(Errc::InvalidArgument, what + " '" + text + "' gives " + v->type_name() + "; it must give a date-time, a date or a duration");
}

// The assignment of a user task, evaluated at activation. An expression that fails is the
// task's incident: a task nobody can see must not wait silently.
Result<UserTaskCreated> assignment(const model::UserTaskSpec& t, Key instance, StepContext& ctx) {
  UserTaskCreated out;
  out.element_instance = instance;
  out.element = ctx.element_of(instance).index;
  out.form_key = t.form_key;
  if (!t.assignee.empty()) {
    auto v = attribute(t.assignee, instance, ctx);
    if (!v) return fail(Errc::InvalidArgument, "assignee '" + t.assignee + "': " + v.error().message);
    if (const auto* s = v->get<std::string>()) {
      out.assignee = *s;
    } else if (!v->is_null()) {
      return fail(Errc::InvalidArgument, "assignee '" + t.assignee + "' gives " + v->type_name() + "; it must give a user id (text)");
    }
  }
  auto users = names_of("candidateUsers", t.candidate_users, instance, ctx);
  if (!users) return fail(users.error());
  out.candidate_users = std::move(*users);
  auto groups = names_of("candidateGroups", t.candidate_groups, instance, ctx);
  if (!groups) return fail(groups.error());
  out.candidate_groups = std::move(*groups);
  auto due = time_of("dueDate", t.due_date, instance, ctx);
  if (!due) return fail(due.error());
  out.due = *due;
  auto follow = time_of("followUpDate", t.follow_up_date, instance, ctx);
  if (!follow) return fail(follow.error());
  out.follow_up = *follow;
  if (!t.priority.empty()) {
    auto v = attribute(t.priority, instance, ctx);
    if (!v) return fail(Errc::InvalidArgument, "priority '" + t.priority + "': " + v.error().message);
    // A number, or a literal such as camunda:priority="70" (a text of digits).
    const std::string text = v->get<std::string>() ? *v->get<std::string>() : v->to_string();
    std::size_t used = 0;
    try {
      out.priority = std::stoi(text, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != text.size()) {
      return fail(Errc::InvalidArgument, "priority '" + t.priority + "' gives " + v->to_string() + "; it must give a whole number");
    }
  }
  return out;
}

}  // namespace

// Completed later by CompleteWait (a person, a test, or a correlated message for receive tasks).
class WaitTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    if (e.type == model::ElementType::UserTask) {
      static const model::UserTaskSpec kNone;
      const auto* user = e.as<model::UserTaskSpec>();
      auto a = assignment(user ? *user : kNone, instance, ctx);
      if (!a) return ctx.raise_incident(instance, a.error().message);
      return ctx.emit(std::move(*a));
    }
    const auto* task = e.as<model::MessageTaskSpec>();
    if (e.type != model::ElementType::ReceiveTask || !task) return;
    model::EventDefinition d;
    d.kind = model::EventKind::Message;
    d.resolved = task->message_name;
    d.correlation_key = task->correlation_key;
    auto sub = subscription_for(d, instance, ctx);
    if (!sub) return ctx.raise_incident(instance, sub.error().message);
    sub->key = ctx.env().next_key();
    sub->element_instance = instance;
    sub->event = e.index;
    ctx.emit(SubscriptionOpened{*sub});
  }
};

// Creates a job for a connector or worker; CompleteJob finishes the element.
class JobTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    if (!e.job) {
      if (const auto* s = e.as<model::ScriptSpec>()) return run_script(*s, instance, ctx);
      const auto* send = e.as<model::MessageTaskSpec>();
      if (e.type == model::ElementType::SendTask && send && !send->message_name.empty()) {
        if (auto r = ctx.publish_message(instance, send->message_name, send->correlation_key); !r) {
          return ctx.raise_incident(instance, r.error().message);
        }
        return ctx.complete(instance);
      }
      if (const auto* d = e.as<model::DecisionSpec>(); d && !d->decision_ref.empty()) return decide(*d, instance, ctx);
      return ctx.raise_incident(instance, "the task has no connector or job type (a send task may name a message instead)");
    }
    Job job{ctx.env().next_key(), instance, e.job->job_type, nlohmann::json::object(), 3, 0, 0};
    if (!e.job->retries.empty()) {
      try { job.retries = std::max(1, std::stoi(e.job->retries)); } catch (...) {}
    } else if (auto cycle = iso8601::parse_cycle(e.job->retry_cycle); cycle && cycle->repetitions > 0) {
      job.retries = static_cast<int>(cycle->repetitions);  // R5/PT1M: five tries, a minute apart
    }
    if (e.inputs.empty()) {
      job.input = ctx.visible_variables(instance);  // no mappings: the job sees every variable
    } else {
      // The input mappings, already evaluated into the element's local variables.
      const auto& local = ctx.state().elements.at(instance).local;
      for (const auto& m : e.inputs) job.input[m.target] = local.value(m.target, nlohmann::json());
    }
    ctx.emit(JobCreated{std::move(job)});
  }

 private:
  // A DMN decision: evaluated over the visible variables; its (mapped) result goes to the
  // result variable, through the task's output mappings.
  static void decide(const model::DecisionSpec& d, Key instance, StepContext& ctx) {
    const auto* service = ctx.env().decisions();
    if (!service) return ctx.raise_incident(instance, "no DMN decisions are deployed here, so decision '" + d.decision_ref + "' cannot be evaluated");
    std::string ref = d.decision_ref;
    if (expr::looks_like_expression(ref)) {
      auto v = ctx.evaluate(ref, instance);
      if (!v || !v->get<std::string>()) return ctx.raise_incident(instance, "decisionRef '" + ref + "' does not give a decision id");
      ref = *v->get<std::string>();
    }
    auto result = service->evaluate(ref, ctx.visible_variables(instance), d.map_result, ctx.env().now_millis());
    if (!result) return ctx.raise_incident(instance, result.error().message);  // names the decision
    nlohmann::json vars = nlohmann::json::object();
    if (!d.result_variable.empty()) vars[d.result_variable] = *result;
    ctx.finish(instance, vars);
  }

  static void run_script(const model::ScriptSpec& s, Key instance, StepContext& ctx) {
    auto v = ctx.evaluate(s.body, instance);
    if (!v) return ctx.raise_incident(instance, "script: " + v.error().message);
    if (!s.result_variable.empty()) ctx.set_variables(instance, {{s.result_variable, v->to_json()}});
    ctx.complete(instance);
  }
};

const ElementBehavior& wait_task_behavior() { static WaitTaskBehavior b; return b; }
const ElementBehavior& job_task_behavior() { static JobTaskBehavior b; return b; }

}  // namespace elva::runtime
