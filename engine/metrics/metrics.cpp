// The registry (metrics.hpp): one static set of families; reporters add with relaxed atomics.
#include "metrics/metrics.hpp"

#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <vector>

#include "metrics/label_table.hpp"

namespace elva::metrics {
namespace {

using Cell = std::atomic<std::uint64_t>;
constexpr auto kRelaxed = std::memory_order_relaxed;

// Upper bounds in seconds; +Inf is implicit.
constexpr std::array<double, 12> kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,   1,    2.5,   5,    10,  30};
constexpr std::array<double, 10> kLatenessBuckets = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

// A histogram's cells: one per bucket (not cumulative), the +Inf bucket, the count and the sum
// in microseconds.
template <std::size_t N>
void observe(Cell* cells, const std::array<double, N>& bounds, double seconds) {
  std::size_t b = 0;
  while (b < N && seconds > bounds[b]) ++b;
  cells[b].fetch_add(1, kRelaxed);
  cells[N + 1].fetch_add(1, kRelaxed);
  const double micros = seconds > 0 ? seconds * 1e6 : 0;
  cells[N + 2].fetch_add(static_cast<std::uint64_t>(std::llround(micros)), kRelaxed);
}
template <std::size_t N>
constexpr std::size_t histogram_cells() {
  return N + 3;
}

struct Registry {
  Cell units{0}, commands{0}, reruns{0};
  Cell timers_fired{0};
  std::array<Cell, histogram_cells<kLatenessBuckets.size()>()> lateness{};
  Cell db_outages{0};
  std::atomic<int> db_up{1};
  std::atomic<std::int64_t> pool_total{0}, pool_busy{0};
  LabelTable processes{1, 3};   // process -> started, completed, incidents
  LabelTable jobs{2, 1};        // type, outcome
  LabelTable leases{1, 1};      // type
  LabelTable connectors{3, 1};  // connector, operation, outcome
  LabelTable connector_latency{2, histogram_cells<kLatencyBuckets.size()>()};  // connector, op
  LabelTable http{2, 1};                                                       // route, status
  LabelTable http_latency{1, histogram_cells<kLatencyBuckets.size()>()};       // route
};

Registry& reg() {
  static Registry r;  // never destroyed before the threads that report (static storage)
  return r;
}

// Prometheus label values: backslash, double quote and line feed escaped.
std::string escape(const std::string& v) {
  std::string o;
  o.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      o += '\\';
      o += c;
    } else if (c == '\n') {
      o += "\\n";
    } else {
      o += c;
    }
  }
  return o;
}

std::string labels(const std::vector<const char*>& names, const std::vector<std::string>& values,
                   const std::string& extra = "") {
  std::string o = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) o += ',';
    o += names[i];
    o += "=\"" + escape(values[i]) + '"';
  }
  if (!extra.empty()) o += (names.empty() ? "" : ",") + extra;
  return o == "{" ? "" : o + "}";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);  // 0.005, not 0.0050000000000000001
  return buf;
}

class Out {
 public:
  void head(const char* name, const char* type, const char* help) {
    s_ += "# HELP ";
    s_ += name;
    s_ += ' ';
    s_ += help;
    s_ += "\n# TYPE ";
    s_ += name;
    s_ += ' ';
    s_ += type;
    s_ += '\n';
  }
  void line(const std::string& name, const std::string& labels, std::uint64_t v) {
    s_ += name + labels + ' ' + std::to_string(v) + '\n';
  }
  void line(const std::string& name, const std::string& labels, std::int64_t v) {
    s_ += name + labels + ' ' + std::to_string(v) + '\n';
  }
  void line(const std::string& name, const std::string& labels, double v) {
    s_ += name + labels + ' ' + number(v) + '\n';
  }
  template <std::size_t N>
  void histogram(const std::string& name, const std::vector<const char*>& names,
                 const std::vector<std::string>& values, const Cell* cells,
                 const std::array<double, N>& bounds) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= N; ++b) {
      cumulative += cells[b].load(kRelaxed);
      const std::string le = b < N ? number(bounds[b]) : std::string("+Inf");
      line(name + "_bucket", labels(names, values, "le=\"" + le + '"'), cumulative);
    }
    line(name + "_count", labels(names, values), cells[N + 1].load(kRelaxed));
    line(name + "_sum", labels(names, values),
         static_cast<double>(cells[N + 2].load(kRelaxed)) / 1e6);
  }
  std::string take() { return std::move(s_); }

 private:
  std::string s_;
};

}  // namespace

void unit_committed(std::size_t commands, int reruns) {
  auto& r = reg();
  r.units.fetch_add(1, kRelaxed);
  r.commands.fetch_add(commands, kRelaxed);
  if (reruns > 0) r.reruns.fetch_add(static_cast<std::uint64_t>(reruns), kRelaxed);
}

void instance_event(std::string_view process_id, InstanceEvent event) {
  reg().processes.at({process_id}).cells[static_cast<int>(event)].fetch_add(1, kRelaxed);
}

void timer_fired(std::int64_t lateness_ms) {
  auto& r = reg();
  r.timers_fired.fetch_add(1, kRelaxed);
  observe(r.lateness.data(), kLatenessBuckets,
          static_cast<double>(lateness_ms > 0 ? lateness_ms : 0) / 1000.0);
}

void job_outcome(std::string_view type, std::string_view outcome) {
  reg().jobs.at({type, outcome}).cells[0].fetch_add(1, kRelaxed);
}

void connector_call(std::string_view connector, std::string_view operation,
                    std::string_view outcome, double seconds) {
  auto& r = reg();
  r.connectors.at({connector, operation, outcome}).cells[0].fetch_add(1, kRelaxed);
  observe(r.connector_latency.at({connector, operation}).cells.get(), kLatencyBuckets, seconds);
}

void lease_expired(std::string_view type) {
  reg().leases.at({type}).cells[0].fetch_add(1, kRelaxed);
}

void database_outage() { reg().db_outages.fetch_add(1, kRelaxed); }
void database_up(bool up) { reg().db_up.store(up ? 1 : 0, kRelaxed); }

void http_request(std::string_view route, int status, double seconds) {
  auto& r = reg();
  const std::string code = std::to_string(status);
  r.http.at({route, code}).cells[0].fetch_add(1, kRelaxed);
  observe(r.http_latency.at({route}).cells.get(), kLatencyBuckets, seconds);
}

void pool_connections(int total) { reg().pool_total.fetch_add(total, kRelaxed); }
void pool_in_use(int delta) { reg().pool_busy.fetch_add(delta, kRelaxed); }

std::string render(const std::optional<StoreFigures>& store) {
  auto& r = reg();
  Out o;
  o.head("elva_units_total", "counter", "Units (one store transaction each) committed");
  o.line("elva_units_total", "", r.units.load(kRelaxed));
  o.head("elva_commands_applied_total", "counter",
         "Commands (starts, completions, job outcomes, timers, messages) applied");
  o.line("elva_commands_applied_total", "", r.commands.load(kRelaxed));
  o.head("elva_unit_reruns_total", "counter",
         "Units run again before they committed (conflicts: another node changed an instance)");
  o.line("elva_unit_reruns_total", "", r.reruns.load(kRelaxed));

  o.head("elva_process_instances_started_total", "counter", "Instances started, by process");
  r.processes.each([&](const LabelTable::Entry& e) {
    o.line("elva_process_instances_started_total", labels({"process"}, e.values),
           e.cells[0].load(kRelaxed));
  });
  o.head("elva_process_instances_completed_total", "counter", "Instances completed, by process");
  r.processes.each([&](const LabelTable::Entry& e) {
    o.line("elva_process_instances_completed_total", labels({"process"}, e.values),
           e.cells[1].load(kRelaxed));
  });
  o.head("elva_process_incidents_total", "counter", "Incidents raised, by process");
  r.processes.each([&](const LabelTable::Entry& e) {
    o.line("elva_process_incidents_total", labels({"process"}, e.values),
           e.cells[2].load(kRelaxed));
  });

  o.head("elva_job_outcomes_total", "counter",
         "Connector job outcomes applied, by job type and outcome");
  r.jobs.each([&](const LabelTable::Entry& e) {
    o.line("elva_job_outcomes_total", labels({"type", "outcome"}, e.values),
           e.cells[0].load(kRelaxed));
  });
  o.head("elva_job_lease_expiries_total", "counter",
         "Jobs taken again after their earlier lease ran out, by job type");
  r.leases.each([&](const LabelTable::Entry& e) {
    o.line("elva_job_lease_expiries_total", labels({"type"}, e.values), e.cells[0].load(kRelaxed));
  });
  o.head("elva_connector_calls_total", "counter",
         "Connector calls, by connector, operation and outcome");
  r.connectors.each([&](const LabelTable::Entry& e) {
    o.line("elva_connector_calls_total", labels({"connector", "operation", "outcome"}, e.values),
           e.cells[0].load(kRelaxed));
  });
  o.head("elva_connector_call_duration_seconds", "histogram",
         "Connector calls from dispatch to answer, by connector and operation");
  r.connector_latency.each([&](const LabelTable::Entry& e) {
    o.histogram("elva_connector_call_duration_seconds", {"connector", "operation"}, e.values,
                e.cells.get(), kLatencyBuckets);
  });

  o.head("elva_timers_fired_total", "counter", "Timers fired");
  o.line("elva_timers_fired_total", "", r.timers_fired.load(kRelaxed));
  o.head("elva_timer_lateness_seconds", "histogram", "How late timers fired after they were due");
  o.histogram("elva_timer_lateness_seconds", {}, {}, r.lateness.data(), kLatenessBuckets);

  o.head("elva_http_requests_total", "counter", "HTTP requests, by route pattern and status");
  r.http.each([&](const LabelTable::Entry& e) {
    o.line("elva_http_requests_total", labels({"route", "status"}, e.values),
           e.cells[0].load(kRelaxed));
  });
  o.head("elva_http_request_duration_seconds", "histogram",
         "HTTP requests from handler start to answer, by route pattern");
  r.http_latency.each([&](const LabelTable::Entry& e) {
    o.histogram("elva_http_request_duration_seconds", {"route"}, e.values, e.cells.get(),
                kLatencyBuckets);
  });

  o.head("elva_db_pool_connections", "gauge", "Database connections of the HTTP workers");
  o.line("elva_db_pool_connections", "", r.pool_total.load(kRelaxed));
  o.head("elva_db_pool_in_use", "gauge", "Database connections answering a request now");
  o.line("elva_db_pool_in_use", "", r.pool_busy.load(kRelaxed));
  o.head("elva_db_outages_total", "counter", "Times the scheduler lost its database");
  o.line("elva_db_outages_total", "", r.db_outages.load(kRelaxed));
  o.head("elva_scheduler_database_up", "gauge",
         "1 while the scheduler of this process reaches its database, else 0");
  o.line("elva_scheduler_database_up", "", static_cast<std::int64_t>(r.db_up.load(kRelaxed)));
  o.head("elva_db_up", "gauge", "1 when the database answered this scrape, else 0");
  o.line("elva_db_up", "", static_cast<std::int64_t>(store ? 1 : 0));
  if (store) {
    o.head("elva_incidents_open", "gauge", "Incidents not yet resolved (all nodes)");
    o.line("elva_incidents_open", "", store->incidents_open);
    o.head("elva_timers_due", "gauge", "Timers due now or earlier and not yet fired (all nodes)");
    o.line("elva_timers_due", "", store->timers_due);
    o.head("elva_jobs_due", "gauge", "Jobs due now or earlier and not leased (all nodes)");
    o.line("elva_jobs_due", "", store->jobs_due);
    o.head("elva_migrations_pending", "gauge", "Schema migrations not yet applied");
    o.line("elva_migrations_pending", "", store->migrations_pending);
  }
  return o.take();
}

}  // namespace elva::metrics
