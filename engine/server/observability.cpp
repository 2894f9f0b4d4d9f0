// /livez, /readyz and /metrics (observability.hpp).
#include "server/observability.hpp"

#include <nlohmann/json.hpp>

#include "metrics/metrics.hpp"
#include "server/routes/route.hpp"

namespace elva::server {

using nlohmann::json;

Response livez() { return ok({{"status", "live"}}); }

Response readyz(const std::vector<ReadinessCheck>& checks) {
  json list = json::array();
  bool ready = true;
  for (const auto& c : checks) {
    std::optional<std::string> reason;
    try {
      reason = c.check ? c.check() : std::nullopt;
    } catch (const std::exception&) {
      reason = "the check failed";  // its text may hold anything: not shown
    }
    json item = {{"name", c.name}, {"ok", !reason}};
    if (reason) {
      item["reason"] = *reason;
      ready = false;
    }
    list.push_back(std::move(item));
  }
  Response r = ok({{"status", ready ? "ready" : "not ready"}, {"checks", list}}, ready ? 200 : 503);
  if (!ready) r.headers["Retry-After"] = "1";
  return r;
}

void add_database_checks(std::vector<ReadinessCheck>& checks, Engine& engine,
                         const std::string& suffix) {
  // One status query answers both checks; the second reads what the first found.
  auto status = std::make_shared<Result<json>>(json());
  checks.push_back({"database" + suffix, [&engine, status]() -> std::optional<std::string> {
                      *status = engine.db_status();
                      if (!*status) return "the database does not answer";
                      return std::nullopt;
                    }});
  checks.push_back({"migrations" + suffix, [status]() -> std::optional<std::string> {
                      if (!*status) return "unknown while the database does not answer";
                      const auto n = (**status)["pending"].size();
                      if (n == 0) return std::nullopt;
                      return std::to_string(n) +
                             " schema migration(s) pending: run `elva db migrate`";
                    }});
}

Response metrics_page(Engine& engine) {
  std::optional<metrics::StoreFigures> figures;
  if (auto f = engine.store_figures(); f) {
    metrics::StoreFigures s;
    s.incidents_open = (*f)["incidentsOpen"].get<std::int64_t>();
    s.timers_due = (*f)["timersDue"].get<std::int64_t>();
    s.jobs_due = (*f)["jobsDue"].get<std::int64_t>();
    s.migrations_pending = (*f)["migrationsPending"].get<std::int64_t>();
    figures = s;
  }
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics::render(figures);
  return r;
}

bool is_loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address.rfind("::ffff:127.", 0) == 0;
}

bool token_matches(const std::string& given, const std::string& expected) {
  if (expected.empty() || given.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return diff == 0;
}

}  // namespace elva::server
