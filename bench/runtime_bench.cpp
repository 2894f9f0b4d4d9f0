// In-memory runtime benchmarks on one core:
//   simple3 N: start -> service task -> exclusive gateway -> end, N instances one after another;
//              completed instances per second.
//   wait3 N:   N instances parked on a user task; bytes of RAM per waiting instance (RSS delta).
//   fanout N:  N instances of a parallel multi-instance and its join; ms per instance.
// Prints one JSON object. usage: elva_bench_runtime simple3|wait3|fanout PROCESS.bpmn N
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
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
  std::shared_ptr<const elva::model::ProcessDefinition> process(read.definitions, &read.definitions->processes[0]);
  const long n = std::atol(argv[3]);
  elva::runtime::ManualEnv env(0);

  if (mode == "simple3") {
    long completed = 0;
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(n));
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
      const auto s0 = std::chrono::steady_clock::now();
      elva::runtime::InstanceState s;
      s.process = process;
      elva::runtime::StartInstance start;
      start.variables = {{"amount", i % 200}};
      auto started = elva::runtime::step(s, start, env);
      if (!started || s.jobs.size() != 1) return 1;
      auto done = elva::runtime::step(s, elva::runtime::CompleteJob{s.jobs.begin()->first, {}}, env);
      if (!done) return 1;
      completed += s.status == elva::runtime::InstanceStatus::Completed;
      us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - s0).count());
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    std::sort(us.begin(), us.end());
    std::printf("{\"engine\":\"elva\",\"benchmark\":\"simple3-memory\",\"starters\":1,\"instances\":%ld,\"completed\":%ld,\"seconds\":%.3f,"
                "\"instances_per_second\":%.0f,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"peak_rss_kib\":%ld}\n",
                n, completed, secs, completed / secs, us[us.size() / 2] / 1000, us[us.size() * 99 / 100] / 1000, u.ru_maxrss);
    return completed == n ? 0 : 1;
  }
  if (mode == "fanout") {  // N instances of a parallel multi-instance (the file's cardinality) and its join
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
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("{\"engine\":\"elva\",\"benchmark\":\"fanout\",\"instances\":%ld,\"median_ms\":%.2f,\"min_ms\":%.2f,\"max_ms\":%.2f}\n",
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
    const auto waiting = std::find_if(s.elements.begin(), s.elements.end(), [](const auto& e) { return e.second.waiting; });
    if (waiting == s.elements.end() || !elva::runtime::step(s, elva::runtime::CompleteWait{waiting->first, {}}, env)) return 1;
    if (s.status != elva::runtime::InstanceStatus::Completed) return 1;
  }
  const double complete = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::printf("{\"engine\":\"elva\",\"benchmark\":\"wait3-memory\",\"instances\":%ld,\"seconds_to_park\":%.3f,"
              "\"bytes_per_waiting_instance\":%.0f,\"seconds_to_complete_all\":%.3f}\n",
              n, secs, (after - before) * 1024.0 / static_cast<double>(n), complete);
  return 0;
}
