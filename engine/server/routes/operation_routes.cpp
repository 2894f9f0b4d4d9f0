// Versions and operator actions on running instances (docs/operations.md): the versions of a
// process with their instance counts, the diff of two versions, modification, and the repair of
// jobs and variables. Reads are for developers; every action is an administrator's, needs a
// reason, and is audited with the caller as who.
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

// A list of texts (element ids, variable names); absent: empty.
Result<std::vector<std::string>> texts_field(const json& b, const char* name) {
  std::vector<std::string> out;
  if (!b.contains(name)) return out;
  const json& v = b[name];
  if (!v.is_array()) return fail(field_error(name, "must be a list of texts"));
  for (const auto& x : v) {
    if (!x.is_string() || x.get<std::string>().empty())
      return fail(field_error(name, "must be a list of non-empty texts"));
    out.push_back(x.get<std::string>());
  }
  return out;
}

Result<int> version_query(const Call& c, const char* name) {
  auto v = c.req.query.find(name);
  if (v == c.req.query.end()) return fail(field_error(name, "is required (0: the latest)"));
  if (v->second.empty() || v->second.size() > 9 ||
      v->second.find_first_not_of("0123456789") != std::string::npos)
    return fail(field_error(name, "must be a version number (0: the latest)"));
  return std::stoi(v->second);
}

// The job key of the path, and the body with `allowed` fields and its reason.
struct JobCall {
  std::uint64_t key = 0;
  json body;
  std::string reason;
};

Result<JobCall> job_call(Call& c, const std::set<std::string>& allowed) {
  JobCall out;
  auto key = c.key("key");
  if (!key) return fail(key.error());
  out.key = *key;
  auto b = c.body(allowed);
  if (!b) return fail(b.error());
  out.body = std::move(*b);
  auto reason = text_field(out.body, "reason", true);
  if (!reason) return fail(reason.error());
  out.reason = std::move(*reason);
  return out;
}

// POST /api/instances/{id}/modification
Result<json> modification(Call& c, std::uint64_t id) {
  auto b = c.body({"cancel", "startBefore", "startAfter", "variables", "reason"});
  if (!b) return fail(b.error());
  Engine::Modification m;
  for (auto [name, list] :
       {std::pair{"cancel", &m.cancel}, std::pair{"startBefore", &m.start_before},
        std::pair{"startAfter", &m.start_after}}) {
    auto v = texts_field(*b, name);
    if (!v) return fail(v.error());
    *list = std::move(*v);
  }
  auto vars = object_field(*b, "variables");
  if (!vars) return fail(vars.error());
  m.variables = std::move(*vars);
  auto reason = text_field(*b, "reason", true);
  if (!reason) return fail(reason.error());
  m.reason = std::move(*reason);
  return c.engine.modify(id, m);
}

}  // namespace

void add_operation_routes(Routes& routes) {
  routes.add("GET", "/api/definitions/{process}/versions", "developer",
             [](Call& c) -> Result<Response> {
               auto r = c.engine.versions(c.params["process"]);
               if (!r) return fail(r.error());
               return ok(*r);
             });
  routes.add("GET", "/api/definitions/{process}/diff", "developer",
             [](Call& c) -> Result<Response> {
               for (const auto& [k, v] : c.req.query) {
                 if (k != "from" && k != "to")
                   return fail(Errc::InvalidArgument,
                               "unknown query parameter '" + k + "' (this takes from and to)");
               }
               auto from = version_query(c, "from");
               if (!from) return fail(from.error());
               auto to = version_query(c, "to");
               if (!to) return fail(to.error());
               auto r = c.engine.diff(c.params["process"], *from, *to);
               if (!r) return fail(r.error());
               return ok(*r);
             });

  routes.add_by_id("POST", "/api/instances/{id}/modification", "admin", modification);
  routes.add_by_id("PUT", "/api/instances/{id}/variables", "admin",
                   [](Call& c, std::uint64_t id) -> Result<json> {
                     auto b = c.body({"variables", "scope", "reason"});
                     if (!b) return fail(b.error());
                     auto vars = object_field(*b, "variables");
                     if (!vars) return fail(vars.error());
                     auto scope = text_field(*b, "scope", false);
                     if (!scope) return fail(scope.error());
                     auto reason = text_field(*b, "reason", true);
                     if (!reason) return fail(reason.error());
                     return c.engine.set_variables(id, *vars, *scope, *reason);
                   });
  routes.add_by_id("POST", "/api/instances/{id}/variables/removal", "admin",
                   [](Call& c, std::uint64_t id) -> Result<json> {
                     auto b = c.body({"names", "scope", "reason"});
                     if (!b) return fail(b.error());
                     auto names = texts_field(*b, "names");
                     if (!names) return fail(names.error());
                     if (names->empty())
                       return fail(field_error("names", "must name at least one variable"));
                     auto scope = text_field(*b, "scope", false);
                     if (!scope) return fail(scope.error());
                     auto reason = text_field(*b, "reason", true);
                     if (!reason) return fail(reason.error());
                     return c.engine.remove_variables(id, *names, *scope, *reason);
                   });

  routes.add("POST", "/api/jobs/{key}/complete", "admin", [](Call& c) -> Result<Response> {
    auto j = job_call(c, {"variables", "reason"});
    if (!j) return fail(j.error());
    auto vars = object_field(j->body, "variables");
    if (!vars) return fail(vars.error());
    auto r = c.engine.complete_job(j->key, *vars, j->reason);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("POST", "/api/jobs/{key}/failure", "admin", [](Call& c) -> Result<Response> {
    auto j = job_call(c, {"message", "retries", "reason"});
    if (!j) return fail(j.error());
    auto message = text_field(j->body, "message", true);
    if (!message) return fail(message.error());
    auto retries = int_field(j->body, "retries", -1, 0, 1000);
    if (!retries) return fail(retries.error());
    auto r = c.engine.fail_job(j->key, *message, static_cast<int>(*retries), j->reason);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("PUT", "/api/jobs/{key}/retries", "admin", [](Call& c) -> Result<Response> {
    auto j = job_call(c, {"retries", "resolveIncident", "reason"});
    if (!j) return fail(j.error());
    if (!j->body.contains("retries")) return fail(field_error("retries", "is required"));
    auto retries = int_field(j->body, "retries", 1, 1, 1000);
    if (!retries) return fail(retries.error());
    const json resolve = j->body.value("resolveIncident", json(false));
    if (!resolve.is_boolean()) return fail(field_error("resolveIncident", "must be true or false"));
    auto r = c.engine.set_job_retries(j->key, static_cast<int>(*retries), resolve.get<bool>(),
                                      j->reason);
    if (!r) return fail(r.error());
    return ok(*r);
  });
}

}  // namespace elva::server
