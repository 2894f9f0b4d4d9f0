// libFuzzer entry: any bytes as a FEEL expression (and as DMN unary tests), evaluated over a
// few variable sets (numbers at the edge of decimal128, long texts, lists, contexts, deep JSON)
// under a small step budget. Nothing may crash, hang, leak or throw; results must convert to
// JSON and be written out.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "expr/feel.hpp"

namespace {

using elva::expr::Value;
using nlohmann::json;

const std::vector<Value>& scopes() {
  static const std::vector<Value> all = [] {
    json deep = json::array();
    for (int i = 0; i < 60; ++i) deep = json::array({deep, i});
    json items = json::array();
    for (int i = 0; i < 200; ++i)
      items.push_back(i % 3 == 0   ? json(i)
                      : i % 3 == 1 ? json("item " + std::to_string(i))
                                   : json(i * 0.5));
    json people = json::array();
    for (int i = 0; i < 20; ++i)
      people.push_back({{"name", "p" + std::to_string(i)}, {"age", 20 + i}, {"tags", {"a", "b"}}});
    std::vector<json> vars = {json::object(),
                              {{"amount", 1e200},
                               {"tiny", 1e-300},
                               {"n", 5},
                               {"neg", -7},
                               {"big", 9007199254740993LL},
                               {"max", 18446744073709551615ULL},
                               {"s", "Hello, World"},
                               {"flag", true},
                               {"date", "2024-05-01"},
                               {"dt", "2024-05-01T10:30:00Z"},
                               {"dur", "P3DT4H"}},
                              {{"items", items},
                               {"people", people},
                               {"deep", deep},
                               {"text", std::string(10000, 'a') + "@"},
                               {"empty", json::array()},
                               {"ctx", {{"a", 1}, {"b", {{"c", "x"}}}}}}};
    std::vector<Value> out;
    for (const auto& v : vars) out.push_back(Value::from_json(v));
    return out;
  }();
  return all;
}

void consume(const elva::Result<Value>& r) {
  if (!r) return;
  (void)r->to_json().dump();
  (void)r->to_string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  elva::expr::EvalOptions options;
  options.max_steps = 20'000;  // enough for every feature, small enough for many runs a second
  options.now_millis = [] { return std::int64_t{1714559400000}; };
  if (auto e = elva::expr::Expression::compile(text)) {
    for (const auto& vars : scopes())
      consume(e->evaluate_checked(elva::expr::ContextScope(vars), options));
  }
  if (auto u = elva::expr::Expression::compile_unary_tests(text)) {
    const elva::expr::ContextScope scope(scopes()[1]);
    for (const Value& input : {Value(), Value(5), Value("a"), Value(elva::expr::List{1, 2})})
      consume(u->test_checked(input, scope, options));
  }
  return 0;
}
