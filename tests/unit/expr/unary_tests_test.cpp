// DMN input entries: FEEL unary tests applied to an input value.
#include <catch2/catch.hpp>

#include "expr/feel.hpp"

using namespace elva::expr;

namespace {
Value run(const std::string& tests, const Value& input) {
  auto compiled = Expression::compile_unary_tests(tests);
  INFO(tests);
  REQUIRE(compiled);
  const Value vars = Value(Context{{"limit", Value(10)}});
  return compiled->test(input, ContextScope(vars));
}
bool holds(const std::string& tests, const Value& input) {
  const Value r = run(tests, input);
  return r.get<bool>() && *r.get<bool>();
}
}  // namespace

TEST_CASE("unary tests: any, comparisons, ranges, lists, negation, ?", "[expr][unary]") {
  CHECK(holds("-", Value(5)));
  CHECK(holds("-", Value()));
  CHECK(holds("< 10", Value(5)));
  CHECK_FALSE(holds("< 10", Value(10)));
  CHECK(holds("<= limit", Value(10)));
  CHECK(holds("[1..10)", Value(1)));
  CHECK_FALSE(holds("[1..10)", Value(10)));
  CHECK(holds("]1..10]", Value(10)));
  CHECK(holds("\"a\", \"b\"", Value("b")));
  CHECK_FALSE(holds("\"a\", \"b\"", Value("c")));
  CHECK(holds("not(\"a\", \"b\")", Value("c")));
  CHECK_FALSE(holds("not(\"a\", \"b\")", Value("a")));
  CHECK(holds("? > 3 and ? < 5", Value(4)));
  CHECK(holds("5", Value(5)));
  CHECK(holds("[1, 2, 3]", Value(2)));
  CHECK(holds("date(\"2026-01-01\")", Value(Date{days_from_civil(2026, 1, 1)})));
}

TEST_CASE("unary tests follow FEEL null semantics", "[expr][unary]") {
  CHECK(run("< 10", Value()).is_null());     // a missing input: undecided, not false
  CHECK(run("< 10", Value("x")).is_null());  // wrong type: undecided
  CHECK_FALSE(holds("\"a\"", Value()));
}

TEST_CASE("unary test syntax errors name the column", "[expr][unary]") {
  auto bad = Expression::compile_unary_tests("< ");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == elva::Errc::ExpressionError);
}

TEST_CASE("compile_cached compiles a text once and shares it, and errors are not cached",
          "[expr][cache]") {
  auto a = Expression::compile_cached("=amount > 100");
  auto b = Expression::compile_cached("=amount > 100");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->get() == b->get());
  const Value vars = Value(Context{{"amount", Value(150)}});
  CHECK(*(*a)->evaluate(ContextScope(vars)).get<bool>());
  CHECK_FALSE(Expression::compile_cached("=amount >"));
  CHECK_FALSE(Expression::compile_cached("=amount >"));
}
