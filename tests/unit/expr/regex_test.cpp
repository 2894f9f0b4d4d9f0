// Regular expressions (expr/regex.hpp): XPath flags and syntax for FEEL, ECMAScript for form
// patterns, both run by RE2. Hostile inputs: 100,000 characters against nested quantifiers.
#include "expr/regex.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/eval.hpp"

using namespace elva;
using elva::expr::Regex;
using elva::expr::RegexDialect;

namespace {

nlohmann::json feel(const std::string& text,
                    const nlohmann::json& vars = nlohmann::json::object()) {
  auto r = evaluate_expression({text, &vars, 0});
  INFO(text);
  REQUIRE(r);
  return *r;
}

bool xpath(const std::string& pattern, const std::string& text, const std::string& flags = "") {
  auto re = Regex::compile(pattern, flags, RegexDialect::XPath);
  INFO(pattern);
  REQUIRE(re);
  return (*re)->search(text);
}

std::string refusal(const std::string& pattern, RegexDialect dialect = RegexDialect::XPath) {
  auto re = Regex::compile(pattern, "", dialect);
  return re ? "" : re.error().message;
}

}  // namespace

TEST_CASE("matches() on 100,000 characters with nested quantifiers finishes (RE2: no backtracking)",
          "[expr][regex]") {
  const std::string a(100000, 'a');
  const nlohmann::json vars = {{"s", a + "!"}};
  CHECK(feel("matches(s, \"^(a+)+$\")", vars) == false);
  CHECK(feel("matches(s, \"(a|aa)*b\")", vars) == false);
  CHECK(feel("matches(s, \"^(a*)*!$\")", vars) == true);
  CHECK(feel("string length(replace(s, \"(a+)+\", \"x\"))", vars) == 2);
  CHECK(feel("count(split(s, \"a*!\"))", vars) == 2);
}

TEST_CASE("matches() follows XPath's flags s, m, i, x and q", "[expr][regex]") {
  CHECK_FALSE(xpath("^a.b$", "a\nb"));
  CHECK(xpath("^a.b$", "a\nb", "s"));
  CHECK_FALSE(xpath("^b$", "a\nb"));
  CHECK(xpath("^b$", "a\nb", "m"));
  CHECK(xpath("HELLO", "hello", "i"));
  CHECK_FALSE(xpath("HELLO", "hello"));
  CHECK(xpath("h e l l o", "hello", "x"));
  CHECK(xpath("[ ]", "a b", "x"));  // whitespace in a class stays
  CHECK(xpath("a.b*", "xa.b*x", "q"));
  CHECK_FALSE(xpath("a.b*", "axbbb", "q"));
  CHECK(xpath("A.B", "xa.bx", "qi"));
  CHECK_FALSE(Regex::compile("a", "g", RegexDialect::XPath));
  CHECK(feel("matches(\"a\\nb\", \"^b$\", \"m\")") == true);
  CHECK(feel("matches(\"abc\", \"B\", \"i\")") == true);
  CHECK(feel("matches(\"abc\", \"B\", \"z\")").is_null());  // not a flag: F&O's error, null in FEEL
  CHECK(feel("matches(\"abc\", \"(\")").is_null());         // not a pattern
}

TEST_CASE("XSD syntax is translated: \\d, \\s, \\w, dot, \\p{..} and class subtraction",
          "[expr][regex]") {
  CHECK(xpath("^\\d+$", "\xD9\xA3\xD9\xA4"));  // Arabic-Indic digits are \p{Nd}
  CHECK_FALSE(xpath("^\\s$", "\f"));           // XSD's \s is space, tab, CR, LF only
  CHECK(xpath("^\\s$", "\r"));
  CHECK(xpath("^\\w+$", "\xC3\xA5\xC3\xA4\xC3\xB6"));  // åäö
  CHECK_FALSE(xpath("^\\w$", "."));
  CHECK(xpath("^[\\w-]+$", "a-b"));
  CHECK_FALSE(xpath("^.$", "\r"));
  CHECK(xpath("^\\p{Lu}+$", "ABC"));
  CHECK(xpath("^[a-z-[aeiou]]+$", "bcd"));
  CHECK_FALSE(xpath("^[a-z-[aeiou]]+$", "bad"));
  CHECK(xpath("^[^a-c-[x]]$", "d"));  // (not a-c) minus x
  CHECK_FALSE(xpath("^[^a-c-[x]]$", "x"));
  CHECK_FALSE(xpath("^[^a-c-[x]]$", "b"));
  CHECK(xpath("^[a-z-[b-y-[c]]]+$", "acz"));
}

TEST_CASE("what RE2 cannot run is refused with a message naming it, never the pattern",
          "[expr][regex]") {
  CHECK(refusal("(a)\\1").find("back-reference") != std::string::npos);
  CHECK(refusal("\\i\\c*").find("\\i, \\I, \\c or \\C") != std::string::npos);
  CHECK(refusal("\\p{IsGreek}").find("Unicode block") != std::string::npos);
  CHECK(refusal("[\\p{L}-[a]]").find("subtracts") != std::string::npos);
  CHECK(refusal("(?=a)", RegexDialect::ECMAScript).find("lookahead") != std::string::npos);
  CHECK(refusal("(?<!a)b", RegexDialect::ECMAScript).find("lookbehind") != std::string::npos);
  CHECK(refusal("(a)\\1", RegexDialect::ECMAScript).find("back-reference") != std::string::npos);
  CHECK(refusal("secret(").find("secret") == std::string::npos);
  CHECK(refusal(std::string(5000, 'a')).find("longer than 4096") != std::string::npos);
  CHECK(refusal("a{1001}").find("1000") != std::string::npos);
}

TEST_CASE("replace() uses F&O's $N and escapes, and split() is F&O's tokenize", "[expr][regex]") {
  CHECK(feel("replace(\"abcd\", \"(ab)|(a)\", \"[1=$1][2=$2]\")") == "[1=ab][2=]cd");
  CHECK(feel("replace(\"abc\", \"b\", \"$0$0\")") == "abbc");
  CHECK(feel("replace(\"abc\", \"(b)\", \"$10\")") == "ab0c");  // no group 10: group 1, then "0"
  CHECK(feel("replace(\"abc\", \"b\", \"\\\\$\")") == "a$c");
  CHECK(feel("replace(\"abc\", \"b\", \"$\")").is_null());   // invalid replacement
  CHECK(feel("replace(\"abc\", \"x*\", \"-\")").is_null());  // the pattern matches ""
  CHECK(feel("replace(\"a.b\", \".\", \"$1\", \"q\")") == "a$1b");
  CHECK(feel("replace(\"Hello\", \"L\", \"l\", \"i\")") == "Hello");
  CHECK(feel("split(\"a;b;c;;\", \";\")") == nlohmann::json({"a", "b", "c", "", ""}));
  CHECK(feel("split(\"\", \";\")") == nlohmann::json::array());
  CHECK(feel("split(\"John Doe\", \"\\\\s\")") == nlohmann::json({"John", "Doe"}));
}

TEST_CASE(
    "form patterns are ECMAScript: \\d is ASCII, dot stops at line ends, a match anywhere counts",
    "[expr][regex]") {
  auto re = Regex::compile("\\d{3}", "", RegexDialect::ECMAScript);
  REQUIRE(re);
  CHECK((*re)->search("ab123"));
  CHECK_FALSE((*re)->search("\xD9\xA3\xD9\xA4\xD9\xA5"));
  auto named = Regex::compile("(?<year>\\d{4})-\\u0041", "", RegexDialect::ECMAScript);
  REQUIRE(named);
  CHECK((*named)->search("2024-A"));
  auto dot = Regex::compile("^a.b$", "", RegexDialect::ECMAScript);
  REQUIRE(dot);
  CHECK_FALSE(
      (*dot)->search("a\xE2\x80\xA8"
                     "b"));  // U+2028 is a line terminator
  CHECK((*dot)->search("axb"));
}

TEST_CASE("compiled regular expressions are cached and shared", "[expr][regex]") {
  auto a = Regex::compile("^[a-z]+$", "i", RegexDialect::XPath);
  auto b = Regex::compile("^[a-z]+$", "i", RegexDialect::XPath);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->get() == b->get());
  auto other = Regex::compile("^[a-z]+$", "", RegexDialect::XPath);
  REQUIRE(other);
  CHECK(other->get() != a->get());
}
