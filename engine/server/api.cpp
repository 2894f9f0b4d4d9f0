// Api (api.hpp): tenants, authentication, dispatch to the routes (routes/*.cpp: one file per
// resource) and the task list's assets. Every error a route returns becomes problem+json here,
// through routes/route.cpp's problem_of.
#include "server/api.hpp"

#include <cctype>
#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "common/iso8601.hpp"
#include "elva/base64.hpp"
#include "metrics/metrics.hpp"
#include "server/observability.hpp"
#include "server/routes/route.hpp"
#include "server/sso_routes.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

}  // namespace

struct Api::Impl {
  std::map<std::string, std::vector<std::unique_ptr<Engine>>>
      tenants;  // "" is the default database
  ApiOptions options;
  Routes routes{options};
  std::unique_ptr<LoginGuard> guard;
  std::mutex basic_mutex;
  // Basic credentials whose password was checked: (tenant, header) -> (the password hash it
  // matched, until). Only the Argon2id check is skipped: the user's row is read every time.
  std::unordered_map<std::string, std::pair<std::string, std::int64_t>> basic_cache;

  // The caller, or nullopt while a Basic password is being checked (answer LoginGuard::pending).
  std::optional<Result<Principal>> authenticate(const Request& req, Engine& engine,
                                                const std::string& tenant) {
    const std::string auth = req.header("authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
      const std::string token = auth.substr(7);
      if (auto sso = options.oidc.find(tenant); sso != options.oidc.end() && looks_like_jwt(token))
        return single_sign_on(*sso->second, token, engine, tenant);
      return engine.authenticate(token);
    }
    if (auth.rfind("Basic ", 0) == 0) {
      const std::string pair = base64_decode(auth.substr(6)).value_or("");
      const auto colon = pair.find(':');
      if (colon == std::string::npos)
        return fail(Errc::Unauthenticated, "Basic credentials must be user:password");
      const std::string user = pair.substr(0, colon);
      const std::string cache_key =
          tenant + '\n' + auth;  // the same user name in two tenants is two people
      std::string stamp;
      {
        std::lock_guard<std::mutex> lock(basic_mutex);
        auto it = basic_cache.find(cache_key);
        if (it != basic_cache.end() && it->second.second > iso8601::now_millis())
          stamp = it->second.first;
      }
      if (!stamp.empty()) {
        auto c = engine.credentials(user);
        if (!c) return fail(c.error());
        if (c->usable && c->stamp == stamp) return c->who;
        std::lock_guard<std::mutex> lock(basic_mutex);
        basic_cache.erase(cache_key);  // disabled, or another password: check again (and fail)
      }
      const std::string account = (tenant.empty() ? std::string() : "/t/" + tenant) + '\n' +
                                  user;  // as the login route names it
      auto checked = guard->check(req, engine, account, user, pair.substr(colon + 1));
      if (!checked) return std::nullopt;
      if (!*checked) {
        // A name that cannot be a user's is wrong credentials here (401), as any other.
        if (checked->error().code == Errc::InvalidArgument)
          return fail(Errc::Unauthenticated, "Basic credentials: " + checked->error().message);
        return fail(checked->error());
      }
      std::lock_guard<std::mutex> lock(basic_mutex);
      if (basic_cache.size() > 1000) basic_cache.clear();
      basic_cache[cache_key] = {
          (*checked)->stamp,
          iso8601::now_millis() + options.basic_auth_cache_ms};  // the hash that matched
      return (*checked)->who;
    }
    if (auth.empty())
      return fail(Errc::Unauthenticated,
                  "log in first: send Authorization: Bearer <token> (POST /api/login gives one)");
    return fail(Errc::Unauthenticated,
                "the Authorization header must be Bearer <token> or Basic <user:password>");
  }

  // The person a provider's token names (sso_routes.hpp).
  static Result<Principal> single_sign_on(OidcVerifier& verifier, const std::string& token,
                                          Engine& engine, const std::string& tenant) {
    auto id = verifier.verify(token);
    if (!id) return fail(id.error());
    return principal_for(*id, engine, tenant, verifier.settings().username_claim);
  }

  void build();
  Response handle(const Request& req, int worker, std::string& route);
  Response operator_page(const Request& req, int worker, const std::string& path);
  Response asset(const Request& req, const std::string& path, const std::string& prefix);
};

Api::Api(std::vector<Tenant> tenants, ApiOptions options) : impl_(std::make_unique<Impl>()) {
  for (auto& t : tenants) impl_->tenants[t.name] = std::move(t.engines);
  impl_->options = options;
  impl_->guard = std::make_unique<LoginGuard>(impl_->options.login);
  impl_->routes.guard = impl_->guard.get();
  impl_->build();
}

Api::~Api() = default;

// Every request is counted by its route pattern (never its raw path: ids and names would make
// a series per value) and status, and timed.
Response Api::handle(const Request& request, int worker) {
  const auto start = std::chrono::steady_clock::now();
  metrics::pool_in_use(1);
  std::string route = "unmatched";
  Response r = impl_->handle(request, worker, route);
  metrics::pool_in_use(-1);
  metrics::http_request(
      route, r.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return r;
}

// GET /livez, /readyz and /metrics (observability.hpp), on the default database.
Response Api::Impl::operator_page(const Request& req, int worker, const std::string& path) {
  if (req.method != "GET" && req.method != "HEAD") {
    auto p = problem(405, req.method + " is not allowed here (allowed: GET)", req.path);
    p.headers["Allow"] = "GET";
    return p;
  }
  if (path == "/livez") return livez();
  if (path == "/readyz") {
    std::vector<ReadinessCheck> checks;
    for (auto& [name, engines] : tenants) {
      add_database_checks(checks, *engines.at(static_cast<std::size_t>(worker) % engines.size()),
                          name.empty() ? "" : ":" + name);
    }
    checks.insert(checks.end(), options.readiness.begin(), options.readiness.end());
    return readyz(checks);
  }
  auto& engines = tenants.at("");
  Engine& engine = *engines.at(static_cast<std::size_t>(worker) % engines.size());
  // Who may read it: the loopback address, the metrics token, or an administrator.
  const std::string auth = req.header("authorization");
  const bool token =
      auth.rfind("Bearer ", 0) == 0 && token_matches(auth.substr(7), options.metrics_token);
  if (!is_loopback(req.remote_address) && !token) {
    auto checked = authenticate(req, engine, "");
    if (!checked) return LoginGuard::pending(req);
    if (!*checked) return problem_of(checked->error(), req.path, options.log);
    if (!(*checked)->is("admin"))
      return problem(403, "the metrics are for administrators and the metrics token", req.path);
  }
  return metrics_page(engine);
}

Response Api::Impl::handle(const Request& req, int worker, std::string& route) {
  if (req.path == "/livez" || req.path == "/readyz" || req.path == "/metrics") {
    route = req.path;
    return operator_page(req, worker, req.path);
  }
  // /t/{tenant}/... is the same API and task list on that tenant's database.
  std::string path = req.path;
  std::string tenant, prefix;
  if (path.rfind("/t/", 0) == 0) {
    const auto end = path.find('/', 3);
    tenant = path.substr(3, end == std::string::npos ? std::string::npos : end - 3);
    prefix = "/t/" + tenant;
    path = end == std::string::npos ? "/" : path.substr(end);
    if (tenant.empty() || !tenants.count(tenant))
      return problem(404, "there is no tenant '" + tenant + "' on this server", req.path);
  }
  if (path.rfind("/auth/", 0) == 0) {
    route = "/auth";
    auto sso = options.oidc.find(tenant);
    auto& engines = tenants.at(tenant);
    return sso_page(req, path, prefix, sso == options.oidc.end() ? nullptr : sso->second.get(),
                    *engines.at(static_cast<std::size_t>(worker) % engines.size()), tenant,
                    options.session_ttl_ms, options.log);
  }
  const bool api = path.rfind("/api/", 0) == 0 || path.rfind("/engine-rest/", 0) == 0 ||
                   path.rfind("/eservice/", 0) == 0;
  if (!api) {
    route = "page";
    return asset(req, path, prefix);
  }
  auto& engines = tenants.at(tenant);
  Engine& engine = *engines.at(static_cast<std::size_t>(worker) % engines.size());
  const auto parts = split_path(path);
  bool path_known = false;
  std::set<std::string> methods;
  for (const auto& r : routes.all()) {
    std::map<std::string, std::string> params;
    if (!match(r, parts, params)) continue;
    path_known = true;
    route.clear();
    for (const auto& seg : r.segments) route += "/" + seg;
    methods.insert(r.method);
    if (r.method != req.method) continue;
    Call call{req, engine, std::move(params), std::nullopt, prefix};
    std::string role = r.role;
    if (role == "eservice") {  // per form: anonymous intake, or the portal system (worker role)
      const auto form = call.params["form"];
      if (!options.eservice.is_object() || !options.eservice.contains(form)) {
        return problem(404,
                       "there is no e-service form '" + form +
                           "' here (forms are configured in elva.toml [eservice.<form>])",
                       req.path);
      }
      role = options.eservice[form].value("anonymous", false) ? "" : "worker";
    }
    // "optional": anyone, and who sends credentials is known to the route (they must be right).
    if (role == "optional") role = req.header("authorization").empty() ? "" : "any";
    if (!role.empty()) {
      auto checked = authenticate(req, engine, tenant);
      if (!checked) return LoginGuard::pending(req);
      auto& who = *checked;
      if (!who) return problem_of(who.error(), req.path, options.log);
      who->tenant = tenant;
      if (role != "any" && !who->is(role)) {
        return problem(403,
                       "this needs the " + role + " role; you (" + who->user + ") have " +
                           (who->roles.empty() ? std::string("none") : json(who->roles).dump()),
                       req.path);
      }
      // What this request reads in: the page's choice (Accept-Language), else the user's locale.
      who->language = req.header("accept-language");
      if (who->language.empty() || who->language == "*") who->language = who->locale;
      call.who = std::move(*who);
      engine.set_actor("user:" + call.who->user);
    } else {
      engine.set_actor("api");
    }
    auto answer = r.handler(call);
    Response res = answer ? std::move(*answer) : problem_of(answer.error(), req.path, options.log);
    res.authenticated = call.who.has_value();
    return res;
  }
  if (path_known) {
    std::string allow;
    for (const auto& m : methods) allow += (allow.empty() ? "" : ", ") + m;
    auto p = problem(405, req.method + " is not allowed here (allowed: " + allow + ")", req.path);
    p.headers["Allow"] = allow;
    return p;
  }
  return problem(404, "there is no API resource " + req.path + " (see /api/openapi.json)",
                 req.path);
}

Response Api::Impl::asset(const Request& req, const std::string& asked, const std::string& prefix) {
  if (req.method != "GET" && req.method != "HEAD")
    return problem(405, "only GET reads pages", req.path);
  std::string path = asked;
  if (path == "/" || path == "/tasklist") {
    Response r;
    r.status = 302;
    r.content_type = "text/plain";
    r.headers["Location"] = prefix + "/tasklist/";
    return r;
  }
  // The cockpit is one page; its views are fragments (/cockpit/dashboards is #dashboards).
  for (const char* view : {"", "/dashboards", "/network"}) {
    if (path != std::string("/cockpit") + view) continue;
    Response r;
    r.status = 302;
    r.content_type = "text/plain";
    r.headers["Location"] = prefix + "/cockpit/" + (*view ? std::string("#") + (view + 1) : "");
    return r;
  }
  if (!path.empty() && path.back() == '/') path += "index.html";
  for (const auto& a : assets()) {
    if (path != a.path) continue;
    Response r;
    r.content_type = a.content_type;
    r.body.assign(a.data, a.size);
    r.headers["Cache-Control"] = "no-cache";
    r.headers["X-Content-Type-Options"] = "nosniff";
    // The cockpit's diagram viewer (bpmn-js) positions its overlays with style attributes.
    const bool cockpit = path.rfind("/cockpit/", 0) == 0;
    r.headers["Content-Security-Policy"] =
        std::string("default-src 'self'; img-src 'self' data:; style-src 'self'") +
        (cockpit ? " 'unsafe-inline'" : "") + "; script-src 'self'";
    return with_etag(req, std::move(r), body_etag(std::string(a.data, a.size)));
  }
  Response r = problem(404, "there is no page " + req.path, req.path);
  return r;
}

void Api::Impl::build() {
  routes.asset = [this](const Request& req, const std::string& path) {
    return asset(req, path, "");
  };
  add_session_routes(routes);
  add_eservice_routes(routes);
  add_task_routes(routes);
  add_instance_routes(routes);
  add_definition_routes(routes);
  add_admin_routes(routes);
  add_migration_routes(routes);
  add_operation_routes(routes);
  add_request_routes(routes);
  add_external_task_routes(routes);
  add_modeler_routes(routes);
  add_stats_routes(routes);
}

}  // namespace elva::server
