// Inputs the FEEL, JSON and form fuzzers (fuzz/) once crashed on, replayed on every run:
// tests/data/fuzz-regressions/feel-*, json-* and form-* go through what the targets do.
// (The other files there are BPMN inputs, replayed by tests/unit/parse/corpus_test.cpp.)
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "elva/json_limits.hpp"
#include "expr/feel.hpp"
#include "forms/forms.hpp"

namespace fs = std::filesystem;
using namespace elva;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void feel(const std::string& text) {
  const expr::Value vars = expr::Value::from_json(
      {{"amount", 1e200}, {"s", std::string(1000, 'a')}, {"items", {1, 2, 3}}});
  expr::EvalOptions options;
  options.max_steps = 20'000;
  if (auto e = expr::Expression::compile(text)) {
    auto r = e->evaluate_checked(expr::ContextScope(vars), options);
    if (r) (void)r->to_json().dump();
  }
  if (auto u = expr::Expression::compile_unary_tests(text))
    (void)u->test_checked(expr::Value(5), expr::ContextScope(vars), options);
}

void json_body(const std::string& text) {
  const auto nul = text.find('\0');
  if (nul == std::string::npos) {
    if (auto j = parse_json(text)) (void)expr::Value::from_json(*j).to_json().dump();
    return;
  }
  auto form = forms::read_form_text(std::string_view(text).substr(0, nul));
  auto data = parse_json(std::string_view(text).substr(nul + 1));
  nlohmann::json variables;
  if (form && data) (void)forms::check_submission(*form, *data, variables);
}

void form(const std::string& text) {
  auto f = forms::read_form_text(text);
  if (!f) return;
  nlohmann::json submission = nlohmann::json::object(), variables;
  for (const auto& field : f->fields) submission[field.key] = "x";
  (void)forms::check_submission(*f, submission, variables);
}

}  // namespace

TEST_CASE("inputs the FEEL, JSON and form fuzzers once crashed on run without a crash", "[fuzz]") {
  const char* src = std::getenv("ELVA_SOURCE_DIR");
  const auto dir = fs::path(src ? src : ".") / "tests" / "data" / "fuzz-regressions";
  std::size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    const std::string text = slurp(entry.path());
    if (name.rfind("feel-", 0) == 0)
      feel(text);
    else if (name.rfind("json-", 0) == 0)
      json_body(text);
    else if (name.rfind("form-", 0) == 0)
      form(text);
    else
      continue;
    ++n;
  }
  CHECK(n >= 1);
}
