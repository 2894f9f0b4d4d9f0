// run_scenario (elva/scenario.hpp): a fresh store per scenario (memory, or a throwaway
// PostgreSQL database with --db), then the runner (runner.hpp).
#include "elva/scenario.hpp"

#include <unistd.h>

#include <atomic>

#include "store/memory/memory_store.hpp"
#include "store/pg/pg_store.hpp"
#include "store/pg/scratch.hpp"
#include "testkit/runner.hpp"

namespace elva {

std::string golden_trace_path(const std::string& scenario_path) {
  const std::string tail = ".scenario.json";
  std::string base = scenario_path;
  if (base.size() > tail.size() &&
      base.compare(base.size() - tail.size(), tail.size(), tail) == 0) {
    base.resize(base.size() - tail.size());
  }
  return base + ".trace";
}

Result<ScenarioReport> run_scenario(const std::string& path, const ScenarioOptions& options) {
  if (options.database_url.empty()) {
    store::MemoryStore memory;
    return testkit::run_scenario_on(path, memory, options);
  }
  // A database of its own, so that scenarios never see each other's processes or messages.
  static std::atomic<int> counter{0};
  const std::string name =
      "elva_scenario_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  auto url = store::create_scratch_database(options.database_url, name);
  if (!url) return fail(url.error());
  Result<ScenarioReport> report = fail(Errc::Internal, "not run");
  {
    auto pg = store::PgStore::connect(*url);
    if (!pg) {
      (void)store::drop_scratch_database(options.database_url, name);
      return fail(pg.error());
    }
    if (auto m = (*pg)->migrate(); !m) {
      report = fail(m.error());
    } else {
      report = testkit::run_scenario_on(path, **pg, options);
    }
  }
  if (auto d = store::drop_scratch_database(options.database_url, name); !d && report)
    return fail(d.error());
  return report;
}

}  // namespace elva
