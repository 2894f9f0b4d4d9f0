// Sessions and the open routes: health, the OpenAPI document, login, logout, who am I.
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

}  // namespace

void add_session_routes(Routes& routes) {
  // Anonymous callers learn that the server is up, nothing about its database; an administrator
  // also sees the database (its URL without the password) and the schema version.
  routes.add("GET", "/api/health", "optional", [](Call& c) -> Result<Response> {
    auto s = c.engine.db_status();
    if (!s) return fail(s.error());
    if (!c.who || !c.who->is("admin")) return ok({{"status", "up"}});
    return ok({{"status", "up"}, {"database", (*s)["database"]}, {"schema", (*s)["current"]}});
  });
  routes.add("GET", "/api/openapi.json", "", [&routes](Call& c) -> Result<Response> {
    return routes.asset(c.req, "/openapi.json");
  });
  routes.add("POST", "/api/login", "", [&routes](Call& c) -> Result<Response> {
    auto b = c.body({"username", "password"});
    if (!b) return fail(b.error());
    auto user = text_field(*b, "username", true);
    if (!user) return fail(user.error());
    auto password = text_field(*b, "password", true);
    if (!password) return fail(password.error());
    // The password is checked on the guard's threads (back-off, bounded queue), not here.
    auto checked = routes.guard->check(c.req, c.engine, c.prefix + '\n' + *user, *user, *password);
    if (!checked) return LoginGuard::pending(c.req);
    if (!*checked) return fail(checked->error());
    auto s = c.engine.open_session((*checked)->who, routes.options.session_ttl_ms);
    if (!s) return fail(s.error());
    return ok(*s);
  });

  // How the task list and the cockpit offer logging in: with Elva's own users, and with the
  // organisation's provider when the browser login is configured (docs/operations.md#sso).
  routes.add("GET", "/api/login-options", "", [&routes](Call& c) -> Result<Response> {
    const std::string tenant = c.prefix.size() > 3 ? c.prefix.substr(3) : "";
    auto sso = routes.options.oidc.find(tenant);
    if (sso == routes.options.oidc.end() || sso->second->settings().redirect_uri.empty())
      return ok({{"singleSignOn", nullptr}});
    return ok({{"singleSignOn",
                {{"login", c.prefix + "/auth/login"}, {"logout", c.prefix + "/auth/logout"}}}});
  });
  routes.add("POST", "/api/logout", "any", [](Call& c) -> Result<Response> {
    const std::string auth = c.req.header("authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
      if (auto r = c.engine.logout(auth.substr(7)); !r) return fail(r.error());
    }
    return no_content();
  });
  routes.add("GET", "/api/me", "any",
             [](Call& c) -> Result<Response> { return ok(c.who->to_json()); });
  // How the caller wants to hear of tasks by mail (docs/api.md#mail).
  routes.add("GET", "/api/me/prompts", "any", [](Call& c) -> Result<Response> {
    auto s = c.engine.prompt_settings(*c.who);
    if (!s) return fail(s.error());
    return ok(*s);
  });
  routes.add("PUT", "/api/me/prompts", "any", [](Call& c) -> Result<Response> {
    auto b = c.body({"mode", "digestAt", "quietHours", "timeZone"});
    if (!b) return fail(b.error());
    auto s = c.engine.set_prompt_settings(*c.who, *b);
    if (!s) return fail(s.error());
    return ok(*s);
  });
}

}  // namespace elva::server
