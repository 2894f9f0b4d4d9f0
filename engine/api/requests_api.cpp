// Requests: what an employee may start from the task list and with which start form, starting
// one as that employee, the requests they started and where each stands, and withdrawing one
// where the process allows it (PeopleApi, people_api.hpp; docs/api.md#requests).
#include <algorithm>
#include <map>

#include "api/people_api.hpp"
#include "forms/translations.hpp"
#include "runtime/state_json.hpp"
#include "sched/command_queue.hpp"
#include "sched/prompter.hpp"

namespace elva::api {
namespace {

using nlohmann::json;

constexpr int kMostRequests = 100;    // a page of "my requests"
constexpr int kStepsPerRequest = 20;  // open tasks shown per request

// The process's none start event at process level (null: it starts only by a trigger).
const model::Element* none_start(const model::ProcessDefinition& p) {
  for (const auto& e : p.elements) {
    const auto* ev = e.event();
    if (e.type == model::ElementType::StartEvent && e.scope == model::kNoElement && ev &&
        ev->definitions.empty())
      return &e;
  }
  return nullptr;
}

std::string property(const model::Element& e, std::string_view name) {
  for (const auto& p : e.properties)
    if (p.name == name) return p.value;
  return "";
}

// Start rights (may_start): developers and administrators start anything; a process without a
// starter list may be started by any employee.
bool may_start_process(const Principal& who, const model::ProcessDefinition& p) {
  if (who.is("developer")) return true;
  const auto& groups = p.candidate_starter_groups;
  const auto& users = p.candidate_starter_users;
  if (groups.empty() && users.empty()) return true;
  if (std::find(users.begin(), users.end(), who.user) != users.end()) return true;
  return std::any_of(who.groups.begin(), who.groups.end(), [&](const std::string& g) {
    return std::find(groups.begin(), groups.end(), g) != groups.end();
  });
}

json or_null(const std::string& s) { return s.empty() ? json() : json(s); }

json startable_json(const store::DefinitionRow& d, const model::ProcessDefinition& p,
                    const model::Element& start, const json& tr) {
  const std::string name = !p.name.empty() ? p.name : !d.name.empty() ? d.name : d.process_id;
  return {{"process", d.process_id},
          {"name", forms::translated_process(tr, d.process_id, "name", name)},
          {"version", d.version},
          {"documentation",
           forms::translated_process(tr, d.process_id, "documentation", p.documentation)},
          {"formKey", or_null(property(start, "formKey"))},
          {"withdrawable", !p.withdraw_message.empty()}};
}

Error not_a_starter(const std::string& process_id) {
  return Error{Errc::PermissionDenied,
               "you may not start process '" + process_id +
                   "' (it names who may: candidate starter groups and users)",
               {}};
}

Error cannot_withdraw(const std::string& why) { return Error{Errc::Conflict, why, {}}; }

json settings_json(const store::PromptSettings& s) {
  return {{"mode", s.mode},
          {"digestAt", s.digest_at ? json(*s.digest_at) : json()},
          {"quietHours", s.quiet_hours ? json(*s.quiet_hours) : json()},
          {"timeZone", s.time_zone}};
}

Error settings_error(const std::string& field, const std::string& message) {
  Error e{Errc::InvalidArgument, field + " " + message, {}};
  e.with("field." + field, message);
  return e;
}

}  // namespace

Result<std::optional<std::string>> PeopleApi::waiting_for(
    store::Tx& tx, std::uint64_t instance,
    const std::shared_ptr<const model::ProcessDefinition>& process, const std::string& message) {
  auto snap = tx.load_instance(instance);
  if (!snap) return fail(snap.error());
  if (!*snap) return std::optional<std::string>();
  runtime::InstanceState state;
  state.process = process;
  if (auto r = runtime::state_from_json((*snap)->state, state); !r) return fail(r.error());
  for (const auto& [key, sub] : state.subscriptions) {
    if (!sub.signal && sub.condition.empty() && sub.name == message)
      return std::optional<std::string>(sub.correlation_key);
  }
  return std::optional<std::string>();
}

json started_json(const exec::StartedInstance& s, const std::string& process_id,
                  const std::string& business_key) {
  return json{{"id", s.id},
              {"process", process_id},
              {"version", s.version},
              {"businessKey", business_key},
              {"status", s.incidents > 0 && s.status == "active" ? "incident" : s.status},
              {"openIncidents", s.incidents},
              {"active", s.active}};
}

Result<void> PeopleApi::may_start(const Principal& who, const std::string& process_id) {
  if (who.is("developer")) return {};  // administrators and developers start any process
  auto tx = store_.begin();
  if (!tx) return fail(tx.error());
  auto latest = (*tx)->latest_definition(process_id);
  if (!latest) return fail(latest.error());
  if (!*latest) return {};  // starting it answers that there is no such process
  auto process = processor_.process(**tx, (*latest)->id);
  if (!process) return fail(process.error());
  if (may_start_process(who, **process)) return {};
  return fail(not_a_starter(process_id));
}

Result<json> PeopleApi::startable(const Principal& who) {
  auto defs = store_.definitions();
  if (!defs) return fail(defs.error());
  std::map<std::string, const store::DefinitionRow*> latest;
  for (const auto& d : *defs) {
    auto& l = latest[d.process_id];
    if (!l || d.version > l->version) l = &d;
  }
  const json& tr = translations(who);  // a read of its own, before the transaction
  auto tx = store_.begin();
  if (!tx) return fail(tx.error());
  json out = json::array();
  for (const auto& [id, d] : latest) {
    auto p = processor_.process(**tx, d->id);
    if (!p) return fail(p.error());
    const model::Element* start = none_start(**p);
    if (!start || !(*p)->executable || !may_start_process(who, **p)) continue;
    out.push_back(startable_json(*d, **p, *start, tr));
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return a["name"].get<std::string>() < b["name"].get<std::string>();
  });
  return out;
}

Result<std::pair<store::DefinitionRow, std::shared_ptr<const model::ProcessDefinition>>>
PeopleApi::latest_process(const std::string& process_id) {
  // One short transaction: the connection takes no other statement while it is open.
  auto tx = store_.begin();
  if (!tx) return fail(tx.error());
  auto d = (*tx)->latest_definition(process_id);
  if (!d) return fail(d.error());
  if (!*d) return fail(Errc::NotFound, "no process '" + process_id + "' is deployed");
  auto p = processor_.process(**tx, (*d)->id);
  if (!p) return fail(p.error());
  return std::pair{std::move(**d), std::move(*p)};
}

Result<json> PeopleApi::start_form(const Principal& who, const std::string& process_id) {
  auto latest = latest_process(process_id);
  if (!latest) return fail(latest.error());
  const auto& [d, p] = *latest;
  const model::Element* start = none_start(*p);
  if (!start) {
    return fail(Errc::NotFound, "process '" + process_id +
                                    "' is not started by people: it has no none start event");
  }
  if (!may_start_process(who, *p)) {
    return fail(not_a_starter(process_id));
  }
  const json& tr = translations(who);
  json out = startable_json(d, *p, *start, tr);
  out["form"] = nullptr;
  if (const std::string key = property(*start, "formKey"); !key.empty()) {
    if (auto r = attach_form(out, form(key), tr); !r) return fail(r.error());
  }
  return out;
}

Result<json> PeopleApi::start_as(const Principal& who, const std::string& process_id,
                                 const json& data, const std::string& business_key) {
  if (auto allowed = may_start(who, process_id); !allowed) return fail(allowed.error());
  json variables = data;
  const model::Element* start = nullptr;
  std::shared_ptr<const model::ProcessDefinition> p;  // keeps `start` alive
  {
    auto latest = latest_process(process_id);
    if (!latest && latest.error().code != Errc::NotFound) return fail(latest.error());
    if (latest) {
      p = latest->second;
      start = none_start(*p);
    }
    // An employee's start is the start form's: it checks what is sent as a task's form does.
    // Developers and administrators (systems, tests, the e-service intake) start with any
    // variables, as the process's other callers do.
    if (const std::string key = start && !who.is("developer") ? property(*start, "formKey") : "";
        !key.empty()) {
      auto row = form_row(key);
      if (!row) return fail(row.error());
      if (*row) {
        auto f = compiled_form(**row);
        if (!f) return fail(f.error());
        auto errors = forms::check_submission(**f, data, variables);
        if (!errors.empty()) return fail(form_problems(errors, "started"));
      }
    }
    // camunda:initiator="starter": the variable that names who started it.
    if (start) {
      if (const std::string name = property(*start, "initiator"); !name.empty())
        variables[name] = who.user;
    }
  }
  const std::string actor = "user:" + who.user;
  exec::StartedInstance started;
  if (queue_) {
    auto s = queue_->start(process_id, variables, business_key, actor);
    if (!s) return fail(s.error());
    started = std::move(*s);
  } else {
    auto id = processor_.start(process_id, variables, business_key, "", &started, &actor);
    if (!id) return fail(id.error());
  }
  return started_json(started, process_id, business_key);
}

Result<json> PeopleApi::request_json(const store::InstanceRow& i, const json& tr) {
  Result<std::shared_ptr<const model::ProcessDefinition>> p =
      std::shared_ptr<const model::ProcessDefinition>();
  bool withdrawable = false;
  {
    auto tx = store_.begin();
    if (!tx) return fail(tx.error());
    p = processor_.process(**tx, i.definition_id);
    if (!p) return fail(p.error());
    // Withdrawable now: the process declares it and the instance waits for that message.
    if (i.status == "active" && !(*p)->withdraw_message.empty()) {
      auto key = waiting_for(**tx, i.id, *p, (*p)->withdraw_message);
      if (!key) return fail(key.error());
      withdrawable = key->has_value();
    }
  }
  json steps = json::array();
  if (i.status == "active") {
    store::TaskQuery q;
    q.instance_id = i.id;
    q.state = "open";
    q.sort = "created";
    q.limit = kStepsPerRequest;
    auto page = store_.tasks(q);
    if (!page) return fail(page.error());
    for (const auto& t : page->tasks) {
      const std::string name =
          forms::translated_element(tr, i.process_id, t.element_id, "name", "");
      const bool usable = !name.empty() && name.find("{{") == std::string::npos;
      steps.push_back({{"name", usable           ? name
                                : t.name.empty() ? t.element_id
                                                 : t.name},
                       {"assignee", or_null(t.assignee)},
                       {"candidateGroups", t.candidate_groups},
                       {"due", or_null(t.due)},
                       {"overdue", t.overdue}});
    }
  }
  return json{
      {"id", i.id},
      {"process",
       {{"id", i.process_id},
        {"name", forms::translated_process(tr, i.process_id, "name",
                                           (*p)->name.empty() ? i.process_id : (*p)->name)}}},
      {"version", i.definition_version},
      {"businessKey", i.business_key},
      {"status", i.status},
      {"startedAt", i.started_at},
      {"endedAt", or_null(i.ended_at)},
      {"current", std::move(steps)},
      {"withdrawable", withdrawable}};
}

Result<json> PeopleApi::requests(const Principal& who, const std::string& status) {
  if (!status.empty() && status != "active" && status != "completed" && status != "terminated")
    return fail(Errc::InvalidArgument, "state must be active, completed or terminated");
  auto rows = store_.instances_started_by("user:" + who.user, status, kMostRequests);
  if (!rows) return fail(rows.error());
  json items = json::array();
  for (const auto& i : *rows) {
    auto item = request_json(i, translations(who));
    if (!item) return fail(item.error());
    items.push_back(std::move(*item));
  }
  return json{{"items", std::move(items)}};
}

Result<json> PeopleApi::withdraw(const Principal& who, std::uint64_t instance) {
  // Only the one who started it may withdraw it; anyone else is told there is no such request.
  const auto not_found = [&] {
    return fail(Errc::NotFound, "you have no request " + std::to_string(instance));
  };
  auto row = store_.instance(instance);
  if (!row) return fail(row.error());
  if (!*row) return not_found();
  auto history = store_.history(instance);
  if (!history) return fail(history.error());
  const auto started = std::find_if(history->begin(), history->end(),
                                    [](const store::HistoryRow& h) { return h.kind == "started"; });
  if (started == history->end() || started->actor != "user:" + who.user) return not_found();

  std::string message, correlation_key;
  {
    auto tx = store_.begin();
    if (!tx) return fail(tx.error());
    auto p = processor_.process(**tx, (*row)->definition_id);
    if (!p) return fail(p.error());
    message = (*p)->withdraw_message;
    if (message.empty()) {
      return fail(cannot_withdraw("a request of process '" + (*row)->process_id +
                                  "' cannot be withdrawn (the process declares no "
                                  "elva:withdrawMessage)"));
    }
    if ((*row)->status != "active")
      return fail(cannot_withdraw("the request has already ended (" + (*row)->status + ")"));
    auto waits = waiting_for(**tx, instance, *p, message);
    if (!waits) return fail(waits.error());
    if (*waits) correlation_key = **waits;
    if (!*waits) {
      return fail(cannot_withdraw(
          "the request can no longer be withdrawn: it has passed the steps where the process "
          "allows it"));
    }
  }
  const std::string actor = "user:" + who.user;
  const runtime::CorrelateMessage command{message, correlation_key, {{"withdrawnBy", who.user}}};
  auto r = queue_ ? queue_->command(instance, command, actor)
                  : processor_.command(instance, command, actor);
  if (!r) {
    if (r.error().code == Errc::NotFound || r.error().code == Errc::InvalidArgument)
      return fail(cannot_withdraw("the request moved on just now; it was not withdrawn"));
    return fail(r.error());
  }
  auto now = store_.instance(instance);
  if (!now) return fail(now.error());
  if (!*now) return not_found();
  return request_json(**now, translations(who));
}

Result<json> PeopleApi::prompt_settings(const Principal& who) {
  auto s = store_.prompt_settings(who.user);
  if (!s) return fail(s.error());
  return settings_json(*s);
}

Result<json> PeopleApi::set_prompt_settings(const Principal& who, const json& body) {
  auto now = store_.prompt_settings(who.user);
  if (!now) return fail(now.error());
  store::PromptSettings s = *now;
  for (const auto& [key, value] : body.items()) {
    if (key != "mode" && key != "digestAt" && key != "quietHours" && key != "timeZone")
      return fail(settings_error(key, "is not a setting (mode, digestAt, quietHours, timeZone)"));
    if (!value.is_null() && !value.is_string())
      return fail(settings_error(key, std::string("must be a text, not ") + value.type_name()));
  }
  const auto text = [&](const char* key) {
    return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
  };
  if (body.contains("mode")) {
    s.mode = text("mode");
    if (s.mode != "each" && s.mode != "digest" && s.mode != "none")
      return fail(settings_error("mode", "must be \"each\", \"digest\" or \"none\""));
  }
  if (body.contains("digestAt")) {
    if (body["digestAt"].is_null() || text("digestAt").empty()) {
      s.digest_at.reset();
    } else if (!sched::is_time_of_day(text("digestAt"))) {
      return fail(settings_error("digestAt", "must be a time of day, \"HH:MM\""));
    } else {
      s.digest_at = text("digestAt");
    }
  }
  if (body.contains("quietHours")) {
    if (body["quietHours"].is_null()) {
      s.quiet_hours.reset();
    } else if (!text("quietHours").empty() && !sched::is_quiet_hours(text("quietHours"))) {
      return fail(settings_error(
          "quietHours", "must be \"HH:MM-HH:MM\" (e.g. \"18:00-07:00\"), or \"\" for none"));
    } else {
      s.quiet_hours = text("quietHours");
    }
  }
  if (body.contains("timeZone")) {
    s.time_zone = text("timeZone");
    if (s.time_zone.size() > 64)
      return fail(settings_error("timeZone", "must be an IANA time zone such as Europe/Stockholm"));
  }
  if (auto r = store_.set_prompt_settings(who.user, s); !r) {
    if (r.error().code == Errc::InvalidArgument)
      return fail(settings_error("timeZone", "must be an IANA time zone such as Europe/Stockholm"));
    return fail(r.error());
  }
  return settings_json(s);
}

}  // namespace elva::api
