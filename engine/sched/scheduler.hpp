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
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/connector.hpp"
#include "elva/result.hpp"
#include "runtime/env.hpp"
#include "store/pg/pg_store.hpp"

namespace elva::sched {

struct SchedulerOptions {
  std::string node;
  runtime::RuntimeLimits limits;                       // for the commands the scheduler applies
  std::shared_ptr<const calendar::Calendar> calendar;  // working days (null: Monday to Friday)
  std::string tenant;  // a served tenant's name: part of each call's idempotency key
  int workers = 2;
  std::int64_t lease_ms = 30'000;
  std::int64_t poll_ms = 250;
  int batch = 256;  // jobs or timers acquired per round, and job outcomes per commit
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> log;  // one line per notable thing
};

// A registry with the built-in connector only (connector::builtin_connector).
std::shared_ptr<connector::Registry> builtin_registry();

// Runs until options.stop becomes true. Jobs whose type is "<connector>.<operation>" of a
// connector in `connectors` are leased and invoked here; other job types are left to external
// workers. Each database failure is logged and retried after a pause (the database may be
// restarting); work in flight is never lost, only delayed.
Result<void> run_scheduler(const std::string& database_url, const connector::Registry& connectors,
                           const SchedulerOptions& options);

}  // namespace elva::sched
