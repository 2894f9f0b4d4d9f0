// Api: Elva's REST API (/api/...), the Camunda 7 external-task subset (/engine-rest/...), the
// OpenAPI document and the task list's web assets, as one HttpServer handler. Thin: it
// authenticates, parses and checks the request, calls the Engine (which authorizes), and
// answers JSON or an RFC 9457 problem. docs/api.md and docs/openapi.json describe it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "elva/engine.hpp"
#include "elva/server.hpp"
#include "server/http_server.hpp"
#include "server/login_guard.hpp"
#include "server/oidc.hpp"

namespace elva::server {

struct ApiOptions {
  std::int64_t session_ttl_ms = 12LL * 3600 * 1000;  // a login lasts a working day
  // A checked Basic password is not checked again (Argon2id) for this long; the user's row is
  // read on every request all the same, so disabling a user, changing a password or a role
  // takes effect at once.
  std::int64_t basic_auth_cache_ms = 60'000;
  LoginLimits login;  // back-off and password checks (login_guard.hpp)
  // The server log (correlation ids of 5xx answers); never given personal data.
  std::function<void(const std::string&)> log;
  // E-service forms from elva.toml: {"<form>": {"process" | "message", "receipt_prefix",
  // "anonymous", "max_attachment_bytes"}}; POST /eservice/{form} takes applications for them.
  nlohmann::json eservice = nlohmann::json::object();
  std::vector<ReadinessCheck> readiness;  // GET /readyz, after the database checks
  std::string metrics_token;              // GET /metrics from another address (server.hpp)
  // Single sign-on per tenant name ("" = the default database): tokens of these providers are
  // accepted as bearer tokens (oidc.hpp). A tenant without one has local users only.
  std::map<std::string, std::shared_ptr<OidcVerifier>> oidc;
};

// A tenant: a municipality with its own database, served under /t/{name}/ (the default
// database has the name "" and is served at the root). One engine per server worker.
struct Tenant {
  std::string name;
  std::vector<std::unique_ptr<Engine>> engines;
};

class Api {
 public:
  Api(std::vector<Tenant> tenants, ApiOptions options);
  ~Api();
  Response handle(const Request& request, int worker);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The files under web/ built into the binary: path ("/tasklist/index.html") -> (type, bytes).
struct Asset {
  const char* path;
  const char* content_type;
  const char* data;
  std::size_t size;
};
const std::vector<Asset>& assets();

}  // namespace elva::server
