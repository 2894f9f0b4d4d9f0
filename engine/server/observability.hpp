// The operator's endpoints outside /api: GET /livez (the process answers), GET /readyz (named
// readiness checks; 503 with the reasons while one fails) and GET /metrics (the Prometheus text
// of metrics/metrics.hpp, with a few figures from the store). docs/operations.md#health.
#pragma once

#include <string>
#include <vector>

#include "elva/engine.hpp"
#include "elva/server.hpp"
#include "server/http_server.hpp"

namespace elva::server {

// 200 {"status": "live"}: the server accepts and answers requests (no database call).
Response livez();
// Runs each check in order: 200 {"status": "ready", "checks": [{"name", "ok"}]} when all pass,
// else 503 {"status": "not ready", "checks": [{"name", "ok", "reason"}]}.
Response readyz(const std::vector<ReadinessCheck>& checks);
// The built-in checks of one database: "database" (it answers) and "migrations" (none pending).
// `suffix` tells tenants apart (":kil"). REQUIRES: `engine` outlives the checks' use.
void add_database_checks(std::vector<ReadinessCheck>& checks, Engine& engine,
                         const std::string& suffix);
// GET /metrics; the store's figures are left out (elva_db_up 0) while the database is away.
Response metrics_page(Engine& engine);
// Who may read /metrics without credentials: a client on a loopback address (127.0.0.0/8, ::1).
bool is_loopback(const std::string& address);
// `given` equals `expected` (not empty), compared in constant time.
bool token_matches(const std::string& given, const std::string& expected);

}  // namespace elva::server
