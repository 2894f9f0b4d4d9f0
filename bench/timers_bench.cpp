// Timers: N instances wait on a timer each, due spread evenly over SPREAD seconds starting LEAD
// seconds after the run begins (the starts must be done by then); an in-process scheduler fires
// them. Reports how late they fired (p50/p99/max ms: the firing transaction's time in history
// minus the due time) and whether every timer fired once.
// usage: elva_bench_timers DATABASE_URL BPMN N SPREAD_S LEAD_S   (a fresh database)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "common/iso8601.hpp"
#include "elva/engine.hpp"
#include "sched/command_queue.hpp"
#include "sched/scheduler.hpp"
#include "store/pg/pg_store.hpp"

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: elva_bench_timers DATABASE_URL BPMN N SPREAD_S LEAD_S\n");
    return 2;
  }
  const std::string url = argv[1], bpmn = argv[2];
  const int n = std::stoi(argv[3]);
  const double spread_s = std::stod(argv[4]), lead_s = std::stod(argv[5]);
  elva::EngineOptions options;
  options.database_url = url;
  options.require_schema = false;
  auto admin = elva::Engine::open(options);
  if (!admin || !(*admin)->db_migrate() || !(*admin)->deploy({bpmn})) {
    std::fprintf(stderr, "elva_bench_timers: cannot set up the database\n");
    return 1;
  }
  const auto now_ms = elva::iso8601::now_millis;
  const std::int64_t first_due = now_ms() + static_cast<std::int64_t>(lead_s * 1000);
  const auto t0 = std::chrono::steady_clock::now();
  {
    elva::sched::CommandQueue queue(url, "bench");
    std::atomic<int> next{0}, errors{0};
    std::vector<std::thread> starters;
    for (int s = 0; s < 8; ++s) {
      starters.emplace_back([&] {
        for (int i = next++; i < n; i = next++) {
          const std::int64_t due = first_due + static_cast<std::int64_t>(spread_s * 1000 * i / n);
          if (!queue.start("timer1", {{"due", elva::iso8601::format_utc(due)}}, "")) ++errors;
        }
      });
    }
    for (auto& t : starters) t.join();
    if (errors) {
      std::fprintf(stderr, "elva_bench_timers: %d starts failed\n", errors.load());
      return 1;
    }
  }
  const double start_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::atomic<bool> stop{false};
  elva::sched::SchedulerOptions so;
  so.node = "bench";
  so.workers = 2;
  so.stop = &stop;
  std::thread scheduler(
      [&] { (void)elva::sched::run_scheduler(url, *elva::sched::builtin_registry(), so); });
  auto store = elva::store::PgStore::connect(url);
  if (!store) return 1;
  const std::int64_t give_up = first_due + static_cast<std::int64_t>(spread_s * 1000) + 120'000;
  for (;;) {
    auto done = (*store)->count("SELECT count(*) FROM instances WHERE status = 'completed'");
    if ((done && *done >= n) || now_ms() > give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  stop = true;
  scheduler.join();
  const char* lateness = "extract(epoch FROM h.at - (i.variables->>'due')::timestamptz) * 1000";
  auto q = [&](const std::string& agg) {
    auto v = (*store)->count("SELECT (" + agg +
                             ")::bigint FROM history h JOIN instances i ON i.id = h.instance_id "
                             "WHERE h.element_id = 'wait' AND h.kind = 'completed'");
    return v ? *v : -1;
  };
  const auto fired = q("count(*)");
  const auto early = q(std::string("count(*) FILTER (WHERE ") + lateness + " < -1)");
  std::printf(
      "{\"engine\":\"elva\",\"benchmark\":\"timers\",\"timers\":%d,\"spread_s\":%.0f,\"start_"
      "seconds\":%.1f,\"fired\":%lld,"
      "\"fired_early\":%lld,\"lateness_p50_ms\":%lld,\"lateness_p99_ms\":%lld,\"lateness_max_ms\":%"
      "lld}\n",
      n, spread_s, start_seconds, static_cast<long long>(fired), static_cast<long long>(early),
      static_cast<long long>(
          q(std::string("percentile_cont(0.5) WITHIN GROUP (ORDER BY ") + lateness + ")")),
      static_cast<long long>(
          q(std::string("percentile_cont(0.99) WITHIN GROUP (ORDER BY ") + lateness + ")")),
      static_cast<long long>(q(std::string("max(") + lateness + ")")));
  return fired == n ? 0 : 1;
}
