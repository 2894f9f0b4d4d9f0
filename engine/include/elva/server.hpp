// The HTTP front of `elva serve`: the REST API (/api), the Camunda 7 external-task API subset
// (/engine-rest/external-task), the OpenAPI document (/api/openapi.json) and the employee task
// list (/tasklist/). docs/api.md describes it.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "elva/connector.hpp"
#include "elva/engine.hpp"
#include "elva/result.hpp"

namespace elva {

// A readiness check of GET /readyz (docs/operations.md#health): nullopt when this part is ready,
// else why not, in a sentence anyone may read (no paths, versions or personal data). It runs on
// an HTTP worker for each /readyz request, so it must be quick and thread-safe. The server
// checks each database (reachable, no migration pending) itself; more are added here (a missing
// connector configuration is deliberately not one: docs/operations.md#health says why).
struct ReadinessCheck {
  std::string name;
  std::function<std::optional<std::string>()> check;
};

struct HttpOptions {
  std::string address = "127.0.0.1";  // 0.0.0.0 to listen on every interface
  unsigned short port = 8080;         // 0: any free port
  int workers = 4;                    // requests handled at once (each its own database connection)
  std::size_t body_limit = 4u << 20;  // bytes
  std::size_t header_limit = 16u << 10;
  int header_timeout_ms = 5'000;  // to send a request's line and headers (docs/security.md)
  int request_timeout_ms = 10'000;
  int idle_timeout_ms = 30'000;
  int max_connections = 512;
  int max_connections_per_client = 64;  // of one client address
  // Logins (POST /api/login and Basic credentials): failures before back-off per account and
  // per address, the first back-off (doubling), password checks at once and waiting.
  int login_account_failures = 5;
  int login_address_failures = 20;
  std::int64_t login_backoff_ms = 1'000;
  int password_threads = 1;
  int password_queue = 64;
  std::function<void(const std::string&)> log;
  // Tenants: name -> database URL, each served under /t/{name}/ with its own users, processes
  // and instances (the default database stays at the root).
  std::map<std::string, std::string> tenants;
  // The connectors deploys through the API are checked against (null: no check).
  std::shared_ptr<const connector::Registry> connectors;
  Limits limits;  // what a command through the API may make the engine do (elva/engine.hpp)
  // Working-day calendars by tenant name ("" = the default database; a tenant without one uses
  // that).
  std::map<std::string, CalendarOptions> calendars;
  // E-service forms ([eservice.<form>] of elva.toml) taken at POST /eservice/{form}.
  nlohmann::json eservice = nlohmann::json::object();
  // GET /readyz: checks besides the built-in database and migration checks (ReadinessCheck).
  std::vector<ReadinessCheck> readiness;
  // GET /metrics: anyone on the loopback address; from elsewhere an administrator's credentials
  // or `Authorization: Bearer <metrics_token>` (empty: no such token).
  std::string metrics_token;
  // Single sign-on: the [oidc] section of elva.toml (empty: none). Bearer tokens signed by that
  // provider are accepted as the people they name (docs/operations.md#sso); a tenant's
  // [oidc.tenant.NAME] settings replace the default's.
  nlohmann::json oidc = nlohmann::json::object();
  // HTTPS (docs/operations.md#tls): a PEM certificate chain and its private key; both or neither.
  // With them every connection is TLS 1.2 or 1.3 and answers carry Strict-Transport-Security.
  std::string tls_cert_file, tls_key_file;
  // Reverse proxies whose X-Forwarded-For is believed (IP addresses, exactly): a request from
  // one is taken to come from the last address the header names (logins, /metrics' loopback
  // rule, logs). Empty: the TCP peer is the client.
  std::vector<std::string> trusted_proxies;
};

class WebServer {
 public:
  // Opens `workers` connections to `database_url` and starts listening. Errors: the database
  // (StoreUnavailable), the address (InvalidArgument: in use, not an address).
  static Result<std::unique_ptr<WebServer>> start(const std::string& database_url,
                                                  const HttpOptions& options);
  virtual ~WebServer() = default;
  virtual unsigned short port() const = 0;
  // Reads the TLS certificate and key files again (on SIGHUP): new connections use them, open
  // ones keep theirs. On an error the old ones stay. Returns what is now served ("CN=..., valid
  // until ..."). InvalidArgument naming the file; NotFound when the server does not speak TLS.
  virtual Result<std::string> reload_tls() = 0;
};

}  // namespace elva
