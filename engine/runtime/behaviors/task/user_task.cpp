// User tasks: wait for a person. The assignment (assignee, candidates, due and follow-up
// dates, priority, form) is evaluated when the task is activated; one that cannot be evaluated
// is the task's incident, never a task nobody sees. Completed by CompleteWait.
#include "common/iso8601.hpp"
#include "expr/feel.hpp"
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

// One assignment attribute: a FEEL expression (=..., ${...}) evaluated in the task's scope, or
// the literal text.
Result<expr::Value> attribute(const std::string& text, Key instance, StepContext& ctx) {
  if (!expr::looks_like_expression(text)) return expr::Value(text);
  return ctx.evaluate(text, instance);
}

// A list of people or groups: a FEEL list, or a comma-separated text.
Result<std::vector<std::string>> names_of(const std::string& what, const std::string& text,
                                          Key instance, StepContext& ctx) {
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
      if (!s2)
        return fail(Errc::InvalidArgument, what + " '" + text + "' gives a list with " +
                                               item.type_name() +
                                               " in it; it must hold texts (user or group ids)");
      out.push_back(*s2);
    }
  } else {
    return fail(Errc::InvalidArgument, what + " '" + text + "' gives " + v->type_name() +
                                           "; it must give a text or a list of texts");
  }
  return out;
}

// A due or follow-up date: a date-time or date (FEEL value or ISO 8601 text), or a duration
// from now (P3D: three days after the task was created).
Result<std::int64_t> time_of(const std::string& what, const std::string& text, Key instance,
                             StepContext& ctx) {
  if (text.empty()) return std::int64_t{0};
  auto v = attribute(text, instance, ctx);
  if (!v) return fail(Errc::InvalidArgument, what + " '" + text + "': " + v.error().message);
  if (v->is_null()) return std::int64_t{0};
  const std::int64_t now = ctx.env().now_millis();
  if (const auto* s = v->get<std::string>()) {
    if (auto d = iso8601::parse_duration(*s)) return iso8601::add(now, *d);
    if (auto t = iso8601::parse_date_time(*s)) return t->epoch_millis;
    return fail(Errc::InvalidArgument, what + " '" + text + "' gives \"" + *s +
                                           "\", which is neither an ISO 8601 date-time "
                                           "(2026-12-01T09:00:00Z) nor a duration (P3D)");
  }
  if (const auto* dt = v->get<expr::DateTime>()) {
    if (auto t = iso8601::parse_date_time(expr::date_time_to_string(*dt))) return t->epoch_millis;
  }
  if (const auto* d = v->get<expr::Date>()) {
    if (auto t = iso8601::parse_date_time(expr::date_to_string(*d) + "T00:00:00Z"))
      return t->epoch_millis;
  }
  if (const auto* d = v->get<expr::DayTimeDuration>()) {
    if (auto p = iso8601::parse_duration(expr::duration_to_string(*d)))
      return iso8601::add(now, *p);
  }
  if (const auto* d = v->get<expr::YearMonthDuration>()) {
    if (auto p = iso8601::parse_duration(expr::duration_to_string(*d)))
      return iso8601::add(now, *p);
  }
  return fail(Errc::InvalidArgument, what + " '" + text + "' gives " + v->type_name() +
                                         "; it must give a date-time, a date or a duration");
}

// The assignment of a user task, evaluated at activation. An expression that fails is the
// task's incident: a task nobody can see must not wait silently.
Result<UserTaskCreated> assignment(const model::UserTaskSpec& t, Key instance, StepContext& ctx) {
  UserTaskCreated out;
  out.element_instance = instance;
  out.element = ctx.element_of(instance).index;
  out.form_key = t.form_key;
  if (const auto& name = ctx.element_of(instance).name; name.find("{{") != std::string::npos)
    out.name = ctx.fill_templates(name, instance);
  if (!t.assignee.empty()) {
    auto v = attribute(t.assignee, instance, ctx);
    if (!v)
      return fail(Errc::InvalidArgument, "assignee '" + t.assignee + "': " + v.error().message);
    if (const auto* s = v->get<std::string>()) {
      out.assignee = *s;
    } else if (!v->is_null()) {
      return fail(Errc::InvalidArgument, "assignee '" + t.assignee + "' gives " + v->type_name() +
                                             "; it must give a user id (text)");
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
    if (!v)
      return fail(Errc::InvalidArgument, "priority '" + t.priority + "': " + v.error().message);
    // A number, or a literal such as camunda:priority="70" (a text of digits).
    const std::string text = v->get<std::string>() ? *v->get<std::string>() : v->to_string();
    std::size_t used = 0;
    try {
      out.priority = std::stoi(text, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != text.size()) {
      return fail(Errc::InvalidArgument, "priority '" + t.priority + "' gives " + v->to_string() +
                                             "; it must give a whole number");
    }
  }
  return out;
}

class UserTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    static const model::UserTaskSpec kNone;
    const auto* user = e.as<model::UserTaskSpec>();
    auto a = assignment(user ? *user : kNone, instance, ctx);
    if (!a) return ctx.raise_incident(instance, a.error().message);
    ctx.emit(std::move(*a));
  }
};

}  // namespace

const ElementBehavior& user_task_behavior() {
  static const UserTaskBehavior b;
  return b;
}

}  // namespace elva::runtime
