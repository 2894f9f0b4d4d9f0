// Administration: jobs, incidents and their retry, users, API tokens.
#include "common/iso8601.hpp"
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

}  // namespace

void add_admin_routes(Routes& routes) {
  routes.add("GET", "/api/jobs", "admin", [](Call& c) -> Result<Response> {
    std::uint64_t instance = 0;
    if (auto v = c.req.query.find("instance"); v != c.req.query.end()) {
      auto key = parse_key("instance", v->second);
      if (!key) return fail(key.error());
      instance = *key;
    }
    auto r = c.engine.jobs(instance);
    if (!r) return fail(r.error());
    return ok(json{{"items", *r}});
  });
  routes.add("GET", "/api/incidents", "developer", [](Call& c) -> Result<Response> {
    auto r = c.engine.incidents();
    if (!r) return fail(r.error());
    return ok(json{{"items", *r}});
  });
  routes.add_by_id("POST", "/api/incidents/{id}/retry", "admin",
                   [](Call& c, std::uint64_t id) { return c.engine.retry(id); });
  routes.add("GET", "/api/users", "admin", [](Call& c) -> Result<Response> {
    auto r = c.engine.users();
    if (!r) return fail(r.error());
    return ok(json{{"items", *r}});
  });
  routes.add("POST", "/api/users", "admin", [](Call& c) -> Result<Response> {
    auto b = c.body({"users"});
    if (!b) return fail(b.error());
    auto r = c.engine.import_users(b->value("users", json()));
    if (!r) return fail(r.error());
    return ok(*r);
  });
  routes.add("POST", "/api/tokens", "admin", [](Call& c) -> Result<Response> {
    auto b = c.body({"user", "name", "ttl"});
    if (!b) return fail(b.error());
    auto user = text_field(*b, "user", true);
    if (!user) return fail(user.error());
    auto name = text_field(*b, "name", false, "api");
    if (!name) return fail(name.error());
    auto ttl = text_field(*b, "ttl", false);
    if (!ttl) return fail(ttl.error());
    std::int64_t ms = 0;
    if (!ttl->empty()) {
      auto d = duration_ms(*ttl, "ttl");
      if (!d) return fail(d.error());
      ms = *d;
    }
    auto r = c.engine.create_token(*user, *name, ms);
    if (!r) return fail(r.error());
    return ok(*r, 201);
  });
  // Tokens and sessions, never the token itself: an id (16 hex digits of its hash) names one.
  routes.add("GET", "/api/tokens", "admin", [](Call& c) -> Result<Response> {
    std::string user;
    if (auto v = c.req.query.find("user"); v != c.req.query.end()) user = v->second;
    if (user.find_first_of(std::string("\0", 1) + "\r\n") != std::string::npos || user.size() > 256)
      return fail(field_error("user", "is not a user name"));
    auto r = c.engine.tokens(user);
    if (!r) return fail(r.error());
    return ok(json{{"items", *r}});
  });
  routes.add("DELETE", "/api/tokens/{id}", "admin", [](Call& c) -> Result<Response> {
    if (auto r = c.engine.revoke_token(c.params.at("id")); !r) return fail(r.error());
    return no_content();
  });
}

}  // namespace elva::server
