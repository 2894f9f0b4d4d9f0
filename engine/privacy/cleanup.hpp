// Retention (docs/privacy.md): the rules made from deployed processes and the cleanup that
// applies them in small batches through the retention seam. Used by `elva history cleanup` and
// the cleanup thread of `elva serve` (sched/retention_loop.cpp). Not thread-safe: one store per
// caller.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/result.hpp"
#include "privacy/data_map.hpp"
#include "store/retention.hpp"

namespace elva::privacy {

// The rules of the deployed definitions, instance rules first: per process and retention, the
// definitions whose instances go whole; per process, class and retention, the variables whose
// values go. Definitions without retention make no instance rule. Errors: the store's.
Result<std::vector<store::RetentionRule>> retention_rules(store::RetentionStore& store);

// The same from data maps (one per definition id): pure, for tests.
std::vector<store::RetentionRule> rules_from(
    const std::vector<std::pair<std::int64_t, ProcessMap>>& maps);

struct CleanupOptions {
  bool dry_run = false;
  int batch = 500;          // instances per batch (each batch one short transaction)
  int max_batches = 0;      // stop after this many batches in all (0: until nothing is due)
  std::int64_t now_ms = 0;  // 0: the system clock
  std::string actor = "cli";
  bool record_empty = true;  // record a run that removed nothing (the periodic job does not)
  const std::atomic<bool>* stop = nullptr;      // checked between batches
  std::function<void(const std::string&)> log;  // one line per rule that removed something
};

// Applies the rules (a dry run counts what they would remove) and records the run in
// retention_runs: {"dryRun", "finished" (false when cut short), "batches", "seconds",
// "rules": [{"rule", "process", "interval", "variables", counts...}], "total": counts}.
Result<nlohmann::json> run_cleanup(store::RetentionStore& store,
                                   const std::vector<store::RetentionRule>& rules,
                                   const CleanupOptions& options);

}  // namespace elva::privacy
