// The metrics registry of an Elva process: what the exec pipeline, the scheduler and the HTTP
// server did since the process started, as counters, gauges and histograms on atomics (no lock
// on the hot path), rendered in the Prometheus text format for GET /metrics. The reporters see
// only the functions below (one per thing that happened); the registry is process-wide, like a
// Prometheus client's default registry. Labels hold process ids, job types, connector and
// operation names and route patterns, never variable values; each label family keeps at most
// 500 distinct tuples, later ones count as "other" (label_table.hpp).
// docs/operations.md#metrics lists every series.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace elva::metrics {

// --- The exec pipeline (exec/processor.cpp), after a unit committed.
// `commands`: the commands the unit applied; `reruns`: how often it ran again before it
// committed (a lost race: Conflict; a key block too small; a poisoned step).
void unit_committed(std::size_t commands, int reruns);
enum class InstanceEvent { Started, Completed, Incident };
void instance_event(std::string_view process_id, InstanceEvent event);
// A timer fired `lateness_ms` after it was due.
void timer_fired(std::int64_t lateness_ms);

// --- The scheduler (sched/scheduler.cpp).
// A job's outcome as applied: completed, retry, failed, bpmn_error, refused.
void job_outcome(std::string_view type, std::string_view outcome);
// A connector call from dispatch to answer; `outcome` as job_outcome's.
void connector_call(std::string_view connector, std::string_view operation,
                    std::string_view outcome, double seconds);
// A job taken whose earlier lease had run out (its node died or was too slow).
void lease_expired(std::string_view type);
// The scheduler lost its database (counted once per outage) or got it back.
void database_outage();
void database_up(bool up);

// --- The HTTP server (server/api.cpp): one request, by route pattern ("/api/tasks/{id}").
void http_request(std::string_view route, int status, double seconds);
// The server's database connections (one per HTTP worker and tenant), and how many are
// answering a request now.
void pool_connections(int total);
void pool_in_use(int delta);

// What the store says at scrape time (one query; absent while the database is away).
struct StoreFigures {
  std::int64_t incidents_open = 0;
  std::int64_t timers_due = 0;  // due now or earlier, not yet fired
  std::int64_t jobs_due = 0;
  std::int64_t migrations_pending = 0;
};

// Everything in the Prometheus text exposition format (version 0.0.4). Thread-safe.
std::string render(const std::optional<StoreFigures>& store);

}  // namespace elva::metrics
