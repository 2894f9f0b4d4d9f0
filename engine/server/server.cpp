// WebServer (elva/server.hpp): the HttpServer with the Api handler and its engines.
#include "elva/server.hpp"

#include "elva/engine.hpp"
#include "metrics/metrics.hpp"
#include "server/api.hpp"
#include "server/http_server.hpp"

namespace elva {
namespace {

class Running final : public WebServer {
 public:
  Running(std::unique_ptr<server::Api> api, server::ServerOptions options)
      : api_(std::move(api)),
        http_(std::move(options),
              [this](const server::Request& r, int worker) { return api_->handle(r, worker); }) {}
  ~Running() override { http_.stop(); }
  bool start(std::string& error) { return http_.start(error); }
  unsigned short port() const override { return http_.port(); }
  Result<std::string> reload_tls() override {
    if (!tls_) return fail(Errc::NotFound, "this server does not speak TLS (no --tls-cert)");
    std::string served, error;
    if (!http_.reload_tls(served, error)) return fail(Errc::InvalidArgument, error);
    return served;
  }
  bool tls_ = false;

 private:
  std::unique_ptr<server::Api> api_;
  server::HttpServer http_;
};

}  // namespace

Result<std::unique_ptr<WebServer>> WebServer::start(const std::string& database_url,
                                                    const HttpOptions& options) {
  std::vector<server::Tenant> tenants;
  std::map<std::string, std::string> urls = options.tenants;
  urls[""] = database_url;
  for (const auto& [name, url] : urls) {
    server::Tenant t{name, {}};
    // The HTTP workers' starts and task completions share commits (group commit).
    auto group = make_commit_group();
    CalendarOptions calendar;
    if (auto it = options.calendars.find(name); it != options.calendars.end())
      calendar = it->second;
    else if (auto d = options.calendars.find(""); d != options.calendars.end())
      calendar = d->second;
    for (int i = 0; i < std::max(1, options.workers); ++i) {
      auto e = Engine::open(
          EngineOptions{url, "api", true, options.connectors, options.limits, group, calendar});
      if (!e)
        return fail(e.error().code,
                    (name.empty() ? std::string() : "tenant '" + name + "': ") + e.error().message);
      t.engines.push_back(std::move(*e));
    }
    metrics::pool_connections(static_cast<int>(t.engines.size()));
    tenants.push_back(std::move(t));
  }
  server::ServerOptions s;
  s.address = options.address;
  s.port = options.port;
  s.workers = std::max(1, options.workers);
  s.body_limit = options.body_limit;
  s.header_limit = options.header_limit;
  s.header_timeout_ms = options.header_timeout_ms;
  s.request_timeout_ms = options.request_timeout_ms;
  s.idle_timeout_ms = options.idle_timeout_ms;
  s.max_connections = options.max_connections;
  s.max_connections_per_client = options.max_connections_per_client;
  s.log = options.log;
  s.tls_cert_file = options.tls_cert_file;
  s.tls_key_file = options.tls_key_file;
  s.trusted_proxies = options.trusted_proxies;
  server::ApiOptions api;
  api.eservice = options.eservice;
  api.readiness = options.readiness;
  api.metrics_token = options.metrics_token;
  // Single sign-on: the default's settings, and per tenant the default's with its own on top.
  if (!options.oidc.empty()) {
    auto base = options.oidc;
    const auto overrides = base.value("tenant", nlohmann::json::object());
    base.erase("tenant");
    std::vector<std::string> names{""};
    for (const auto& [name, _] : options.tenants) names.push_back(name);
    for (const auto& [name, _] : overrides.items()) {
      if (!options.tenants.count(name))
        return fail(Errc::InvalidArgument, "[oidc.tenant." + name + "]: there is no tenant " +
                                               name + " (--tenant NAME=DATABASE_URL)");
    }
    for (const auto& name : names) {
      auto section = base;
      std::string where = "[oidc]";
      if (overrides.contains(name)) {
        section.update(overrides[name]);
        where = "[oidc.tenant." + name + "]";
      }
      auto settings = server::OidcSettings::from_json(section, where);
      if (!settings) return fail(settings.error());
      api.oidc[name] = std::make_shared<server::OidcVerifier>(std::move(*settings));
    }
  }
  api.log = options.log;
  api.login.account_free_failures = options.login_account_failures;
  api.login.address_free_failures = options.login_address_failures;
  api.login.backoff_ms = options.login_backoff_ms;
  api.login.hash_threads = options.password_threads;
  api.login.hash_queue = options.password_queue;
  auto running =
      std::make_unique<Running>(std::make_unique<server::Api>(std::move(tenants), api), s);
  std::string error;
  running->tls_ = !options.tls_cert_file.empty();
  if (!running->start(error)) return fail(Errc::InvalidArgument, error);
  return std::unique_ptr<WebServer>(std::move(running));
}

}  // namespace elva
