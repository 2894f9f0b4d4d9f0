// The metrics registry: label values capped at 500 then "other", counts exact under threads,
// and the Prometheus text it renders (escaping, cumulative buckets).
#include "metrics/metrics.hpp"

#include <catch2/catch.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "metrics/label_table.hpp"

namespace m = elva::metrics;

namespace {

// The value of one series line ("name{labels} value") in a scrape, or -1.
double value_of(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("a label table keeps 500 label values and counts the rest as other", "[metrics]") {
  m::LabelTable t(1, 1);
  for (int i = 0; i < 600; ++i) t.at({"p" + std::to_string(i)}).cells[0].fetch_add(1);
  t.at({"p7"}).cells[0].fetch_add(1);  // an early value keeps its own entry
  std::size_t entries = 0;
  std::uint64_t other = 0, p7 = 0, total = 0;
  t.each([&](const m::LabelTable::Entry& e) {
    ++entries;
    total += e.cells[0].load();
    if (e.values[0] == "other") other = e.cells[0].load();
    if (e.values[0] == "p7") p7 = e.cells[0].load();
  });
  CHECK(entries == 501);
  CHECK(other == 100);
  CHECK(p7 == 2);
  CHECK(total == 601);
}

TEST_CASE("a label table counts exactly when threads race on new and old values", "[metrics]") {
  m::LabelTable t(2, 1);
  std::vector<std::thread> threads;
  for (int n = 0; n < 4; ++n) {
    threads.emplace_back([&t] {
      for (int i = 0; i < 20000; ++i)
        t.at({"type" + std::to_string(i % 50), i % 2 ? "completed" : "retry"})
            .cells[0]
            .fetch_add(1, std::memory_order_relaxed);
    });
  }
  for (auto& th : threads) th.join();
  std::uint64_t total = 0;
  std::size_t entries = 0;
  t.each([&](const m::LabelTable::Entry& e) {
    ++entries;
    total += e.cells[0].load();
  });
  CHECK(entries == 50);  // i % 2 follows from i % 50: 50 distinct (type, outcome) pairs
  CHECK(total == 80000);
}

TEST_CASE("the scrape escapes label values and renders cumulative histogram buckets", "[metrics]") {
  const std::string name = "quote\"and\\back\nslash";
  m::instance_event(name, m::InstanceEvent::Started);
  m::connector_call("unit-test", "op", "completed", 0.003);
  m::connector_call("unit-test", "op", "completed", 0.2);
  m::connector_call("unit-test", "op", "retry", 100);
  const std::string text = m::render(std::nullopt);
  CHECK(value_of(
            text,
            "elva_process_instances_started_total{process=\"quote\\\"and\\\\back\\nslash\"}") == 1);
  const std::string h = "elva_connector_call_duration_seconds";
  const std::string l = "connector=\"unit-test\",operation=\"op\"";
  CHECK(value_of(text, h + "_bucket{" + l + ",le=\"0.005\"}") == 1);
  CHECK(value_of(text, h + "_bucket{" + l + ",le=\"0.25\"}") == 2);
  CHECK(value_of(text, h + "_bucket{" + l + ",le=\"30\"}") == 2);
  CHECK(value_of(text, h + "_bucket{" + l + ",le=\"+Inf\"}") == 3);
  CHECK(value_of(text, h + "_count{" + l + "}") == 3);
  CHECK(value_of(text, h + "_sum{" + l + "}") == Approx(100.203));
  CHECK(value_of(text, "elva_connector_calls_total{" + l + ",outcome=\"retry\"}") == 1);
  CHECK(value_of(text, "elva_db_up") == 0);
  CHECK(text.find("elva_incidents_open") == std::string::npos);  // no store figures without it
  // Every line is a comment or "name{labels} value".
  const std::regex line(R"(^(# (HELP|TYPE) .*|[a-z_]+(\{.*\})? -?[0-9.e+-]+)$)");
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const std::string one = text.substr(start, end - start);
    INFO(one);
    CHECK(std::regex_match(one, line));
    start = end + 1;
  }
}
