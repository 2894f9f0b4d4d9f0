// The `hr` connector (hr_connector.hpp). People are found by their employee number, which is the
// SCIM externalId (and the enterprise extension's employeeNumber); organisation units are SCIM
// Groups by displayName. Creating a user is idempotent: an existing user with the employee
// number is returned as it is, so a retried hire never makes a second account.
#include "hr/hr_connector.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <chrono>
#include <future>

#include "elva/connectors.hpp"
#include "support/http_client.hpp"

namespace elva::connectors {
namespace {

using connector::Outcome;
using nlohmann::json;

constexpr const char* kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
constexpr const char* kEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr const char* kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
constexpr const char* kPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

std::string scim_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string text_of(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// A SCIM call's result: the parsed body, or the outcome to give the job.
struct Reply {
  int status = 0;
  json body;
  std::optional<Outcome> problem;
};

class HrConnector final : public connector::Connector {
 public:
  HrConnector(Settings s, HttpClientOptions o, std::chrono::milliseconds timeout, int in_flight)
      : s_(std::move(s)),
        client_(std::move(o)),
        timeout_(timeout),
        base_(s_.text("url")),
        max_in_flight_(in_flight) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }

  const std::string& name() const override { return s_.name; }
  std::string kind() const override { return "hr"; }
  json describe() const override { return s_.shown; }

  std::vector<connector::Operation> operations() const override {
    const connector::Field number{"employeeNumber", true, "the employee number (SCIM externalId)"};
    const std::vector<connector::Field> person{{"givenName", false, ""},
                                               {"familyName", false, ""},
                                               {"email", false, "work e-mail"},
                                               {"department", false, "organisation unit"},
                                               {"organization", false, ""},
                                               {"manager", false, "the manager's employee number"},
                                               {"title", false, ""}};
    auto create_in = person;
    create_in.insert(create_in.begin(), {{number}, {"userName", true, "account name"}});
    create_in.push_back({"groups", false, "organisation units (groups) to join"});
    auto update_in = person;
    update_in.insert(update_in.begin(), number);
    const std::vector<connector::Field> user_out{{"userId", false, "SCIM id"},
                                                 {"userName", false, ""}};
    auto created_out = user_out;
    created_out.push_back({"created", false, "false when the employee already had an account"});
    return {
        {"createUser", "Creates the employee's account (idempotent: an existing one is returned)",
         create_in, created_out},
        {"updateUser", "Changes the employee's placement or details (SCIM PATCH)", update_in,
         user_out},
        {"deactivateUser",
         "Deactivates the employee's account (active = false)",
         {number},
         user_out},
        {"addToGroup",
         "Adds the employee to an organisation unit (group)",
         {number, {"group", true, "unit name"}},
         {{"groupId", false, ""}}},
        {"removeFromGroup",
         "Removes the employee from an organisation unit",
         {number, {"group", true, "unit name"}},
         {{"groupId", false, ""}}},
        {"findUser",
         "Looks the employee up by employee number",
         {number},
         {{"found", false, ""},
          {"user", false, "userId, userName, name, email, department, manager, active"}}},
        {"listUsers",
         "Employees, optionally of one unit",
         {{"department", false, "only this unit (group)"}, {"activeOnly", false, "default true"}},
         {{"users", false, "list of users (as findUser, plus managerUserName)"},
          {"count", false, ""}}},
        {"createGroup",
         "Creates an organisation unit (idempotent)",
         {{"group", true, "unit name"}},
         {{"groupId", false, ""}, {"created", false, ""}}},
    };
  }

  int max_in_flight() const override { return max_in_flight_; }

  void invoke(connector::Invocation call, connector::Completion done) override {
    run_call(client_.io(), run(std::move(call)), std::move(done), [this](const std::exception& e) {
      if (dynamic_cast<const json::exception*>(&e))
        return "the SCIM server at " + base_ + " answered with JSON of an unexpected shape (" +
               e.what() + ")";
      return std::string("the connector failed: ") + e.what();
    });
  }

  boost::asio::io_context& io() { return client_.io().context(); }

  // Optional only because co_spawn needs a result it can default-construct.
  using People = std::optional<std::pair<Result<json>, Result<json>>>;
  boost::asio::awaitable<People> users_and_groups(std::chrono::system_clock::time_point deadline) {
    auto users = co_await list_all("Users", "", deadline);
    auto groups = co_await list_all("Groups", "", deadline);
    co_return std::make_pair(std::move(users), std::move(groups));
  }

  // Every page of a resource type.
  boost::asio::awaitable<Result<json>> list_all(std::string type, std::string filter,
                                                std::chrono::system_clock::time_point deadline) {
    json all = json::array();
    const std::int64_t page = s_.integer("page_size", 200);
    for (std::int64_t start = 1;; start += page) {
      std::string path =
          "/" + type + "?startIndex=" + std::to_string(start) + "&count=" + std::to_string(page);
      if (!filter.empty()) path += "&filter=" + url_encode(filter);
      auto r = co_await scim("GET", path, json(), "", deadline);
      if (r.problem) co_return fail(Errc::ConnectorFailed, r.problem->message);
      const auto& resources = r.body.value("Resources", json::array());
      for (const auto& x : resources) all.push_back(x);
      const auto total = r.body.value("totalResults", 0);
      if (resources.empty() || static_cast<std::int64_t>(all.size()) >= total) break;
    }
    co_return all;
  }

 private:
  boost::asio::awaitable<Reply> scim(std::string method, std::string path, json body,
                                     std::string key,
                                     std::chrono::system_clock::time_point deadline) {
    HttpRequest req;
    req.method = method;
    req.url = base_ + path;
    req.headers.emplace_back("Accept", "application/scim+json, application/json");
    if (!s_.text("token").empty())
      req.origin_headers.emplace_back("Authorization", "Bearer " + s_.text("token"));
    if (!key.empty()) req.headers.emplace_back("Idempotency-Key", key);
    if (!body.is_null()) {
      req.body = body.dump();
      req.headers.emplace_back("Content-Type", "application/scim+json");
    }
    Reply reply;
    auto answer = co_await client_.co_send(req, deadline);
    const std::string what = "SCIM " + method + " " + base_ + path.substr(0, path.find('?'));
    if (!answer.ok) {
      reply.problem = answer.failure.permanent()
                          ? Outcome::fail(what + ": " + answer.failure.message)
                          : Outcome::retry(what + ": " + answer.failure.message);
      co_return reply;
    }
    reply.status = answer.response.status;
    if (!answer.response.body.empty()) {
      reply.body = json::parse(answer.response.body, nullptr, false);
      if (reply.body.is_discarded()) {
        reply.problem =
            Outcome::retry(what + " answered " + std::to_string(reply.status) +
                           " with a body that is not JSON: " + excerpt(answer.response.body));
        co_return reply;
      }
    }
    if (reply.status >= 400 && reply.status != 404 && reply.status != 409) {
      const std::string detail =
          reply.body.is_object() ? reply.body.value("detail", std::string()) : std::string();
      const std::string said = what + " answered " + std::to_string(reply.status) +
                               (detail.empty() ? "" : ": " + detail);
      reply.problem = answer.response.retryable() ? Outcome::retry(said) : Outcome::fail(said);
    }
    co_return reply;
  }

  // The one user with this employee number; nullopt when there is none; problem on failure.
  boost::asio::awaitable<std::optional<json>> find_user(
      std::string number, std::optional<Outcome>& problem,
      std::chrono::system_clock::time_point deadline) {
    auto r =
        co_await scim("GET", "/Users?filter=" + url_encode("externalId eq " + scim_string(number)),
                      json(), "", deadline);
    if (r.problem) {
      problem = r.problem;
      co_return std::nullopt;
    }
    const auto list = r.body.value("Resources", json::array());
    if (list.size() > 1) {
      problem = Outcome::fail("the HR system has " + std::to_string(list.size()) +
                              " users with employee number " + number + "; fix it there");
      co_return std::nullopt;
    }
    if (list.empty()) co_return std::nullopt;
    co_return list[0];
  }

  boost::asio::awaitable<std::optional<json>> find_group(
      std::string group, std::optional<Outcome>& problem,
      std::chrono::system_clock::time_point deadline) {
    auto r =
        co_await scim("GET", "/Groups?filter=" + url_encode("displayName eq " + scim_string(group)),
                      json(), "", deadline);
    if (r.problem) {
      problem = r.problem;
      co_return std::nullopt;
    }
    const auto list = r.body.value("Resources", json::array());
    if (list.empty()) co_return std::nullopt;
    co_return list[0];
  }

  static json user_view(const json& u) {
    const json ext = u.value(kEnterprise, json::object());
    std::string email;
    for (const auto& e : u.value("emails", json::array())) {
      if (email.empty() || e.value("primary", false)) email = e.value("value", "");
    }
    return {{"userId", u.value("id", "")},
            {"userName", u.value("userName", "")},
            {"employeeNumber", u.value("externalId", ext.value("employeeNumber", ""))},
            {"name", u.value("displayName", "")},
            {"email", email},
            {"department", ext.value("department", "")},
            {"manager", ext.value("manager", json::object()).value("value", "")},
            {"title", u.value("title", "")},
            {"active", u.value("active", true)}};
  }

  // Fills SCIM attributes from the task's input; returns the manager's id lookup problem if any.
  boost::asio::awaitable<std::optional<Outcome>> person_fields(
      const json& in, json& user, json& ext, std::chrono::system_clock::time_point deadline,
      bool patch, json& ops) {
    auto set = [&](const std::string& path, json value, json& target, const std::string& key) {
      if (patch)
        ops.push_back({{"op", "replace"}, {"path", path}, {"value", value}});
      else
        target[key] = std::move(value);
    };
    const std::string given = text_of(in, "givenName"), family = text_of(in, "familyName");
    if (!given.empty()) set("name.givenName", given, user["name"], "givenName");
    if (!family.empty()) set("name.familyName", family, user["name"], "familyName");
    if (!given.empty() && !family.empty())
      set("displayName", given + " " + family, user, "displayName");
    if (const auto v = text_of(in, "email"); !v.empty()) {
      set("emails", json::array({{{"value", v}, {"type", "work"}, {"primary", true}}}), user,
          "emails");
    }
    if (const auto v = text_of(in, "title"); !v.empty()) set("title", v, user, "title");
    const std::string prefix = std::string(kEnterprise) + ":";
    if (const auto v = text_of(in, "department"); !v.empty())
      set(prefix + "department", v, ext, "department");
    if (const auto v = text_of(in, "organization"); !v.empty())
      set(prefix + "organization", v, ext, "organization");
    if (const auto v = text_of(in, "manager"); !v.empty()) {
      std::optional<Outcome> problem;
      auto m = co_await find_user(v, problem, deadline);
      if (problem) co_return problem;
      if (!m)
        co_return Outcome::fail("the manager with employee number " + v +
                                " is not in the HR system");
      set(prefix + "manager", json{{"value", (*m)["id"]}}, ext, "manager");
    }
    co_return std::nullopt;
  }

  boost::asio::awaitable<Outcome> membership(std::string op, std::string number, std::string group,
                                             std::string key,
                                             std::chrono::system_clock::time_point deadline) {
    std::optional<Outcome> problem;
    auto u = co_await find_user(number, problem, deadline);
    if (problem) co_return *problem;
    if (!u)
      co_return Outcome::fail("there is no employee with number " + number + " in the HR system");
    auto g = co_await find_group(group, problem, deadline);
    if (problem) co_return *problem;
    if (!g)
      co_return Outcome::fail("there is no organisation unit (group) '" + group +
                              "' in the HR system");
    const std::string uid = (*u)["id"], gid = (*g)["id"];
    bool member = false;
    for (const auto& m : g->value("members", json::array())) member |= m.value("value", "") == uid;
    if ((op == "add") == member)
      co_return Outcome::completed({{"groupId", gid}});  // already so: nothing to do
    json patch_op =
        op == "add"
            ? json{{"op", "add"}, {"path", "members"}, {"value", json::array({{{"value", uid}}})}}
            : json{{"op", "remove"}, {"path", "members[value eq " + scim_string(uid) + "]"}};
    // Bodies are built before the co_await: GCC 12 cannot compile a braced JSON argument there.
    json patch = {{"schemas", {kPatchOp}}, {"Operations", {patch_op}}};
    auto r = co_await scim("PATCH", "/Groups/" + url_encode(gid), std::move(patch), key, deadline);
    if (r.problem) co_return *r.problem;
    if (r.status == 404)
      co_return Outcome::retry("the unit '" + group + "' disappeared while changing its members");
    co_return Outcome::completed({{"groupId", gid}});
  }

  boost::asio::awaitable<Outcome> run(connector::Invocation call) {
    const auto deadline = std::min(call.deadline, std::chrono::system_clock::now() + timeout_);
    const json& in = call.input;
    const std::string& op = call.operation;
    const std::string number = text_of(in, "employeeNumber");
    const bool needs_number = op != "listUsers" && op != "createGroup";
    if (needs_number && number.empty())
      co_return Outcome::fail("hr." + op + " needs employeeNumber in its input");
    std::optional<Outcome> problem;
    if (op == "createUser") {
      const std::string user_name = text_of(in, "userName");
      if (user_name.empty()) co_return Outcome::fail("hr.createUser needs userName in its input");
      auto existing = co_await find_user(number, problem, deadline);
      if (problem) co_return *problem;
      json u;
      bool created = false;
      if (existing) {
        u = *existing;
      } else {
        json user = {{"schemas", {kUserSchema, kEnterprise}},
                     {"userName", user_name},
                     {"externalId", number},
                     {"active", true},
                     {"name", json::object()}};
        json ext = {{"employeeNumber", number}};
        json unused;
        if (auto p = co_await person_fields(in, user, ext, deadline, false, unused)) co_return *p;
        user[kEnterprise] = ext;
        auto r = co_await scim("POST", "/Users", user, call.idempotency_key, deadline);
        if (r.problem) co_return *r.problem;
        if (r.status ==
            409) {  // the userName is taken: ours from an earlier attempt, or someone else's
          auto again = co_await find_user(number, problem, deadline);
          if (problem) co_return *problem;
          if (!again)
            co_return Outcome::fail("the HR system refused user name '" + user_name +
                                    "': it belongs to another employee");
          u = *again;
        } else {
          u = r.body;
          created = true;
        }
      }
      // A list of unit names; a modeler writes an empty field as "" (none), and one name
      // alone is one unit.
      json groups = in.contains("groups") ? in["groups"] : json::array();
      if (groups.is_null() || (groups.is_string() && groups.get<std::string>().empty()))
        groups = json::array();
      else if (groups.is_string())
        groups = json::array({groups});
      if (!groups.is_array())
        co_return Outcome::fail("hr.createUser: groups must be a list of unit names");
      for (const auto& g : groups) {
        if (!g.is_string() || g.get<std::string>().empty()) continue;
        auto m = co_await membership("add", number, g.get<std::string>(), call.idempotency_key,
                                     deadline);
        if (m.kind != Outcome::Kind::Completed) co_return m;
      }
      co_return Outcome::completed({{"userId", u.value("id", "")},
                                    {"userName", u.value("userName", "")},
                                    {"created", created}});
    }
    if (op == "updateUser" || op == "deactivateUser") {
      auto u = co_await find_user(number, problem, deadline);
      if (problem) co_return *problem;
      if (!u)
        co_return Outcome::fail("there is no employee with number " + number + " in the HR system");
      json ops = json::array();
      if (op == "deactivateUser") {
        ops.push_back({{"op", "replace"}, {"path", "active"}, {"value", false}});
      } else {
        json unused_user, unused_ext;
        if (auto p = co_await person_fields(in, unused_user, unused_ext, deadline, true, ops))
          co_return *p;
        if (ops.empty())
          co_return Outcome::completed({{"userId", (*u)["id"]}, {"userName", (*u)["userName"]}});
      }
      json patch = {{"schemas", {kPatchOp}}, {"Operations", ops}};
      auto r = co_await scim("PATCH", "/Users/" + url_encode((*u)["id"].get<std::string>()),
                             std::move(patch), call.idempotency_key, deadline);
      if (r.problem) co_return *r.problem;
      if (r.status == 404)
        co_return Outcome::retry("the employee " + number +
                                 " disappeared from the HR system during the change");
      co_return Outcome::completed({{"userId", (*u)["id"]}, {"userName", (*u)["userName"]}});
    }
    if (op == "addToGroup" || op == "removeFromGroup") {
      const std::string group = text_of(in, "group");
      if (group.empty()) co_return Outcome::fail("hr." + op + " needs group in its input");
      // Named first: GCC 12 frees a conditional's temporary twice inside a co_await.
      std::string change = op == "addToGroup" ? "add" : "remove";
      co_return co_await membership(std::move(change), number, group, call.idempotency_key,
                                    deadline);
    }
    if (op == "findUser") {
      auto u = co_await find_user(number, problem, deadline);
      if (problem) co_return *problem;
      co_return Outcome::completed(
          {{"found", u.has_value()}, {"user", u ? user_view(*u) : json()}});
    }
    if (op == "listUsers") {
      const std::string dept = text_of(in, "department");
      // true, false, or not given ("" or null as a modeler writes an empty field): true.
      const json active = in.contains("activeOnly") ? in["activeOnly"] : json();
      bool active_only = true;
      if (active.is_boolean())
        active_only = active.get<bool>();
      else if (active.is_string() && (active == "true" || active == "false"))
        active_only = active == "true";
      else if (!active.is_null() && !(active.is_string() && active.get<std::string>().empty()))
        co_return Outcome::fail("hr.listUsers: activeOnly must be true or false");
      auto all = co_await list_all("Users", "", deadline);
      if (!all) co_return Outcome::retry(all.error().message);
      json users = json::array();
      std::map<std::string, std::string> user_names;  // SCIM id -> userName, for the managers'
      for (const auto& u : *all) user_names[u.value("id", "")] = u.value("userName", "");
      for (const auto& u : *all) {
        auto v = user_view(u);
        v["managerUserName"] = user_names.count(v["manager"].get<std::string>())
                                   ? user_names[v["manager"].get<std::string>()]
                                   : "";
        if (!dept.empty() && v["department"] != dept) continue;
        if (active_only && !v["active"].get<bool>()) continue;
        users.push_back(std::move(v));
      }
      co_return Outcome::completed({{"users", users}, {"count", users.size()}});
    }
    if (op == "createGroup") {
      const std::string group = text_of(in, "group");
      if (group.empty()) co_return Outcome::fail("hr.createGroup needs group in its input");
      auto g = co_await find_group(group, problem, deadline);
      if (problem) co_return *problem;
      if (g) co_return Outcome::completed({{"groupId", (*g)["id"]}, {"created", false}});
      json unit = {{"schemas", {kGroupSchema}}, {"displayName", group}, {"members", json::array()}};
      auto r = co_await scim("POST", "/Groups", std::move(unit), call.idempotency_key, deadline);
      if (r.problem) co_return *r.problem;
      if (r.status == 409)
        co_return Outcome::retry("the unit '" + group +
                                 "' was created meanwhile; looking it up again");
      co_return Outcome::completed({{"groupId", r.body.value("id", "")}, {"created", true}});
    }
    co_return Outcome::fail("hr has no operation " + op);
  }

  Settings s_;
  HttpClient client_;
  std::chrono::milliseconds timeout_;
  std::string base_;
  int max_in_flight_;
};

}  // namespace

Result<std::shared_ptr<connector::Connector>> make_hr_connector(const Settings& s) {
  if (s.text("url").empty())
    return fail(s.error("the hr connector needs url = \"https://hr.example/scim/v2\""));
  auto timeout = s.duration("timeout", std::chrono::seconds(10));
  if (!timeout) return fail(timeout.error());
  auto options = http_client_options(s, "url");
  if (!options) return fail(options.error());
  auto in_flight = max_in_flight(s);
  if (!in_flight) return fail(in_flight.error());
  return std::shared_ptr<connector::Connector>(
      std::make_shared<HrConnector>(s, *options, *timeout, *in_flight));
}

Result<json> read_hr_users(connector::Connector& hr) {
  auto* c = dynamic_cast<HrConnector*>(&hr);
  if (!c)
    return fail(Errc::InvalidArgument, "connector '" + hr.name() + "' is not an hr connector");
  auto& conn = *c;
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(60);
  // The import runs on a thread of its own (not the connector's I/O thread): it waits here.
  std::promise<HrConnector::People> read;
  auto both = read.get_future();
  boost::asio::co_spawn(conn.io(), conn.users_and_groups(deadline),
                        [&read](std::exception_ptr error, HrConnector::People lists) {
                          if (error)
                            read.set_exception(error);
                          else
                            read.set_value(std::move(lists));
                        });
  auto [users, groups] = *both.get();
  if (!users) return fail(users.error());
  if (!groups) return fail(groups.error());
  std::map<std::string, std::vector<std::string>> member_of;
  for (const auto& g : *groups) {
    for (const auto& m : g.value("members", json::array()))
      member_of[m.value("value", "")].push_back(g.value("displayName", ""));
  }
  json out = json::array();
  for (const auto& u : *users) {
    std::string email;
    for (const auto& e : u.value("emails", json::array())) {
      if (email.empty() || e.value("primary", false)) email = e.value("value", "");
    }
    out.push_back({{"id", u.value("userName", "")},
                   {"name", u.value("displayName", u.value("userName", ""))},
                   {"email", email},
                   {"groups", member_of[u.value("id", "")]},
                   {"roles", json::array({"employee"})},
                   {"disabled", !u.value("active", true)}});
  }
  return out;
}

}  // namespace elva::connectors
