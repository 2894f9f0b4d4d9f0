// In-memory runtime benchmarks on one core:
//   simple3 N [T]: start -> service task -> exclusive gateway -> end, N instances one after
//              another on each of T threads (default 1); completed instances per second.
//   wait3 N:   N instances parked on a user task; bytes of RAM per waiting instance (RSS delta).
//   fanout N:  N instances of a parallel multi-instance and its join; ms per instance.
//   cancel N:  one instance with N open tasks of a multi-instance (wide_cancel.bpmn), cancelled;
//              ms to start and to cancel (linear: twice the tasks, about twice the time).
// Prints one JSON object. usage: elva_bench_runtime simple3|wait3|fanout|cancel PROCESS.bpmn N
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "parse/reader.hpp"
#include "runtime/step.hpp"

namespace {

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: elva_bench_runtime simple3|wait3|fanout PROCESS.bpmn N\n");
    return 2;
  }
  const std::string mode = argv[1];
  std::ifstream in(argv[2]);
  std::stringstream text;
  text << in.rdbuf();
  auto read = elva::parse::read_bpmn(argv[2], text.str(), 1u << 20);
  if (!read.definitions) return 2;
  std::shared_ptr<const elva::model::ProcessDefinition> process(read.definitions,
                                                                &read.definitions->processes[0]);
  const long n = std::atol(argv[3]);
  elva::runtime::ManualEnv env(0);

  if (mode == "simple3") {  // optional 4th argument: starter threads, each with its own runtime
    const int threads = argc > 4 ? std::max(1, std::atoi(argv[4])) : 1;
    std::vector<std::vector<double>> us(static_cast<std::size_t>(threads));
    std::vector<long> completed(static_cast<std::size_t>(threads), 0);
    auto run = [&](int t) {
      elva::runtime::ManualEnv own(0);
      auto& lat = us[static_cast<std::size_t>(t)];
      lat.reserve(static_cast<std::size_t>(n / threads + 1));
      for (long i = t; i < n; i += threads) {
        const auto s0 = std::chrono::steady_clock::now();
        elva::runtime::InstanceState s;
        s.process = process;
        elva::runtime::StartInstance start;
        start.variables = {{"amount", i % 200}};
        auto started = elva::runtime::step(s, start, own);
        if (!started || s.jobs.size() != 1) return;
        auto done =
            elva::runtime::step(s, elva::runtime::CompleteJob{s.jobs.begin()->first, {}}, own);
        if (!done) return;
        completed[static_cast<std::size_t>(t)] +=
            s.status == elva::runtime::InstanceStatus::Completed;
        lat.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - s0)
                .count());
      }
    };
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(run, t);
    run(0);
    for (auto& th : pool) th.join();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<double> all;
    long done = 0;
    for (int t = 0; t < threads; ++t) {
      all.insert(all.end(), us[static_cast<std::size_t>(t)].begin(),
                 us[static_cast<std::size_t>(t)].end());
      done += completed[static_cast<std::size_t>(t)];
    }
    if (all.empty()) return 1;
    std::sort(all.begin(), all.end());
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    std::printf(
        "{\"engine\":\"elva\",\"benchmark\":\"simple3-memory\",\"starters\":%d,\"instances\":%ld,"
        "\"completed\":%ld,\"seconds\":%.3f,"
        "\"instances_per_second\":%.0f,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"peak_rss_kib\":%ld}\n",
        threads, n, done, secs, done / secs, all[all.size() / 2] / 1000,
        all[all.size() * 99 / 100] / 1000, u.ru_maxrss);
    return done == n ? 0 : 1;
  }
  if (mode == "cancel") {
    elva::runtime::InstanceState s;
    s.process = process;
    elva::runtime::StartInstance start;
    start.variables = {{"items", nlohmann::json::array()}};
    for (long i = 0; i < n; ++i) start.variables["items"].push_back(i);
    elva::runtime::ManualEnv wide(0);
    elva::runtime::RuntimeLimits limits;
    limits.max_loop_items = static_cast<std::size_t>(n);
    limits.max_work_per_step = static_cast<std::size_t>(n) * 10 + 100;
    wide.set_limits(limits);
    const auto t0 = std::chrono::steady_clock::now();
    if (!elva::runtime::step(s, start, wide) || s.elements.size() < static_cast<std::size_t>(n))
      return 1;
    const auto t1 = std::chrono::steady_clock::now();
    auto cancelled = elva::runtime::step(s, elva::runtime::CancelInstance{}, wide);
    const auto t2 = std::chrono::steady_clock::now();
    if (!cancelled || !s.elements.empty()) return 1;
    std::printf(
        "{\"engine\":\"elva\",\"benchmark\":\"cancel-memory\",\"tasks\":%ld,\"start_ms\":%.1f,"
        "\"cancel_ms\":%.1f}\n",
        n, std::chrono::duration<double, std::milli>(t1 - t0).count(),
        std::chrono::duration<double, std::milli>(t2 - t1).count());
    return 0;
  }
  if (mode ==
      "fanout") {  // N instances of a parallel multi-instance (the file's cardinality) and its join
    std::vector<double> ms;
    for (long i = 0; i < n; ++i) {
      const auto s0 = std::chrono::steady_clock::now();
      elva::runtime::InstanceState s;
      s.process = process;
      if (!elva::runtime::step(s, elva::runtime::StartInstance{}, env)) return 1;
      std::vector<elva::runtime::Key> jobs;
      for (const auto& [key, job] : s.jobs) jobs.push_back(key);
      for (auto key : jobs) {
        if (!elva::runtime::step(s, elva::runtime::CompleteJob{key, {}}, env)) return 1;
      }
      if (s.status != elva::runtime::InstanceStatus::Completed) return 1;
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "{\"engine\":\"elva\",\"benchmark\":\"fanout\",\"instances\":%ld,\"median_ms\":%.2f,\"min_"
        "ms\":%.2f,\"max_ms\":%.2f}\n",
        n, ms[ms.size() / 2], ms.front(), ms.back());
    return 0;
  }
  const long before = rss_kib();
  std::vector<elva::runtime::InstanceState> parked(static_cast<std::size_t>(n));
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& s : parked) {
    s.process = process;
    if (!elva::runtime::step(s, elva::runtime::StartInstance{}, env)) return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long after = rss_kib();
  const auto t1 = std::chrono::steady_clock::now();
  for (auto& s : parked) {
    const auto waiting = std::find_if(s.elements.begin(), s.elements.end(),
                                      [](const auto& e) { return e.second.waiting; });
    if (waiting == s.elements.end() ||
        !elva::runtime::step(s, elva::runtime::CompleteWait{waiting->first, {}}, env))
      return 1;
    if (s.status != elva::runtime::InstanceStatus::Completed) return 1;
  }
  const double complete =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::printf(
      "{\"engine\":\"elva\",\"benchmark\":\"wait3-memory\",\"instances\":%ld,\"seconds_to_park\":%."
      "3f,"
      "\"bytes_per_waiting_instance\":%.0f,\"seconds_to_complete_all\":%.3f}\n",
      n, secs, (after - before) * 1024.0 / static_cast<double>(n), complete);
  return 0;
}
