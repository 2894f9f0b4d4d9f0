// Durable simple3: S concurrent starters start N instances through elva::Engine (one
// transaction each, synchronous_commit on) while an in-process scheduler works the service
// task with an in-process connector. Reports completed instances/s (first start to last end)
// and p50/p99 latency from start to end, from the database's own timestamps.
// With "queue" as a sixth argument, the starters share one sched::CommandQueue (group commit:
// what a server does for its clients) instead of one engine and connection each.
// usage: elva_bench_durable DATABASE_URL BPMN PROCESS N STARTERS [queue]   (a fresh database)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "elva/engine.hpp"
#include "sched/command_queue.hpp"
#include "sched/scheduler.hpp"
#include "store/pg/pg_store.hpp"

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: elva_bench_durable DATABASE_URL BPMN PROCESS N STARTERS\n");
    return 2;
  }
  const std::string url = argv[1], bpmn = argv[2], process = argv[3];
  const int n = std::stoi(argv[4]), starters = std::stoi(argv[5]);
  const bool queued = argc > 6 && std::string(argv[6]) == "queue";
  elva::EngineOptions options;
  options.database_url = url;
  options.require_schema = false;
  auto admin = elva::Engine::open(options);
  if (!admin || !(*admin)->db_migrate() || !(*admin)->deploy({bpmn})) {
    std::fprintf(stderr, "elva_bench_durable: cannot set up the database\n");
    return 1;
  }
  std::atomic<bool> stop{false};
  auto connectors = elva::sched::builtin_registry();
  connectors->add(elva::connector::builtin_connector("bench"));
  elva::sched::SchedulerOptions so;
  so.node = "bench";
  so.workers = 2;
  so.stop = &stop;
  so.poll_ms = 50;
  std::thread scheduler([&] { (void)elva::sched::run_scheduler(url, *connectors, so); });

  const auto t0 = std::chrono::steady_clock::now();
  std::atomic<int> next{0}, errors{0};
  std::vector<std::thread> threads;
  std::unique_ptr<elva::sched::CommandQueue> queue;
  if (queued) queue = std::make_unique<elva::sched::CommandQueue>(url, "bench");
  for (int s = 0; s < starters; ++s) {
    threads.emplace_back([&] {
      if (queue) {
        for (int i = next++; i < n; i = next++) {
          if (!queue->start(process, {{"amount", i % 200}}, "")) ++errors;
        }
        return;
      }
      auto engine = elva::Engine::open(options);
      if (!engine) {
        ++errors;
        return;
      }
      for (int i = next++; i < n; i = next++) {
        if (!(*engine)->start(process, {{"amount", i % 200}}, "")) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  queue.reset();
  const double start_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto store = elva::store::PgStore::connect(url);
  if (!store) return 1;
  for (;;) {
    auto done = (*store)->count("SELECT count(*) FROM instances WHERE status = 'completed'");
    if (done && *done >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stop = true;
  scheduler.join();
  auto p50 = (*store)->count(
      "SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - "
      "started_at)) * 1e6)::bigint FROM instances");
  auto p99 = (*store)->count(
      "SELECT (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - "
      "started_at)) * 1e6)::bigint FROM instances");
  std::printf(
      "{\"benchmark\":\"simple3-durable\",\"mode\":\"%s\",\"instances\":%d,\"starters\":%d,"
      "\"errors\":%d,\"seconds\":%.3f,"
      "\"start_seconds\":%.3f,\"instances_per_second\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f}\n",
      queued ? "queue" : "engine-per-starter", n, starters, errors.load(), seconds, start_seconds,
      n / seconds, p50 ? *p50 / 1000.0 : -1, p99 ? *p99 / 1000.0 : -1);
  return errors ? 1 : 0;
}
