// DMN: evaluations per second of a generated 50-rule decision table (FIRST hit policy; each
// rule tests a number range, a string list and a boolean), over varied inputs on one core.
// usage: elva_bench_dmn [EVALUATIONS]
#include <chrono>
#include <cstdio>
#include <string>

#include "dmn/dmn.hpp"

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 200000;
  std::string xml =
      R"(<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="bench" name="Bench" namespace="urn:elva:bench">
  <decision id="route" name="Route"><decisionTable hitPolicy="FIRST">
    <input><inputExpression typeRef="number"><text>amount</text></inputExpression></input>
    <input><inputExpression typeRef="string"><text>unit</text></inputExpression></input>
    <input><inputExpression typeRef="boolean"><text>urgent</text></inputExpression></input>
    <output name="approver" typeRef="string"/>)";
  for (int r = 0; r < 50; ++r) {
    xml += "<rule id=\"r" + std::to_string(r) + "\"><inputEntry><text>[" +
           std::to_string(r * 1000) + ".." + std::to_string(r * 1000 + 999) +
           "]</text></inputEntry><inputEntry><text>\"u" + std::to_string(r % 7) + "\",\"u" +
           std::to_string((r + 3) % 7) + "\"</text></inputEntry><inputEntry><text>" +
           (r % 3 == 0   ? "-"
            : r % 3 == 1 ? "true"
                         : "false") +
           "</text></inputEntry><outputEntry><text>\"a" + std::to_string(r) +
           "\"</text></outputEntry></rule>";
  }
  xml += "</decisionTable></decision></definitions>";
  auto read = elva::dmn::read_dmn("bench.dmn", xml);
  if (!read.model) return 1;
  std::vector<nlohmann::json> inputs;
  for (int i = 0; i < 1000; ++i)
    inputs.push_back({{"amount", (i * 37) % 50000},
                      {"unit", "u" + std::to_string(i % 7)},
                      {"urgent", i % 2 == 0}});
  int matched = 0;
  for (int i = 0; i < 2000; ++i)
    (void)elva::dmn::evaluate(*read.model, "route", inputs[i % inputs.size()]);  // warm-up
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    auto r = elva::dmn::evaluate(*read.model, "route", inputs[i % inputs.size()]);
    if (r && !r->value.is_null()) ++matched;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "{\"benchmark\":\"dmn-50-rules\",\"evaluations\":%d,\"matched\":%d,\"seconds\":%.3f,"
      "\"evaluations_per_second\":%.0f}\n",
      n, matched, s, n / s);
  return 0;
}
