// Scheduler: the job executor and timer service behind `elva serve`. Boost.Asio; the only
// module with threads. Loop: acquire due timers and jobs (FOR UPDATE SKIP LOCKED, with a lease)
// -> fire timers / run connectors on a worker pool -> feed results back through the Processor.
// An Asio timer is armed for the nearest due time, so timers fire on time; polling picks up
// work that other nodes (or the CLI) created.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "elva/result.hpp"
#include "store/pg/pg_store.hpp"

namespace elva::sched {

// What an in-process connector answers for one job.
struct JobOutcome {
  enum class Kind { Completed, Failed, BpmnError } kind = Kind::Completed;
  nlohmann::json variables = nlohmann::json::object();
  std::string message;     // Failed: why; BpmnError: the error code
  std::int64_t retry_in_ms = -1;
};

// Runs on a worker thread; may block. The job's key is its idempotency key.
using ConnectorFn = std::function<JobOutcome(const store::JobRow& job)>;

struct SchedulerOptions {
  std::string node;
  int workers = 2;
  std::int64_t lease_ms = 30'000;
  std::int64_t poll_ms = 250;
  int batch = 256;  // jobs or timers acquired per round, and job outcomes per commit
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> log;  // one line per notable thing
};

// Built-in job types: "elva.noop" (completes with no variables), "elva.echo" (returns its input).
std::map<std::string, ConnectorFn> builtin_connectors();

// Runs until options.stop becomes true. Each database failure is logged and retried after a
// pause (the database may be restarting); work in flight is never lost, only delayed.
Result<void> run_scheduler(const std::string& database_url, const std::map<std::string, ConnectorFn>& connectors,
                           const SchedulerOptions& options);

}  // namespace elva::sched
