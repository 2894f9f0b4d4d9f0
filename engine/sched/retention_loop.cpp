// The cleanup job of `elva serve` (retention_loop.hpp).
#include "sched/retention_loop.hpp"

#include <chrono>
#include <thread>

#include "privacy/cleanup.hpp"
#include "store/retention.hpp"

namespace elva::sched {
namespace {

Result<nlohmann::json> cleanup_once(const std::string& url, const RetentionLoopOptions& o) {
  auto store = store::connect_retention_store(url);
  if (!store) return fail(store.error());
  auto rules = privacy::retention_rules(**store);
  if (!rules) return fail(rules.error());
  privacy::CleanupOptions c;
  c.batch = o.batch;
  c.actor = o.actor;
  c.stop = o.stop;
  c.log = o.log;
  c.record_empty = false;
  return privacy::run_cleanup(**store, *rules, c);
}

}  // namespace

void run_retention_loop(const std::string& url, const RetentionLoopOptions& o) {
  auto log = [&](const std::string& line) {
    if (o.log) o.log(line);
  };
  auto stopped = [&] { return o.stop && o.stop->load(); };
  // Sleeps in short steps so that a stop is seen at once; false when stopped.
  auto wait = [&](std::int64_t ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!stopped() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return !stopped();
  };
  if (!wait(o.first_after_ms)) return;
  bool failing = false;
  do {
    auto run = cleanup_once(url, o);
    if (!run) {
      if (!failing)
        log("retention cleanup failed, trying again next interval: " + run.error().message);
      failing = true;
    } else {
      if (failing) log("retention cleanup works again");
      failing = false;
    }
  } while (wait(o.interval_ms));
}

}  // namespace elva::sched
