// `elva serve`: runs the engine (job executor, timers) until Ctrl-C or SIGTERM; with the
// embedded database, that database runs while the engine does. Exit 0 stopped cleanly, 3 database.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "elva/bpmn.hpp"
#include "elva/connectors.hpp"
#include "elva/log.hpp"
#include "elva/server.hpp"

namespace elva::cli {
namespace {
std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
extern "C" void on_stop_signal(int) { g_stop = true; }
extern "C" void on_reload_signal(int) { g_reload = true; }
}  // namespace

void add_serve(CLI::App& app, int& exit_code) {
  struct ServeArgs : AdminArgs {
    std::vector<std::string> deploy;
    std::string node;
    int workers = 2;
    std::string users;
    HttpOptions http;
    bool no_http = false;
    std::vector<std::string> tenants;  // NAME=DATABASE_URL
    int stop_after = 0;                // seconds; 0: until Ctrl-C
    nlohmann::json notifications;      // [notifications] of elva.toml
    std::string log_format = "text";
    std::string metrics_token_file;
    int cleanup_interval_s = 3600;  // retention cleanup (docs/privacy.md); 0: never
    int cleanup_batch = 500;
  };
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Run the engine: due jobs go to their connectors, timers fire on time, incidents are\n"
      "recorded. Several `elva serve` on one database share the work. Stop with Ctrl-C.\n"
      "Exit codes: 0 stopped, 1 a file to deploy has errors, 3 database.");
  cmd->add_option("--deploy", a->deploy,
                  "BPMN files or directories to deploy first (unchanged ones keep their version)");
  cmd->add_option("--node", a->node, "This node's name in job leases (default host:pid)");
  cmd->add_option("--workers", a->workers,
                  "Threads for connectors that block (plugins); the built-in ones wait without "
                  "a thread, max_in_flight calls each (docs/connectors.md)")
      ->capture_default_str();
  cmd->add_option("--users", a->users,
                  "A JSON file of users to import first (see docs/api.md#users)");
  cmd->add_option("--address", a->http.address, "Address the REST API and task list listen on")
      ->capture_default_str();
  cmd->add_option("--port", a->http.port, "Port of the REST API and task list (0: any free port)")
      ->capture_default_str();
  cmd->add_option("--http-workers", a->http.workers, "HTTP requests handled at once")
      ->capture_default_str();
  cmd->add_option("--http-request-timeout", a->http.request_timeout_ms,
                  "Milliseconds a client has to send a whole request")
      ->capture_default_str();
  cmd->add_option("--http-header-timeout", a->http.header_timeout_ms,
                  "Milliseconds a client has to send a request's line and headers\n"
                  "(a new connection: from its accept)")
      ->capture_default_str();
  cmd->add_option("--http-idle-timeout", a->http.idle_timeout_ms,
                  "Milliseconds a keep-alive connection may wait for its next request")
      ->capture_default_str();
  cmd->add_option("--http-max-connections", a->http.max_connections,
                  "Open connections at most; beyond, the longest waiting one is closed\n"
                  "(503 only when all are being answered)")
      ->capture_default_str();
  cmd->add_option("--http-max-connections-per-client", a->http.max_connections_per_client,
                  "Open connections of one client address at most; beyond, its longest waiting one "
                  "is closed")
      ->capture_default_str();
  cmd->add_option("--login-account-failures", a->http.login_account_failures,
                  "Failed logins of one user name before back-off (429 with Retry-After)")
      ->capture_default_str();
  cmd->add_option("--login-address-failures", a->http.login_address_failures,
                  "Failed logins from one client address before back-off")
      ->capture_default_str();
  cmd->add_option(
         "--login-backoff", a->http.login_backoff_ms,
         "Milliseconds of the first back-off; it doubles per further failure (at most 15 min)")
      ->capture_default_str();
  cmd->add_option(
         "--password-threads", a->http.password_threads,
         "Password checks (Argon2id, ~0.1 s and 64 MiB each) at once, off the HTTP workers")
      ->capture_default_str();
  cmd->add_option("--password-queue", a->http.password_queue,
                  "Password checks waiting at most; beyond, 503 with Retry-After")
      ->capture_default_str();
  cmd->add_option("--http-body-limit", a->http.body_limit,
                  "Largest request body in bytes; larger get 413")
      ->capture_default_str();
  cmd->add_option("--tls-cert", a->http.tls_cert_file,
                  "HTTPS: the server's certificate chain (PEM; with --tls-key). Read again on\n"
                  "SIGHUP (docs/operations.md#tls)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tls-key", a->http.tls_key_file,
                  "HTTPS: the certificate's private key (PEM, not encrypted)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--trusted-proxy", a->http.trusted_proxies,
                  "A reverse proxy's IP address whose X-Forwarded-For is believed (repeat for\n"
                  "several); docs/operations.md#behind-a-reverse-proxy");
  cmd->add_option("--log-format", a->log_format,
                  "text (one line per event) or json (one JSON object per line, for a log\n"
                  "collector); docs/operations.md#logs")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--metrics-token-file", a->metrics_token_file,
                  "A file holding the bearer token that may read /metrics from another address\n"
                  "(else ELVA_METRICS_TOKEN; the loopback address and administrators always may)");
  cmd->add_flag("--no-http", a->no_http, "Run only the job executor and timers, no REST API");
  cmd->add_option(
      "--tenant", a->tenants,
      "NAME=DATABASE_URL: a municipality with its own database, served under /t/NAME/\n"
      "(its own users, processes and instances; migrate it first with elva db migrate --db URL)");
  cmd->add_option("--cleanup-interval", a->cleanup_interval_s,
                  "Seconds between retention cleanups (docs/privacy.md; 0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--cleanup-batch", a->cleanup_batch,
                  "Instances per cleanup batch (each its own short transaction)")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  cmd->add_option("--stop-after", a->stop_after,
                  "Stop by itself after this many seconds (demos, tests)");
  add_admin_options(cmd, *a);
  add_config_option(cmd, *a);
  add_limit_options(cmd, *a);
  cmd->callback([a, &exit_code] {
    // First: a SIGINT that arrives while we start must stop us, not be lost (a background job
    // of a non-interactive shell starts with SIGINT ignored).
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    std::signal(SIGHUP, on_reload_signal);
    if ((a->http.tls_cert_file.empty()) != (a->http.tls_key_file.empty())) {
      std::cerr << "elva serve: HTTPS needs both --tls-cert and --tls-key\n";
      exit_code = kExitUsage;
      return;
    }
    if (a->stop_after > 0) {
      std::thread([seconds = a->stop_after] {
        std::this_thread::sleep_for(std::chrono::seconds(seconds));
        g_stop = true;
      }).detach();
    }
    log::enable(a->log_format == "json" ? log::Format::Json : log::Format::Text);
    if (!a->metrics_token_file.empty()) {
      std::ifstream in(a->metrics_token_file);
      std::string token;
      if (!in || !std::getline(in, token) || token.empty()) {
        std::cerr << "elva serve: --metrics-token-file " << a->metrics_token_file
                  << ": cannot be read or is empty\n";
        exit_code = kExitUsage;
        return;
      }
      a->http.metrics_token = token;
    } else if (const char* t = std::getenv("ELVA_METRICS_TOKEN"); t && *t) {
      a->http.metrics_token = t;
    }
    auto config = connectors::load_config(a->config);
    if (!config) {
      std::cerr << "elva serve: " << config.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    a->registry = config->registry;
    a->http.connectors = config->registry;
    a->notifications = config->notifications;
    a->http.eservice = config->eservice;
    a->calendar = config->calendar;
    a->http.oidc = config->oidc;
    a->http.limits = a->limits;
    exit_code = run_admin(
        "serve", *a, true,
        [&](Engine& e) -> Result<nlohmann::json> {
          if (!a->deploy.empty()) {
            auto files = expand_bpmn_paths(a->deploy, true);
            if (!files) return fail(files.error());
            auto d = e.deploy(*files);
            if (!d) return fail(d.error());
            for (const auto& p : (*d)["processes"]) {
              log::line(p["process"].get<std::string>() + " v" + p["version"].dump() +
                        (p["unchanged"].get<bool>() ? " (unchanged)" : " deployed"));
            }
          }
          if (!a->users.empty()) {
            auto users = read_json_file(a->users);
            if (!users) return fail(users.error());
            auto r = e.import_users(*users);
            if (!r) return fail(r.error());
            log::line((*r)["users"].dump() + " users imported from " + a->users);
          }
          // Tenants: each its own database, engine and scheduler thread.
          std::map<std::string, std::unique_ptr<Engine>> tenant_engines;
          for (const auto& spec : a->tenants) {
            const auto eq = spec.find('=');
            const std::string name = spec.substr(0, eq);
            const bool valid = eq != std::string::npos && !name.empty() && name.size() <= 40 &&
                               name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") ==
                                   std::string::npos;
            if (!valid)
              return fail(
                  Errc::InvalidArgument,
                  "--tenant '" + spec + "': give NAME=DATABASE_URL with a name of a-z, 0-9 and -");
            if (tenant_engines.count(name))
              return fail(Errc::InvalidArgument, "--tenant " + name + " is given twice");
            auto cal = calendar_options(a->calendar, name);
            if (!cal) return fail(cal.error());
            auto te = Engine::open(EngineOptions{spec.substr(eq + 1), "scheduler", true,
                                                 a->registry, a->limits, nullptr, *cal});
            if (!te) return fail(te.error().code, "tenant '" + name + "': " + te.error().message);
            a->http.tenants[name] = spec.substr(eq + 1);
            tenant_engines[name] = std::move(*te);
          }
          for (const auto& [name, url] : a->http.tenants) {
            auto cal = calendar_options(a->calendar, name);
            if (!cal) return fail(cal.error());
            a->http.calendars[name] = *cal;
          }
          if (auto cal = calendar_options(a->calendar, ""); cal) a->http.calendars[""] = *cal;
          std::unique_ptr<WebServer> web;
          if (!a->no_http) {
            a->http.log = [](const std::string& line) {
              log::event(log::Level::Warning, "http", "http: " + line);
            };
            auto w = WebServer::start(e.database_url(), a->http);
            if (!w) return fail(w.error());
            web = std::move(*w);
            log::line(std::string("task list at ") +
                      (a->http.tls_cert_file.empty() ? "http://" : "https://") +
                      (a->http.address == "0.0.0.0" ? std::string("localhost") : a->http.address) +
                      ":" + std::to_string(web->port()) +
                      "/tasklist/ , cockpit at /cockpit/, REST API at /api (OpenAPI: "
                      "/api/openapi.json), health at "
                      "/livez and /readyz, metrics at /metrics");
          }
          // No silent waiting: name what the deployed processes use and elva.toml lacks.
          const auto report_missing = [&](Engine& engine, const std::string& tenant) {
            auto missing = engine.missing_configuration();
            if (!missing || missing->empty()) return;
            std::cerr << "elva serve: " << (tenant.empty() ? "" : "tenant " + tenant + ": ")
                      << "deployed processes use connectors that are not configured"
                      << (config->file.empty() ? " (no --config given, no $ELVA_CONFIG)"
                                               : " in " + config->file)
                      << "; their jobs become incidents after their retries:\n";
            for (const auto& m : *missing) {
              std::string processes;
              for (const auto& p : m["processes"])
                processes += (processes.empty() ? "" : ", ") + p.get<std::string>();
              std::cerr << "elva serve:   " << m["jobType"].get<std::string>()
                        << (m["connectorMissing"].get<bool>()
                                ? " (no [connectors." + m["connector"].get<std::string>() + "])"
                                : " (the connector has no such operation)")
                        << ", used by " << processes << "\n";
            }
          };
          report_missing(e, "");
          for (auto& [name, te] : tenant_engines) report_missing(*te, name);
          auto status = e.db_status();
          if (status)
            log::line("running on " + (*status)["database"].get<std::string>() +
                      "; stop with Ctrl-C");
          ServeOptions options;
          options.node = a->node;
          options.workers = a->workers;
          options.stop = &g_stop;
          options.cleanup_interval_ms = std::int64_t{a->cleanup_interval_s} * 1000;
          options.cleanup_batch = a->cleanup_batch;
          if (a->notifications.is_object() && a->notifications.contains("connector")) {
            options.prompt_connector = a->notifications.value("connector", "");
            options.tasklist_url = a->notifications.value(
                "tasklist_url", web ? "http://" +
                                          (a->http.address == "0.0.0.0" ? std::string("localhost")
                                                                        : a->http.address) +
                                          ":" + std::to_string(web->port()) + "/tasklist/"
                                    : std::string());
            for (const char* k : {"subject", "body"}) {
              if (a->notifications.contains(k)) options.prompt_templates[k] = a->notifications[k];
            }
            const auto text = [&](const char* k, const std::string& fallback) {
              if (!a->notifications.contains(k)) return fallback;
              const auto& v = a->notifications[k];  // not a text: refused by the check
              return v.is_string() ? v.get<std::string>() : v.dump();
            };
            options.prompt_time_zone = text("time_zone", "");
            options.prompt_quiet_hours = text("quiet_hours", "");
            options.prompt_digest_at = text("digest_at", options.prompt_digest_at);
            options.prompt_remind_before = text("remind_before", options.prompt_remind_before);
            log::line("new tasks are announced by mail through connector '" +
                      options.prompt_connector + "'");
          }
          std::vector<std::thread> tenant_threads;
          for (auto& [name, te] : tenant_engines) {
            ServeOptions to =
                options;       // the same node name: leases live in the tenant's own database
            to.tenant = name;  // in idempotency keys, so tenants never share one
            log::line("tenant " + name + " at /t/" + name + "/");
            tenant_threads.emplace_back([&engine = *te, to, name = name] {
              if (auto tr = engine.serve(to); !tr)
                log::event(log::Level::Error, "tenant stopped",
                           "tenant " + name + " stopped: " + tr.error().message);
            });
          }
          // SIGHUP: the TLS certificate and key are read again (a renewed certificate without a
          // restart); a bad file keeps the old ones.
          std::thread reloader([&web] {
            while (!g_stop) {
              std::this_thread::sleep_for(std::chrono::milliseconds(200));
              if (!g_reload.exchange(false)) continue;
              if (!web) {
                log::line("SIGHUP: nothing to reload (no HTTP server)");
                continue;
              }
              auto served = web->reload_tls();
              if (served)
                log::line("TLS certificate reloaded: " + *served);
              else
                log::event(log::Level::Error, "tls reload",
                           "TLS certificate not reloaded, the one before stays: " +
                               served.error().message);
            }
          });
          auto r = e.serve(options);
          g_stop = true;
          reloader.join();
          for (auto& t : tenant_threads) t.join();
          if (!r) return fail(r.error());
          log::line("stopped");
          return nlohmann::json{{"stopped", true}};
        },
        [](const nlohmann::json&) {});
  });
}

}  // namespace elva::cli
