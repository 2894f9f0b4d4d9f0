// PeopleApi (people_api.hpp): logins, tokens, user tasks with forms, external workers.
#include "api/people_api.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "common/iso8601.hpp"
#include "expr/feel.hpp"
#include "forms/forms.hpp"
#include "forms/translations.hpp"
#include "identity/secrets.hpp"
#include "model/process.hpp"
#include "runtime/context.hpp"
#include "runtime/state_json.hpp"
#include "sched/command_queue.hpp"

namespace elva {

bool Principal::is(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), "admin") != roles.end() ||
         std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Credentials::matches(const std::string& password) const {
  const bool verified =
      identity::verify_password(stamp, password);  // always: the same time for everyone
  return verified && usable;
}

nlohmann::json Principal::to_json() const {
  return {{"id", user},
          {"name", name},
          {"email", email},
          {"locale", locale},
          {"groups", groups},
          {"roles", roles},
          {"tenant", tenant.empty() ? nlohmann::json() : nlohmann::json(tenant)}};
}

namespace api {
namespace {

using nlohmann::json;

json or_null(const std::string& s) { return s.empty() ? json() : json(s); }

Error field_refusal(Errc code, const std::string& field, const std::string& message) {
  Error e{code, field + " " + message, {}};
  e.with("field." + field, message);
  return e;
}

// A text field of a request object ("" when absent or null), or a field error.
Result<std::string> optional_text(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string())
    return fail(field_refusal(Errc::InvalidArgument, name,
                              std::string("must be a text, not ") + it->type_name()));
  return it->get<std::string>();
}

// Who did something, as history records it ("user:anna"), as people read it ("anna").
std::string person(const std::string& actor) {
  return actor.rfind("user:", 0) == 0 ? actor.substr(5) : actor;
}

// Acting on a task that has ended: 409, saying how and by whom.
Error already_ended(const store::TaskRow& t) {
  return Error{Errc::Conflict,
               "the task was already " + t.state +
                   (t.ended_by.empty() ? "" : " by " + person(t.ended_by)) +
                   (t.ended_at.empty() ? "" : " at " + t.ended_at),
               {}};
}

json task_json(const store::TaskRow& t) {
  return {{"id", t.key},
          {"name", t.name.empty() ? t.element_id : t.name},
          {"element", t.element_id},
          {"process", {{"id", t.process_id}, {"name", t.process_name}}},
          {"instance", t.instance_id},
          {"businessKey", t.business_key},
          {"documentation", t.documentation},
          {"assignee", or_null(t.assignee)},
          {"candidateUsers", t.candidate_users},
          {"candidateGroups", t.candidate_groups},
          {"due", or_null(t.due)},
          {"followUp", or_null(t.follow_up)},
          {"created", t.created_at},
          {"claimed", or_null(t.claimed_at)},
          {"priority", t.priority},
          {"formKey", or_null(t.form_key)},
          {"state", t.state},
          {"overdue", t.overdue},
          {"endedAt", or_null(t.ended_at)},
          {"endedBy", or_null(person(t.ended_by))},
          {"revision", t.revision}};
}

bool offered_to(const Principal& who, const store::TaskRow& t) {
  if (std::find(t.candidate_users.begin(), t.candidate_users.end(), who.user) !=
      t.candidate_users.end())
    return true;
  for (const auto& g : who.groups) {
    if (std::find(t.candidate_groups.begin(), t.candidate_groups.end(), g) !=
        t.candidate_groups.end())
      return true;
  }
  return false;
}

bool may_see(const Principal& who, const store::TaskRow& t) {
  if (who.is("admin")) return true;
  if (t.assignee == who.user) return true;
  // An ended task stays visible to who ended it and to those it was offered to, so that a
  // colleague who was a moment late reads "already completed by mona" (without its variables).
  if (t.state != "open") return t.ended_by == "user:" + who.user || offered_to(who, t);
  return t.assignee.empty() && offered_to(who, t);
}

Principal principal_of(const store::UserRow& u) {
  Principal p;
  p.user = u.id;
  p.name = u.name;
  p.email = u.email;
  p.locale = u.locale;
  p.groups = u.groups;
  p.roles = u.roles;
  return p;
}

const std::set<std::string>& known_roles() {
  static const std::set<std::string> roles = {"employee", "developer", "admin", "worker"};
  return roles;
}

Error unauthenticated(std::string message) {
  return Error{Errc::Unauthenticated, std::move(message), {}};
}

// The one rule for a user name that reaches the store (logins, Basic credentials, imports,
// tokens, delegation): libpq ends a text at NUL, so "anna\0x" would be read as "anna".
Result<void> check_user_name(const std::string& name, const std::string& field) {
  Error e{Errc::InvalidArgument, "", {}};
  if (name.empty())
    e.message = field + " is empty";
  else if (name.size() > 256)
    e.message = field + " is longer than 256 bytes";
  else if (std::any_of(name.begin(), name.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    e.message = field + " must not hold NUL or another control character";
  } else {
    return {};
  }
  e.with("field." + field, e.message);
  return fail(std::move(e));
}

// Expiry times beyond this are refused (year 9999: timestamps and dates stay representable).
constexpr std::int64_t kLatestExpiry = 253'402'300'799'000;

// The hash an unknown or disabled user's password is checked against, so that the check
// costs the same as a real one.
const std::string& stand_in_hash() {
  static const std::string hash = [] {
    auto h = identity::hash_password("elva: no such user");
    return h ? *h : std::string();
  }();
  return hash;
}

// A string list field of a user entry.
Result<std::vector<std::string>> string_list(const json& entry, const char* name,
                                             const std::string& where) {
  std::vector<std::string> out;
  if (!entry.contains(name)) return out;
  if (!entry[name].is_array())
    return fail(Errc::InvalidArgument, where + ": " + name + " must be a list of texts");
  for (const auto& v : entry[name]) {
    if (!v.is_string())
      return fail(Errc::InvalidArgument, where + ": " + name + " must be a list of texts");
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

json to_camunda_variables(const json& plain) {
  json out = json::object();
  if (!plain.is_object()) return out;
  for (const auto& [name, v] : plain.items()) {
    if (v.is_string())
      out[name] = {{"type", "String"}, {"value", v}, {"valueInfo", json::object()}};
    else if (v.is_boolean())
      out[name] = {{"type", "Boolean"}, {"value", v}, {"valueInfo", json::object()}};
    else if (v.is_number_integer()) {
      const auto n = v.get<std::int64_t>();
      out[name] = {{"type", n >= INT32_MIN && n <= INT32_MAX ? "Integer" : "Long"},
                   {"value", v},
                   {"valueInfo", json::object()}};
    } else if (v.is_number())
      out[name] = {{"type", "Double"}, {"value", v}, {"valueInfo", json::object()}};
    else if (v.is_null())
      out[name] = {{"type", "Null"}, {"value", nullptr}, {"valueInfo", json::object()}};
    else
      out[name] = {{"type", "Json"}, {"value", v.dump()}, {"valueInfo", json::object()}};
  }
  return out;
}

// --- Identity -------------------------------------------------------------------------------

Result<json> PeopleApi::import_users(const json& users) {
  if (!users.is_array())
    return fail(
        Errc::InvalidArgument,
        "users must be a JSON list of {\"id\", \"name\", \"password\", \"roles\", \"groups\"}");
  std::vector<store::UserRow> rows;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < users.size(); ++i) {
    const json& u = users[i];
    const std::string where = "user " + std::to_string(i + 1);
    if (!u.is_object() || !u.contains("id") || !u["id"].is_string() ||
        u["id"].get<std::string>().empty()) {
      return fail(Errc::InvalidArgument,
                  where + ": needs an \"id\" (the user name people log in with)");
    }
    store::UserRow row;
    row.id = u["id"].get<std::string>();
    if (auto ok = check_user_name(row.id, "id"); !ok)
      return fail(Errc::InvalidArgument, where + ": " + ok.error().message);
    if (!seen.insert(row.id).second)
      return fail(Errc::InvalidArgument, where + ": '" + row.id + "' appears twice");
    const std::string who = where + " ('" + row.id + "')";
    static const std::set<std::string> fields = {
        "id", "name", "email", "password", "passwordHash", "roles", "groups", "locale", "disabled"};
    for (const auto& [k, v] : u.items()) {
      if (!fields.count(k)) return fail(Errc::InvalidArgument, who + ": unknown field '" + k + "'");
    }
    // Each field's type is checked before it is read (a wrong one is the request's fault).
    for (const char* text : {"name", "email", "locale", "password", "passwordHash"}) {
      if (u.contains(text) && !u[text].is_string()) {
        return fail(field_refusal(Errc::InvalidArgument, "users[" + std::to_string(i) + "]." + text,
                                  "must be a text"));
      }
    }
    if (u.contains("disabled") && !u["disabled"].is_boolean()) {
      return fail(field_refusal(Errc::InvalidArgument, "users[" + std::to_string(i) + "].disabled",
                                "must be true or false"));
    }
    row.name = u.value("name", row.id);
    row.email = u.value("email", "");
    row.locale = u.value("locale", "");
    row.disabled = u.value("disabled", false);
    auto roles = string_list(u, "roles", who);
    if (!roles) return fail(roles.error());
    row.roles = roles->empty() ? std::vector<std::string>{"employee"} : *roles;
    for (const auto& r : row.roles) {
      if (!known_roles().count(r))
        return fail(Errc::InvalidArgument,
                    who + ": unknown role '" + r + "' (roles: employee, developer, admin, worker)");
    }
    auto groups = string_list(u, "groups", who);
    if (!groups) return fail(groups.error());
    row.groups = *groups;
    if (u.contains("password")) {
      if (!u["password"].is_string() || u["password"].get<std::string>().size() < 8) {
        return fail(Errc::InvalidArgument,
                    who + ": a password must be a text of at least 8 characters");
      }
      auto hash = identity::hash_password(u["password"].get<std::string>());
      if (!hash) return fail(hash.error());
      row.password_hash = *hash;
    } else if (u.contains("passwordHash")) {
      row.password_hash = u.value("passwordHash", "");
      if (row.password_hash.rfind("$argon2id$", 0) != 0)
        return fail(Errc::InvalidArgument,
                    who + ": passwordHash must be an Argon2id hash ($argon2id$...)");
    }
    rows.push_back(std::move(row));
  }
  if (auto r = store_.upsert_users(rows); !r) return fail(r.error());
  return json{{"users", rows.size()}};
}

Result<json> PeopleApi::users() {
  auto rows = store_.users();
  if (!rows) return fail(rows.error());
  json out = json::array();
  for (const auto& u : *rows) {
    out.push_back({{"id", u.id},
                   {"name", u.name},
                   {"email", u.email},
                   {"roles", u.roles},
                   {"groups", u.groups},
                   {"locale", u.locale},
                   {"source", u.source},
                   {"disabled", u.disabled},
                   {"hasPassword", !u.password_hash.empty()}});
  }
  return out;
}

Result<Credentials> PeopleApi::credentials(const std::string& user) {
  if (auto ok = check_user_name(user, "username"); !ok) return fail(ok.error());
  auto row = store_.user(user);
  if (!row) return fail(row.error());
  Credentials c;
  // The same answer for an unknown user, a wrong password and a disabled account, in the same
  // time: their password is checked too (against a stand-in hash when there is none), so that
  // how long the answer takes does not tell which user names exist or are disabled.
  c.usable = *row && !(*row)->disabled && !(*row)->password_hash.empty();
  c.stamp = *row && !(*row)->password_hash.empty() ? (*row)->password_hash : stand_in_hash();
  if (*row) c.who = principal_of(**row);
  c.known = row->has_value();
  c.disabled = *row && (*row)->disabled;
  return c;
}

Result<Principal> PeopleApi::authenticate_password(const std::string& user,
                                                   const std::string& password) {
  auto c = credentials(user);
  if (!c) return fail(c.error());
  if (!c->matches(password)) return fail(unauthenticated("the user name or password is wrong"));
  return c->who;
}

Result<json> PeopleApi::login(const std::string& user, const std::string& password,
                              std::int64_t ttl_ms) {
  auto who = authenticate_password(user, password);
  if (!who) return fail(who.error());
  return open_session(*who, ttl_ms);
}

Result<json> PeopleApi::open_session(const Principal& who, std::int64_t ttl_ms) {
  const std::string token = identity::new_token();
  const std::int64_t expires = iso8601::now_millis() + ttl_ms;
  if (auto r =
          store_.insert_token(identity::token_hash(token), who.user, "session", "login", expires);
      !r)
    return fail(r.error());
  return json{
      {"token", token}, {"expiresAt", iso8601::format_utc(expires)}, {"user", who.to_json()}};
}

Result<Principal> PeopleApi::authenticate(const std::string& token) {
  auto row = store_.token(identity::token_hash(token), iso8601::now_millis());
  if (!row) return fail(row.error());
  if (!*row)
    return fail(unauthenticated(
        "the token is not known (log in again, or ask an administrator for a new API token)"));
  if ((*row)->expired) return fail(unauthenticated("the token has expired; log in again"));
  const auto& user = (*row)->user;
  if (!user || user->disabled) return fail(unauthenticated("the token's user is disabled"));
  return principal_of(*user);
}

Result<json> PeopleApi::create_token(const std::string& user, const std::string& name,
                                     std::int64_t ttl_ms) {
  if (auto ok = check_user_name(user, "user"); !ok) return fail(ok.error());
  // ttl_ms 0 is "until revoked"; a negative one or one past the year 9999 is not a lifetime.
  if (ttl_ms < 0 || (ttl_ms > 0 && ttl_ms > kLatestExpiry - iso8601::now_millis())) {
    Error e{Errc::InvalidArgument,
            "ttl must be a positive duration that ends before the year 9999",
            {}};
    e.with("field.ttl", e.message);
    return fail(std::move(e));
  }
  auto row = store_.user(user);
  if (!row) return fail(row.error());
  if (!*row)
    return fail(Errc::NotFound,
                "there is no user '" + user + "' (import users first: elva users import FILE)");
  const std::string token = identity::new_token();
  const std::int64_t expires = ttl_ms > 0 ? iso8601::now_millis() + ttl_ms : 0;
  if (auto r = store_.insert_token(identity::token_hash(token), user, "api", name, expires); !r)
    return fail(r.error());
  return json{{"token", token},
              {"user", user},
              {"name", name},
              {"expiresAt", expires ? json(iso8601::format_utc(expires)) : json()}};
}

Result<void> PeopleApi::logout(const std::string& token) {
  return store_.delete_token(identity::token_hash(token));
}

// --- Tasks ----------------------------------------------------------------------------------

Result<json> PeopleApi::tasks(const Principal& who, const json& query) {
  store::TaskQuery q;
  q.restrict = !who.is("admin");
  q.user = who.user;
  q.groups = who.groups;
  auto text = [&](const char* name, std::string& into) -> Result<void> {
    if (!query.contains(name)) return {};
    if (!query[name].is_string())
      return fail(field_refusal(Errc::InvalidArgument, name, "must be a text"));
    into = query[name].get<std::string>();
    return {};
  };
  for (auto [name, into] : {std::pair<const char*, std::string*>{"assignee", &q.assignee},
                            {"candidateGroup", &q.candidate_group},
                            {"processId", &q.process_id},
                            {"state", &q.state},
                            {"dueBefore", &q.due_before},
                            {"sort", &q.sort}}) {
    if (auto r = text(name, *into); !r) return fail(r.error());
  }
  if (q.assignee == "me") q.assignee = who.user;
  if (q.state == "all") q.state.clear();
  if (!q.state.empty() && q.state != "open" && q.state != "completed" && q.state != "cancelled") {
    return fail(
        field_refusal(Errc::InvalidArgument, "state", "must be open, completed, cancelled or all"));
  }
  if (q.sort != "due" && q.sort != "created" && q.sort != "priority" && q.sort != "name") {
    return fail(
        field_refusal(Errc::InvalidArgument, "sort", "must be due, created, priority or name"));
  }
  if (!q.due_before.empty() && !iso8601::parse_date_time(q.due_before)) {
    return fail(
        field_refusal(Errc::InvalidArgument, "dueBefore",
                      "must be a real calendar date-time (ISO 8601) such as 2026-12-01T00:00:00Z"));
  }
  // The route hands numbers and booleans over as such; anything else is refused, never thrown.
  auto whole = [&](const char* name, std::int64_t fallback, std::int64_t min,
                   std::int64_t max) -> Result<std::int64_t> {
    if (!query.contains(name)) return fallback;
    const json& v = query[name];
    if (!v.is_number_integer() ||
        (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) ||
        v.get<std::int64_t>() < min || v.get<std::int64_t>() > max) {
      return fail(field_refusal(
          Errc::InvalidArgument, name,
          "must be a whole number between " + std::to_string(min) + " and " + std::to_string(max)));
    }
    return v.get<std::int64_t>();
  };
  auto instance = whole("instance", 0, 0, INT64_MAX);
  if (!instance) return fail(instance.error());
  q.instance_id = static_cast<std::uint64_t>(*instance);
  if (query.contains("overdue")) {
    if (!query["overdue"].is_boolean())
      return fail(field_refusal(Errc::InvalidArgument, "overdue", "must be true or false"));
    q.overdue = query["overdue"].get<bool>();
  }
  auto limit = whole("limit", 50, 1, 1000);
  if (!limit) return fail(limit.error());
  auto offset = whole("offset", 0, 0, 1'000'000'000);
  if (!offset) return fail(offset.error());
  q.limit = static_cast<int>(*limit);
  q.offset = static_cast<int>(*offset);
  // Completed tasks an employee sees are the ones they completed themselves.
  if (q.restrict && q.state != "open") q.assignee = who.user;
  auto page = store_.tasks(q);
  if (!page) return fail(page.error());
  json items = json::array();
  const json& tr = translations(who);
  // A translated name with {{...}} is filled from its instance's variables, read once each.
  std::map<std::uint64_t, json> variables;
  for (const auto& t : page->tasks) {
    const json* vars = nullptr;
    if (forms::translated_element(tr, t.process_id, t.element_id, "name", "").find("{{") !=
        std::string::npos) {
      auto it = variables.find(t.instance_id);
      if (it == variables.end()) {
        auto row = store_.instance(t.instance_id);
        it = variables.emplace(t.instance_id, row && *row ? (*row)->variables : json()).first;
      }
      vars = &it->second;
    }
    items.push_back(translated(tr, task_json(t), vars));
  }
  return json{{"items", std::move(items)},
              {"total", page->total},
              {"totalCapped", page->total_capped},
              {"limit", q.limit},
              {"offset", q.offset}};
}

Result<store::TaskRow> PeopleApi::visible_task(const Principal& who, std::uint64_t key) {
  auto row = store_.task(key);
  if (!row) return fail(row.error());
  if (!*row || !may_see(who, **row))
    return fail(Errc::NotFound, "there is no task " + std::to_string(key) + " that you can see");
  return std::move(**row);
}

// A task's names as the reader's translation has them: the process's name, and the task's own
// (one with {{...}} filled from `variables`; without them, or when one has no value, the name as
// written in the process stays).
json translated(const json& tr, json task, const json* variables) {
  if (tr.is_null()) return task;
  const std::string process = task["process"]["id"].get<std::string>();
  task["process"]["name"] = forms::translated_process(
      tr, process, "name",
      task["process"]["name"].is_string() ? task["process"]["name"].get<std::string>() : "");
  const std::string name =
      forms::translated_element(tr, process, task["element"].get<std::string>(), "name", "");
  if (name.empty()) return task;
  if (name.find("{{") == std::string::npos) {
    task["name"] = name;
  } else if (variables) {
    if (auto filled = forms::fill_translation(name, *variables)) task["name"] = *filled;
  }
  return task;
}

const json& PeopleApi::translations(const Principal& who) {
  static const json none;
  const std::string lang = forms::language_of(who.language.empty() ? who.locale : who.language);
  if (lang.empty()) return none;
  // A deploy of the file takes effect within kTranslationsFresh (each connection keeps its copy).
  auto& cached = translations_[lang];
  const auto now = std::chrono::steady_clock::now();
  if (cached.first.time_since_epoch().count() == 0 || now - cached.first > kTranslationsFresh) {
    auto row = store_.form(std::string(forms::kTranslationPrefix) + lang);
    if (!row) return none;  // the database is away: untranslated now, read again next time
    cached.second = *row ? (*row)->schema : json();
    cached.first = now;
  }
  return cached.second;
}

Result<void> PeopleApi::task_case(const store::TaskRow& t, const json& tr, json& out) {
  out["variables"] = json::object();
  out["summary"] = json::array();
  out["steps"] = json::array();
  if (t.state != "open") return {};
  // Read before the instance's transaction: one statement at a time on the connection.
  auto history = store_.history(t.instance_id);
  if (!history) return fail(history.error());
  auto tx = store_.begin();
  if (!tx) return fail(tx.error());
  auto snap = (*tx)->load_instance(t.instance_id);
  if (!snap) return fail(snap.error());
  if (!*snap) return {};
  auto process = processor_.process(**tx, (*snap)->definition_id);
  if (!process) return fail(process.error());
  runtime::InstanceState state;
  state.process = *process;
  if (auto r = runtime::state_from_json((*snap)->state, state); !r) return fail(r.error());
  runtime::ManualEnv env;
  std::vector<runtime::Event> events;
  runtime::StepContext ctx(state, env, events);
  const bool live = state.elements.count(t.key) != 0;
  const runtime::Key at = live ? t.key : 0;
  out["variables"] = ctx.visible_variables(at);
  const std::string& pid = (*process)->id;
  // Translated texts are templates too: filled from the case as the originals were.
  out["name"] = ctx.fill_templates(
      forms::translated_element(tr, pid, t.element_id, "name", out["name"].get<std::string>()), at);
  out["documentation"] = ctx.fill_templates(
      forms::translated_element(tr, pid, t.element_id, "documentation", t.documentation), at);
  out["process"]["name"] = forms::translated_process(
      tr, pid, "name",
      out["process"]["name"].is_string() ? out["process"]["name"].get<std::string>() : "");
  // The summary the task declares, else the process's: only what this task needs.
  const model::Element* element = (*process)->find(t.element_id);
  const auto* spec = element ? element->as<model::UserTaskSpec>() : nullptr;
  const auto& fields = spec && !spec->summary.empty() ? spec->summary : (*process)->summary;
  for (const auto& f : fields) {
    json value;
    if (expr::looks_like_expression(f.value)) {
      auto v = ctx.evaluate(f.value, at);
      value = v ? v->to_json() : json();
    } else {
      value = ctx.fill_templates(f.value, at);
    }
    out["summary"].push_back(
        {{"label", ctx.fill_templates(forms::translated_summary_label(tr, pid, f.label), at)},
         {"value", value}});
  }
  // Earlier steps people took in this case: completed user tasks, who and when.
  for (const auto& h : *history) {
    if (h.kind != "completed") continue;
    const model::Element* e = (*process)->find(h.element_id);
    if (!e || e->type != model::ElementType::UserTask) continue;
    out["steps"].push_back(
        {{"element", h.element_id},
         {"name", ctx.fill_templates(forms::translated_element(
                      tr, pid, h.element_id, "name", e->name.empty() ? h.element_id : e->name))},
         {"by", person(h.actor)},
         {"at", h.at}});
  }
  return {};
}

Result<std::shared_ptr<const model::ProcessDefinition>> PeopleApi::task_process(
    const store::TaskRow& t) {
  auto tx = store_.begin();
  if (!tx) return fail(tx.error());
  auto snap = (*tx)->load_instance(t.instance_id);
  if (!snap) return fail(snap.error());
  if (!*snap) return std::shared_ptr<const model::ProcessDefinition>();
  return processor_.process(**tx, (*snap)->definition_id);
}

Result<std::optional<std::set<std::string>>> PeopleApi::declared_outputs(const store::TaskRow& t) {
  using Allowed = std::optional<std::set<std::string>>;
  auto process = task_process(t);
  if (!process) return fail(process.error());
  const model::Element* e = *process ? (*process)->find(t.element_id) : nullptr;
  const auto* spec = e ? std::get_if<model::UserTaskSpec>(&e->spec) : nullptr;
  if (!spec) return Allowed(std::set<std::string>());  // the instance moved on: the command says so
  if (spec->accept_any_variables) return Allowed();
  return Allowed(
      std::set<std::string>(spec->completion_variables.begin(), spec->completion_variables.end()));
}

Result<json> PeopleApi::task(const Principal& who, std::uint64_t key) {
  auto t = visible_task(who, key);
  if (!t) return fail(t.error());
  json out = task_json(*t);
  const json& tr = translations(who);
  if (auto r = task_case(*t, tr, out); !r) return fail(r.error());
  out["form"] = nullptr;
  if (!t->form_key.empty()) {
    // A deployed form version never changes: the row named it (id, version), so a cached copy
    // needs no statement.
    auto cached =
        t->form_id.empty() ? form_json_.end() : form_json_.find({t->form_id, t->form_version});
    auto f = cached != form_json_.end() ? Result<json>(cached->second) : form(t->form_key);
    if (f && cached == form_json_.end() && form_json_.size() < kMaxCachedForms)
      form_json_[{(*f)["id"].get<std::string>(), (*f)["version"].get<int>()}] = *f;
    if (auto r = attach_form(out, std::move(f), tr); !r) return fail(r.error());
  }
  return out;
}

Result<std::optional<store::FormRow>> PeopleApi::form_row(const std::string& key) {
  // The key as deployed (embedded Zeebe forms keep "camunda-forms:bpmn:<id>"), else without
  // Camunda's prefixes: camunda-forms:deployment:forms/x.form, camunda-forms:app:..., embedded:...
  auto row = store_.form(key);
  if (!row) return fail(row.error());
  for (const char* prefix : {"camunda-forms:deployment:", "camunda-forms:app:", "camunda-forms:",
                             "embedded:deployment:", "embedded:app:", "deployment:"}) {
    if (*row || key.rfind(prefix, 0) != 0) continue;
    row = store_.form(key.substr(std::string(prefix).size()));
    if (!row) return fail(row.error());
    break;
  }
  return std::move(*row);
}

Result<json> PeopleApi::form(const std::string& key) {
  auto row = form_row(key);
  if (!row) return fail(row.error());
  if (!*row)
    return fail(Errc::NotFound,
                "the form '" + key + "' is not deployed (deploy its .form file with the process)");
  return json{{"id", (*row)->form_id},
              {"version", (*row)->version},
              {"file", (*row)->file},
              {"schema", (*row)->schema}};
}

Result<std::shared_ptr<const forms::Form>> PeopleApi::compiled_form(const store::FormRow& row) {
  auto& cached = forms_[{row.form_id, row.version}];
  if (!cached) {
    auto parsed = forms::read_form(row.schema);
    if (!parsed)
      return fail(Errc::Internal, "the deployed form '" + row.form_id +
                                      "' cannot be read: " + parsed.error().message);
    cached = std::make_shared<const forms::Form>(std::move(*parsed));
  }
  return cached;
}

Result<json> PeopleApi::claim(const Principal& who, std::uint64_t key, int expected_revision) {
  auto t = visible_task(who, key);
  if (!t) return fail(t.error());
  if (t->state != "open") return fail(already_ended(*t));
  if (expected_revision && expected_revision != t->revision) {
    return fail(Error{Errc::Conflict,
                      "the task changed since you read it (claimed, delegated or ended); reload it",
                      {{"status", "412"}}});
  }
  if (t->assignee == who.user) return task_json(*t);
  auto row = store_.assign_task(key, who.user, t->revision);
  if (!row) return fail(row.error());
  if (!*row)
    return fail(Errc::Conflict, "someone else claimed or changed the task just now; reload it");
  return task_json(**row);
}

Result<json> PeopleApi::unclaim(const Principal& who, std::uint64_t key) {
  auto t = visible_task(who, key);
  if (!t) return fail(t.error());
  if (t->state != "open") return fail(already_ended(*t));
  if (t->assignee.empty()) return task_json(*t);
  if (t->assignee != who.user && !who.is("admin"))
    return fail(Errc::PermissionDenied,
                "only the assignee or an administrator can hand a task back");
  auto row = store_.assign_task(key, "", t->revision);
  if (!row) return fail(row.error());
  if (!*row) return fail(Errc::Conflict, "the task changed just now; reload it");
  return task_json(**row);
}

Result<json> PeopleApi::delegate(const Principal& who, std::uint64_t key, const std::string& to) {
  auto t = visible_task(who, key);
  if (!t) return fail(t.error());
  if (t->state != "open") return fail(already_ended(*t));
  if (t->assignee != who.user && !who.is("admin")) {
    return fail(
        Errc::PermissionDenied,
        "claim the task before you delegate it (only its assignee or an administrator can)");
  }
  if (auto ok = check_user_name(to, "user"); !ok) return fail(ok.error());
  auto user = store_.user(to);
  if (!user) return fail(user.error());
  if (!*user || (*user)->disabled)
    return fail(Errc::InvalidArgument, "there is no active user '" + to + "' to delegate to");
  auto row = store_.assign_task(key, to, t->revision);
  if (!row) return fail(row.error());
  if (!*row) return fail(Errc::Conflict, "the task changed just now; reload it");
  // The new assignee is told like for a new task (when task prompts are on).
  if (to != who.user) {
    if (auto r = store_.release_task_prompt(key); !r) return fail(r.error());
  }
  return task_json(**row);
}

Result<json> PeopleApi::complete_task(const Principal& who, std::uint64_t key, const json& data,
                                      int expected_revision) {
  auto t = visible_task(who, key);
  if (!t) return fail(t.error());
  if (t->state != "open") return fail(already_ended(*t));
  if (expected_revision && expected_revision != t->revision) {
    return fail(Error{
        Errc::Conflict, "the task changed since you read it; reload it", {{"status", "412"}}});
  }
  if (!data.is_object())
    return fail(Errc::InvalidArgument,
                "the form data must be a JSON object of field keys and values");
  json variables = data;
  bool has_form = false;
  if (!t->form_key.empty() && !t->form_id.empty()) {
    // The task row came with its form's id and version: a compiled form of that version is
    // used as is; only the first completion of a version reads the form itself.
    std::shared_ptr<const forms::Form> compiled;
    if (auto it = forms_.find({t->form_id, t->form_version}); it != forms_.end() && it->second)
      compiled = it->second;
    if (!compiled) {
      auto row = form_row(t->form_key);
      if (!row) return fail(row.error());
      if (*row) {
        auto f = compiled_form(**row);
        if (!f) return fail(f.error());
        compiled = *f;
      }
    }
    if (compiled) {
      has_form = true;
      auto errors = forms::check_submission(*compiled, data, variables);
      if (!errors.empty()) return fail(form_problems(errors, "saved"));
    }
  }
  // Without a form, a completion sets only what the task declares (a form's fields are checked
  // by check_submission above): otherwise whoever completes a task could set any variable the
  // process decides on, such as the next task's assignee.
  if (!has_form && !data.empty()) {
    auto allowed = declared_outputs(*t);
    if (!allowed) return fail(allowed.error());
    if (*allowed) {
      Error e{Errc::ValidationError, "", {}};
      std::size_t refused = 0;
      for (auto it = data.begin(); it != data.end(); ++it) {
        const std::string& name = it.key();
        if ((**allowed).count(name)) continue;
        const std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
        e.with("field." + shown, "is not a variable this task may set");
        if (++refused >= 100) break;
      }
      if (refused > 0) {
        std::string list;
        for (const auto& n : **allowed) list += (list.empty() ? "" : ", ") + n;
        e.message = std::to_string(refused) + (refused == 1 ? " variable is" : " variables are") +
                    " not among those this task may set (" +
                    (list.empty() ? "none: it has no form and declares no elva:completionVariables"
                                  : list) +
                    "); nothing was saved";
        return fail(std::move(e));
      }
    }
  }
  const std::string actor = "user:" + who.user;
  std::int64_t at = 0;
  const runtime::CompleteWait command{t->key, variables};
  auto r = queue_ ? queue_->command(t->instance_id, command, actor, &at)
                  : processor_.command(t->instance_id, command, actor, &at);
  if (!r) {
    if (r.error().code == Errc::NotFound || r.error().code == Errc::InvalidArgument) {
      auto now = store_.task(key);
      const std::string by = now && *now ? person((*now)->ended_by) : "";
      return fail(Errc::Conflict, "the task was completed by " +
                                      (by.empty() ? std::string("someone else") : by) +
                                      " just now; nothing was saved");
    }
    return fail(r.error());
  }
  // The task as the unit left it (the store stamped it with the unit's time).
  store::TaskRow done = std::move(*t);
  done.state = "completed";
  done.ended_by = actor;
  done.ended_at = iso8601::format_utc(at);
  done.overdue = false;
  ++done.revision;
  return task_json(done);
}

Result<void> attach_form(json& out, Result<json> form, const json& tr) {
  if (form) {
    out["form"] = std::move(*form);
    out["form"]["schema"] = forms::translated_form(tr, out["form"]["id"].get<std::string>(),
                                                   std::move(out["form"]["schema"]));
  } else if (form.error().code == Errc::NotFound) {
    out["formProblem"] = form.error().message;
  } else {
    return fail(form.error());
  }
  return {};
}

Error form_problems(const std::vector<forms::FieldError>& errors, const char* nothing_was) {
  Error e{Errc::ValidationError,
          "the form has " + std::to_string(errors.size()) +
              (errors.size() == 1 ? " problem" : " problems") + "; nothing was " + nothing_was,
          {}};
  for (const auto& fe : errors) {
    e.with("field." + fe.key, fe.message);
    if (!fe.code.empty())
      e.with("code." + fe.key, fe.limit.empty() ? fe.code : fe.code + " " + fe.limit);
  }
  return e;
}

// --- External workers -----------------------------------------------------------------------

std::string lock_owner(const std::string& account, const std::string& worker_id) {
  return std::to_string(account.size()) + ":" + account + ":" + worker_id;
}

namespace {

// {account, workerId} of a lock owner written by lock_owner; nullopt for anything else (a
// scheduler node's lease).
std::optional<std::pair<std::string, std::string>> split_owner(const std::string& owner) {
  const auto colon = owner.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 9 ||
      owner.find_first_not_of("0123456789") != colon)
    return std::nullopt;
  const auto n = std::stoull(owner.substr(0, colon));
  if (owner.size() < colon + 1 + n + 1 || owner[colon + 1 + n] != ':') return std::nullopt;
  return std::pair{owner.substr(colon + 1, n), owner.substr(colon + 2 + n)};
}

// A lock duration from a request: positive and bounded, so that now + it cannot overflow.
constexpr std::int64_t kMaxLockMs = 7LL * 24 * 3600 * 1000;

}  // namespace

std::string lock_account(const std::string& owner) {
  auto parts = split_owner(owner);
  return parts ? parts->first : std::string();
}

std::string lock_worker(const std::string& owner) {
  auto parts = split_owner(owner);
  return parts ? parts->second : owner;
}

bool PeopleApi::is_external(const std::string& job_type) const {
  // The scheduler leases exactly the types "<connector>.<operation>" of its registry; a type
  // whose first part names a connector is the engine's, whatever its operation.
  return !connectors_ || !connectors_->find(connector::split_job_type(job_type).first);
}

Result<json> PeopleApi::fetch_and_lock(const Principal& who, const json& request) {
  if (!who.is("worker"))
    return fail(Errc::PermissionDenied, "fetching external tasks needs the worker role");
  if (!request.is_object()) return fail(Errc::InvalidArgument, "the request must be a JSON object");
  auto worker = optional_text(request, "workerId");
  if (!worker) return fail(worker.error());
  if (worker->empty())
    return fail(field_refusal(Errc::InvalidArgument, "workerId",
                              "is required (it names who holds the lock)"));
  const json max_field = request.contains("maxTasks") && !request["maxTasks"].is_null()
                             ? request["maxTasks"]
                             : json(1);
  const bool max_ok = max_field.is_number_integer() &&
                      (max_field.is_number_unsigned() ? max_field.get<std::uint64_t>() <= 1000
                                                      : max_field.get<std::int64_t>() >= 0 &&
                                                            max_field.get<std::int64_t>() <= 1000);
  if (!max_ok)
    return fail(field_refusal(Errc::InvalidArgument, "maxTasks",
                              "must be a whole number between 0 and 1000"));
  const int max = static_cast<int>(max_field.get<std::int64_t>());
  if (!request.contains("topics") || !request["topics"].is_array()) {
    return fail(field_refusal(Errc::InvalidArgument, "topics",
                              "must be a list of {topicName, lockDuration}"));
  }
  // Every topic is checked before anything is locked.
  struct Topic {
    std::string name;
    std::int64_t lock_ms = 0;
    std::optional<std::set<std::string>> wanted;
  };
  std::vector<Topic> topics;
  for (std::size_t i = 0; i < request["topics"].size(); ++i) {
    const json& topic = request["topics"][i];
    const std::string where = "topics[" + std::to_string(i) + "]";
    if (!topic.is_object() || !topic.contains("topicName") || !topic["topicName"].is_string()) {
      return fail(
          field_refusal(Errc::InvalidArgument, where + ".topicName", "is required (a text)"));
    }
    Topic t;
    t.name = topic["topicName"].get<std::string>();
    const json& lock = topic.contains("lockDuration") ? topic["lockDuration"] : json();
    const bool in_range =
        lock.is_number_integer() &&
        (lock.is_number_unsigned()
             ? lock.get<std::uint64_t>() >= 1 && lock.get<std::uint64_t>() <= kMaxLockMs
             : lock.get<std::int64_t>() >= 1 && lock.get<std::int64_t>() <= kMaxLockMs);
    if (!in_range) {
      return fail(field_refusal(Errc::InvalidArgument, where + ".lockDuration",
                                "must be a whole number of milliseconds between 1 and " +
                                    std::to_string(kMaxLockMs) + " (7 days)"));
    }
    t.lock_ms = lock.get<std::int64_t>();
    // Filters Elva does not apply are refused rather than ignored: ignoring one would hand a
    // worker tasks it asked not to get.
    for (const auto& [k, v] : topic.items()) {
      static const std::set<std::string> supported = {
          "topicName",      "lockDuration",      "variables",
          "localVariables", "deserializeValues", "includeExtensionProperties",
          "withoutTenantId"};
      if (!supported.count(k) && !v.is_null()) {
        return fail(field_refusal(Errc::InvalidArgument, where + "." + k,
                                  "is a filter Elva's external-task API does not support "
                                  "(supported: topicName, lockDuration, "
                                  "variables); use a topic per process instead"));
      }
    }
    if (topic.contains("variables") && !topic["variables"].is_null()) {
      if (!topic["variables"].is_array())
        return fail(field_refusal(Errc::InvalidArgument, where + ".variables",
                                  "must be a list of variable names"));
      t.wanted.emplace();
      for (const auto& v : topic["variables"]) {
        if (!v.is_string())
          return fail(field_refusal(Errc::InvalidArgument, where + ".variables",
                                    "must be a list of variable names"));
        t.wanted->insert(v.get<std::string>());
      }
    }
    // A connector's jobs are the engine's: a worker taking one could forge its output.
    if (!is_external(t.name)) {
      return fail(field_refusal(Errc::PermissionDenied, where + ".topicName",
                                "names a job type Elva's connector '" +
                                    connector::split_job_type(t.name).first +
                                    "' runs; workers fetch external topics only"));
    }
    topics.push_back(std::move(t));
  }
  const std::string owner = lock_owner(who.user, *worker);
  json out = json::array();
  const std::int64_t now = iso8601::now_millis();
  auto tx = store_.begin();
  if (!tx) return fail(tx.error());
  for (const auto& topic : topics) {
    if (static_cast<int>(out.size()) >= max) break;
    const std::int64_t until = now + topic.lock_ms;
    auto jobs =
        (*tx)->acquire_jobs({topic.name}, owner, now, until, max - static_cast<int>(out.size()));
    if (!jobs) return fail(jobs.error());
    for (const auto& j : *jobs) {
      json vars = json::object();
      for (const auto& [k, v] : j.input.items())
        if (!topic.wanted || topic.wanted->count(k)) vars[k] = v;
      out.push_back({{"id", std::to_string(j.key)},
                     {"topicName", topic.name},
                     {"workerId", *worker},
                     {"activityId", j.element_id},
                     {"activityInstanceId", std::to_string(j.element_instance)},
                     {"processInstanceId", std::to_string(j.instance_id)},
                     {"executionId", std::to_string(j.element_instance)},
                     {"lockExpirationTime", iso8601::format_utc(until)},
                     {"retries", j.retries},
                     {"errorMessage", nullptr},
                     {"errorDetails", nullptr},
                     {"priority", 0},
                     {"tenantId", nullptr},
                     {"variables", to_camunda_variables(vars)}});
    }
  }
  if (auto r = (*tx)->commit(); !r) return fail(r.error());
  tx->reset();  // the connection is free again for the reads below
  // Process ids and business keys, read after the locks are committed.
  for (auto& task : out) {
    auto j = store_.locked_job(std::stoull(task["id"].get<std::string>()));
    if (!j) return fail(j.error());
    task["processDefinitionKey"] = *j ? (*j)->process_id : "";
    task["processDefinitionId"] = *j ? (*j)->process_id : "";
    task["businessKey"] = *j && !(*j)->business_key.empty() ? json((*j)->business_key) : json();
  }
  return out;
}

// The one check every action on a fetched job passes: the job is external, and its lock is
// held by this account under this workerId.
Result<store::LockedJob> PeopleApi::worker_job(const Principal& who, std::uint64_t job,
                                               const std::string& worker) {
  if (!who.is("worker"))
    return fail(Errc::PermissionDenied, "acting on external tasks needs the worker role");
  if (worker.empty()) return fail(field_refusal(Errc::InvalidArgument, "workerId", "is required"));
  auto j = store_.locked_job(job);
  if (!j) return fail(j.error());
  // A connector's job answers like a missing one: a worker learns nothing about it.
  if (!*j || !is_external((*j)->job.type)) {
    return fail(Errc::NotFound, "there is no external task " + std::to_string(job) +
                                    " (it was completed, or its instance moved on)");
  }
  const std::string& held = (*j)->locked_by;
  if (held != lock_owner(who.user, worker)) {
    const auto parts = split_owner(held);
    std::string by = "not locked";
    if (parts && parts->first == who.user)
      by = "locked by worker '" + parts->second + "' of your account";
    else if (!held.empty())
      by = "locked by another worker";
    return fail(Errc::Conflict, "external task " + std::to_string(job) + " is " + by +
                                    ", not by '" + worker + "' of your account");
  }
  return std::move(**j);
}

Result<void> PeopleApi::complete_external(const Principal& who, std::uint64_t job,
                                          const std::string& worker, const json& variables) {
  auto j = worker_job(who, job, worker);
  if (!j) return fail(j.error());
  auto r = processor_.command(j->job.instance_id, runtime::CompleteJob{job, variables});
  if (!r && r.error().code == Errc::NotFound)
    return fail(Errc::NotFound, "external task " + std::to_string(job) +
                                    " is no longer there: " + r.error().message);
  return r;
}

Result<void> PeopleApi::fail_external(const Principal& who, std::uint64_t job,
                                      const std::string& worker, const std::string& message,
                                      int retries, std::int64_t retry_timeout_ms) {
  auto j = worker_job(who, job, worker);
  if (!j) return fail(j.error());
  return processor_.command(
      j->job.instance_id,
      runtime::FailJob{job, message.empty() ? "the worker reported a failure" : message,
                       retry_timeout_ms, retries});
}

Result<void> PeopleApi::bpmn_error_external(const Principal& who, std::uint64_t job,
                                            const std::string& worker, const std::string& code,
                                            const json& variables) {
  auto j = worker_job(who, job, worker);
  if (!j) return fail(j.error());
  if (code.empty()) return fail(field_refusal(Errc::InvalidArgument, "errorCode", "is required"));
  return processor_.command(j->job.instance_id,
                            runtime::ThrowError{j->job.element_instance, code, variables});
}

Result<void> PeopleApi::extend_lock(const Principal& who, std::uint64_t job,
                                    const std::string& worker, std::int64_t duration_ms) {
  if (duration_ms <= 0 || duration_ms > kMaxLockMs) {
    return fail(field_refusal(Errc::InvalidArgument, "newDuration",
                              "must be a whole number of milliseconds between 1 and " +
                                  std::to_string(kMaxLockMs) + " (7 days)"));
  }
  auto j = worker_job(who, job, worker);
  if (!j) return fail(j.error());
  const std::int64_t now = iso8601::now_millis();
  auto ok = store_.relock_job(job, j->locked_by, now + duration_ms, now);
  if (!ok) return fail(ok.error());
  if (!*ok)
    return fail(Errc::Conflict, "the lock of external task " + std::to_string(job) +
                                    " has already expired; fetch it again");
  return {};
}

Result<void> PeopleApi::unlock_external(const Principal& who, std::uint64_t job) {
  // Camunda's unlock names no worker: the account that holds the lock (any of its workers) may
  // release it, and an administrator may release any external task's lock.
  if (!who.is("worker"))
    return fail(Errc::PermissionDenied, "acting on external tasks needs the worker role");
  auto j = store_.locked_job(job);
  if (!j) return fail(j.error());
  if (!*j || !is_external((*j)->job.type))
    return fail(Errc::NotFound, "there is no external task " + std::to_string(job));
  if (!who.is("admin") && lock_account((*j)->locked_by) != who.user) {
    return fail(Errc::Conflict,
                "external task " + std::to_string(job) + " is not locked by your account");
  }
  auto ok = store_.unlock_job(job);
  if (!ok) return fail(ok.error());
  if (!*ok) return fail(Errc::NotFound, "there is no external task " + std::to_string(job));
  return {};
}

}  // namespace api
}  // namespace elva
