// Hostile values and expressions (issue 22): every FEEL evaluation is total and bounded. Numbers
// out of range are null, conversions never throw, the parser and the evaluator never recurse
// without bound, and steps (counted, never timed) stop runaway work with an error.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/eval.hpp"
#include "expr/budget.hpp"
#include "expr/feel.hpp"

using namespace elva;
using nlohmann::json;

namespace {

Result<json> eval(const std::string& text, const json& vars = json::object()) {
  return evaluate_expression({text, &vars, 0});
}

json value(const std::string& text, const json& vars = json::object()) {
  auto r = eval(text, vars);
  INFO(text);
  REQUIRE(r);
  return *r;
}

std::string limit_of(const Error& e) {
  for (const auto& [k, v] : e.context)
    if (k == "limit") return v;
  return "";
}

// Steps an expression needs over `vars`, measured with a budget that cannot run out.
std::uint64_t steps(const std::string& text, const json& vars) {
  auto e = expr::Expression::compile(text);
  REQUIRE(e);
  const expr::Value v = expr::Value::from_json(vars);
  expr::ContextScope scope(v);
  expr::Budget budget(~std::uint64_t{0} / 2, std::size_t{1} << 30);
  expr::EvalOptions options;
  options.budget = &budget;
  auto r = e->evaluate_checked(scope, options);
  REQUIRE(r);
  return budget.used();
}

}  // namespace

TEST_CASE(
    "a FEEL result beyond the range of a double becomes null in JSON, and stays exact in FEEL",
    "[expr][limits]") {
  GIVEN("amount = 1e200, as an e-service form could send it") {
    const json vars = {{"amount", 1e200}};
    THEN("amount * amount (1e400, a valid decimal128) has no JSON number: null, no throw") {
      CHECK(value("amount * amount", vars).is_null());
    }
    THEN("within FEEL the value is exact") {
      CHECK(value("amount * amount / (amount * 10 ** 100)", vars) == 1e100);
      CHECK(value("amount * amount > amount", vars) == true);
    }
  }
  WHEN("a result leaves decimal128's range (10^6145)") {
    THEN("it is null") {
      CHECK(value("10 ** 6144 * 10").is_null());
      CHECK(value("10 ** 99999999999").is_null());
      CHECK(value("(10 ** 6000) * (10 ** 6000)").is_null());
      CHECK(value("-(10 ** 6000) * (10 ** 6000)").is_null());
      CHECK(value("1 / (10 ** -6000) / (10 ** -6000)").is_null());
      CHECK(value("product([10 ** 3000, 10 ** 3000, 10 ** 3000])").is_null());
      CHECK(value("sum(for i in 1..3 return 10 ** 3000) / 10 ** 3000") == 3);
    }
  }
  THEN("NaN and infinities never come out") {
    CHECK(value("(-8) ** 0.5").is_null());
    CHECK(value("0 ** -1").is_null());
    CHECK(value("2 ** (10 ** 30)").is_null());
  }
}

TEST_CASE("decimal(1, 99999999999) and string(10 ** 400) do not abort", "[expr][limits]") {
  CHECK(value("decimal(1, 99999999999)").is_null());  // scale outside [-6111..6176] (DMN 1.5)
  CHECK(value("decimal(1, 6177)").is_null());
  CHECK(value("decimal(1, -6112)").is_null());
  CHECK(value("decimal(1.25, 6176)") == 1.25);
  CHECK(value("round up(1.5, 99999999999)").is_null());
  CHECK(value("round half down(-2.5, -99999999999)").is_null());
  const json s = value("string(10 ** 400)");
  REQUIRE(s.is_string());
  CHECK(s.get<std::string>() == "1" + std::string(400, '0'));
  CHECK(value("string length(string(10 ** 6144))") == 6145);
  CHECK(value("string(1 / 3)") == "0.3333333333333333333333333333333333");
}

TEST_CASE("conversions from text and JSON never throw", "[expr][limits]") {
  CHECK(value("number(\"1e99999999999999999999\")").is_null());
  CHECK(value("number(\"1e-99999999999999999999\")") == 0);
  CHECK(value("number(\"1e7000\")").is_null());
  CHECK(value("number(\"9\" + \"9\")") == 99);
  CHECK(value("number(\"1 000,5\", \" \", \",\")") == 1000.5);
  CHECK(value("number(\"1,000.5\", \",\", \",\")").is_null());  // the same separator twice
  CHECK(value("number(\"1,000.5\", \"\", \".\")").is_null());
  CHECK(value("date(999999999999, 1, 1)").is_null());
  CHECK(value("date(2024, 2, 30)").is_null());
  CHECK(value("date(-5, -5, -5)").is_null());
  CHECK(value("time(10 ** 30, 0, 0)").is_null());
  CHECK(value("time(10, 0, 0, duration(\"PT15H\"))").is_null());
  CHECK(value("duration(\"P999999999W999999999W999999999W\")") ==
        "P20999999979D");  // repeated parts, still in range
  CHECK(value("duration(\"P999999999D\") * 99999999999").is_null());
  CHECK(value("-duration(\"P999999999D\") * 10 ** 20").is_null());
  CHECK(value("abs(duration(\"-P1D\"))") == "P1D");
  CHECK(value("[1, 2, 3][10 ** 400]").is_null());
  CHECK(value("[1, 2, 3][-(10 ** 400)]").is_null());
  CHECK(value("sublist([1, 2, 3], 10 ** 30)").is_null());
  CHECK(value("substring(\"abc\", 10 ** 30)").is_null());
  CHECK(value("substring(\"abc\", 1, 10 ** 30)") == "abc");
  CHECK(value("insert before([1], 10 ** 30, 2)").is_null());
  CHECK(value("date(\"2024-01-01\") + duration(\"P999999999Y\")")
            .is_null());  // past year 999,999,999
  CHECK(value("duration(\"P999999999D\") * 106 + duration(\"P999999999D\") * 106")
            .is_null());  // int64 milliseconds overflow
  CHECK(value("years and months duration(date(\"2024-01-01\"), date(\"2024-03-01\")) * 10 ** 30")
            .is_null());
}

TEST_CASE("a JSON number out of FEEL's reach and text that is not UTF-8 convert without a throw",
          "[expr][limits]") {
  const json huge = json::parse("18446744073709551615");  // uint64 max
  CHECK(value("x + 1", json{{"x", huge}}) == 18446744073709551616.0);
  json nan = {{"x", std::numeric_limits<double>::quiet_NaN()}};  // only built, never parsed
  CHECK(value("x", nan).is_null());
  auto r = eval(
      "\"a\xff"
      "b\"");  // raw bytes in the expression (elva eval takes argv)
  REQUIRE(r);
  CHECK(r->dump() ==
        "\"a\xEF\xBF\xBD"
        "b\"");
}

TEST_CASE(
    "the parser refuses deep nesting and overlong expressions instead of overflowing its stack",
    "[expr][limits]") {
  for (const std::string open : {"(", "[", "{a: ", "-", "if true then ", "not(", "f("}) {
    INFO(open);
    std::string text;
    for (int i = 0; i < 100000; ++i) text += open;
    text += "1";
    auto r = eval(text);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::ExpressionError);
  }
  std::string chain = "1";
  for (int i = 0; i < 10000; ++i) chain += " + 1";
  auto r = eval(chain);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("more than 256 operators") != std::string::npos);
  std::string path = "a";
  for (int i = 0; i < 100000; ++i) path += ".b";
  CHECK_FALSE(eval(path));
  CHECK_FALSE(eval("\"" + std::string(300000, 'x') + "\""));  // longer than kMaxExpressionBytes
  std::string ok = "1";
  for (int i = 0; i < 200; ++i) ok += " + 1";
  CHECK(value(ok) == 201);
  std::string parens = "1";
  for (int i = 0; i < 30; ++i) parens = "(" + parens + ")";
  CHECK(value(parens) == 1);
}

TEST_CASE("deep values and deep recursion stop with an error, not a stack overflow",
          "[expr][limits]") {
  auto deep = eval("for i in 1..10000 return if i = 1 then [] else [partial[-1]]");
  REQUIRE_FALSE(deep);
  CHECK(limit_of(deep.error()) == "max_depth");
  auto recursion = eval("{f: function(n) if n = 0 then 0 else 1 + f(n - 1), r: f(100000)}.r");
  REQUIRE(recursion);
  CHECK(recursion->is_null());  // runaway recursion: null (200 calls)
  CHECK(value("{f: function(n) if n = 0 then 0 else 1 + f(n - 1), r: f(150)}.r") == 150);
  json nested = json::array();
  for (int i = 0; i < 1000; ++i) nested = json::array({nested});
  CHECK(value("x", json{{"x", nested}}).is_null() ==
        false);  // JSON deeper than 128: null there, no overflow
}

TEST_CASE("for over 100,000 items is linear in its steps", "[expr][limits]") {
  json small = json::array(), large = json::array();
  for (int i = 0; i < 10000; ++i) small.push_back(i);
  for (int i = 0; i < 100000; ++i) large.push_back(i);
  const std::string e = "for x in items return x * 2";
  const auto s10k = steps(e, json{{"items", small}});
  const auto s100k = steps(e, json{{"items", large}});
  CHECK(s100k <= 11 * s10k);  // ten times the items, about ten times the steps
  CHECK(s100k < 1'000'000);   // within the default budget
  auto r = eval("count(" + e + ")", json{{"items", large}});
  REQUIRE(r);
  CHECK(*r == 100000);
  // The list built-ins are linear too.
  for (const std::string f :
       {"distinct values(items)", "union(items, items)", "flatten([items, [items]])",
        "reverse(items)", "append(items, 1)", "concatenate(items, items)", "sublist(items, 2)",
        "items[item > 5]", "index of(items, 5)", "list contains(items, -1)"}) {
    INFO(f);
    CHECK(steps(f, json{{"items", large}}) <= 11 * steps(f, json{{"items", small}}) + 100);
  }
}

TEST_CASE("a hostile expression over a huge list ends with a max_steps error", "[expr][limits]") {
  json large = json::array();
  for (int i = 0; i < 100000; ++i) large.push_back(i);
  auto r = eval("for x in items, y in items return x + y", json{{"items", large}});
  REQUIRE_FALSE(r);
  CHECK(limit_of(r.error()) == "max_steps");
  CHECK(r.error().message == "the expression needs more than 1000000 steps (max_steps)");
  auto partial = eval("for x in items return count(partial)", json{{"items", large}});
  REQUIRE_FALSE(partial);  // partial copies the results so far: quadratic, so it runs out
  CHECK(limit_of(partial.error()) == "max_steps");
  WHEN("the expression only evaluates (no error path, as in older callers)") {
    auto e = expr::Expression::compile("for x in items, y in items return x + y");
    REQUIRE(e);
    const expr::Value v = expr::Value::from_json(json{{"items", large}});
    THEN("the result is null") { CHECK(e->evaluate(expr::ContextScope(v)).is_null()); }
  }
}

TEST_CASE("text and results have a size limit, and shared parts are counted each time",
          "[expr][limits]") {
  auto doubling = eval(
      "{a: \"xxxxxxxxxxxxxxxx\", b: a+a, c: b+b, d: c+c, e: d+d, f: e+e, g: f+f, h: g+g, i: h+h, "
      "j: i+i, "
      "k: j+j, l: k+k, m: l+l, n: m+m, o: n+n, p: o+o, q: p+p, r: q+q, s: r+r, t: s+s, u: t+t}.u");
  REQUIRE_FALSE(doubling);
  CHECK(limit_of(doubling.error()) == "max_string_bytes");
  std::string lists = "{a: [1, 1]";
  for (char c = 'b'; c <= 'z'; ++c)
    lists += std::string(", ") + c + ": [" + static_cast<char>(c - 1) + ", " +
             static_cast<char>(c - 1) + "]";
  auto shared = eval(lists + "}.z");  // 2^25 leaves when written out
  REQUIRE_FALSE(shared);
  CHECK(limit_of(shared.error()) == "max_result_bytes");
  auto flat = eval(lists + "}.z = " + lists + "}.z");  // equality walks the shared parts too
  REQUIRE_FALSE(flat);
  CHECK(limit_of(flat.error()) == "max_steps");
  CHECK_FALSE(eval("string(" + lists + "}.z)"));
  CHECK_FALSE(eval("count(flatten(" + lists + "}.z))"));
}

TEST_CASE("the DMN 1.5 built-ins pay for their work and stop at the step limit", "[expr][limits]") {
  json small = json::array(), large = json::array();
  for (int i = 0; i < 10000; ++i) small.push_back(i);
  for (int i = 0; i < 100000; ++i) large.push_back(i);
  {  // list, context and statistics built-ins over ten times the items
    for (const std::string f :
         {"median(items)", "mode(items)", "stddev(items)", "list replace(items, 2, 0)",
          "context merge(for x in items return {a: x})",
          "count(get entries(context(for x in items return {key: string(x), value: x})))",
          "items instance of list<number>", "list replace(items, function(a, b) a = 3, 0)"}) {
      INFO(f);  // at most about ten times the steps (n log n for the sorting ones)
      CHECK(steps(f, json{{"items", large}}) <= 14 * steps(f, json{{"items", small}}) + 100);
    }
  }
  WHEN("sort calls a user function for 100,000 items under the default budget") {
    auto r = eval("sort(items, function(a, b) a > b)", json{{"items", large}});
    THEN("it stops with a max_steps error") {
      REQUIRE_FALSE(r);
      CHECK(limit_of(r.error()) == "max_steps");
    }
  }
  WHEN("range() is given a text longer than an expression may be") {
    auto r = eval("range(\"[\" + x + \"..2]\")", json{{"x", std::string(3u << 20, '1')}});
    THEN("it is null, as any text that is not a range") {
      REQUIRE(r);
      CHECK(r->is_null());
    }
  }
}
