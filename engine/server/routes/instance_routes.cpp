// Process instances: start, list, read, variables, history, cancel; messages and signals.
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

}  // namespace

void add_instance_routes(Routes& routes) {
  routes.add("POST", "/api/instances", "employee", [](Call& c) -> Result<Response> {
    auto b = c.body({"process", "variables", "businessKey"});
    if (!b) return fail(b.error());
    auto process = text_field(*b, "process", true);
    if (!process) return fail(process.error());
    auto vars = object_field(*b, "variables");
    if (!vars) return fail(vars.error());
    auto key = text_field(*b, "businessKey", false);
    if (!key) return fail(key.error());
    if (auto allowed = c.engine.may_start(*c.who, *process); !allowed) return fail(allowed.error());
    auto r = c.engine.start(*process, *vars, *key);
    if (!r) return fail(r.error());
    Response res = ok(*r, 201);
    res.headers["Location"] =
        c.prefix + "/api/instances/" + std::to_string((*r)["id"].get<std::uint64_t>());
    return res;
  });

  routes.add("GET", "/api/instances", "developer", [](Call& c) -> Result<Response> {
    std::string process, status;
    int limit = 50;
    for (const auto& [k, v] : c.req.query) {
      if (k == "process")
        process = v;
      else if (k == "status")
        status = v;
      else if (k == "limit") {
        try {
          limit = std::stoi(v);
        } catch (...) {
          return fail(Errc::InvalidArgument, "limit must be a number");
        }
        if (limit < 1 || limit > 1000)
          return fail(Errc::InvalidArgument, "limit must be between 1 and 1000");
      } else {
        return fail(Errc::InvalidArgument,
                    "unknown query parameter '" + k + "' (instances take process, status, limit)");
      }
    }
    auto r = c.engine.instances(process, status, limit);
    if (!r) return fail(r.error());
    return ok(json{{"items", *r}, {"limit", limit}});
  });
  routes.add("GET", "/api/instances/{id}", "developer", [](Call& c) -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto r = c.engine.instance(*id);
    if (!r) return fail(r.error());
    Response res = ok(*r);
    return with_etag(c.req, res, body_etag(res.body));
  });
  routes.add("GET", "/api/instances/{id}/variables", "developer", [](Call& c) -> Result<Response> {
    auto id = c.key("id");
    if (!id) return fail(id.error());
    auto r = c.engine.instance(*id);
    if (!r) return fail(r.error());
    Response res = ok((*r)["variables"]);
    return with_etag(c.req, res, body_etag(res.body));
  });
  routes.add_by_id("GET", "/api/instances/{id}/history", "developer",
                   [](Call& c, std::uint64_t id) -> Result<json> {
                     auto r = c.engine.instance(id);
                     if (!r) return fail(r.error());
                     return (*r)["history"];
                   });
  routes.add("POST", "/api/messages", "developer", [](Call& c) -> Result<Response> {
    auto b = c.body({"name", "correlationKey", "variables", "ttl"});
    if (!b) return fail(b.error());
    auto name = text_field(*b, "name", true);
    if (!name) return fail(name.error());
    auto key = text_field(*b, "correlationKey", false);
    if (!key) return fail(key.error());
    auto vars = object_field(*b, "variables");
    if (!vars) return fail(vars.error());
    auto ttl = text_field(*b, "ttl", false);
    if (!ttl) return fail(ttl.error());
    if (!ttl->empty()) {
      if (auto bounded = duration_ms(*ttl, "ttl"); !bounded) return fail(bounded.error());
    }
    auto r = c.engine.message(*name, *key, *vars, *ttl);
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("POST", "/api/signals", "developer", [](Call& c) -> Result<Response> {
    auto b = c.body({"name", "variables"});
    if (!b) return fail(b.error());
    auto name = text_field(*b, "name", true);
    if (!name) return fail(name.error());
    auto vars = object_field(*b, "variables");
    if (!vars) return fail(vars.error());
    auto r = c.engine.signal(*name, *vars);
    if (!r) return fail(r.error());
    return ok(*r);
  });

  routes.add_by_id("POST", "/api/instances/{id}/cancel", "admin",
                   [](Call& c, std::uint64_t id) { return c.engine.cancel(id); });
}

}  // namespace elva::server
