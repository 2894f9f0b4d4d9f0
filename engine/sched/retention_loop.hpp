// The cleanup job of `elva serve` (docs/privacy.md): every interval, the retention rules of the
// deployed processes are applied in small batches (privacy/cleanup.hpp) on its own connection,
// beside the scheduler. Runs that removed something are recorded and logged (counts only).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace elva::sched {

struct RetentionLoopOptions {
  std::int64_t interval_ms = 3'600'000;
  std::int64_t first_after_ms = 60'000;  // the first run, after start-up settles
  int batch = 500;
  std::string actor = "scheduler";
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> log;
};

// Runs until options.stop becomes true. A failed run (the database away) is logged and tried
// again at the next interval; what it removed before failing stays removed.
void run_retention_loop(const std::string& database_url, const RetentionLoopOptions& options);

}  // namespace elva::sched
