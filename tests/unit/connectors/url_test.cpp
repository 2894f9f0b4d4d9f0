// URLs (connectors/support/url.hpp): strict parsing, encoding of placeholders, joining under a
// base URL; properties over random bytes with a fixed seed, and the known path tricks.
#include "support/url.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>

#include "hostile_input.hpp"

using namespace elva;
using connectors::Url;
using nlohmann::json;

namespace {

bool only_uri_chars(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || (c != 0 && std::strchr("-._~!$&'()*+,;=:@/?%[]", c) != nullptr);
  });
}

// The test's own model of what a server that decodes everything makes of a path.
std::string decoded_and_resolved(std::string p) {
  for (int i = 0; i < 10; ++i) {
    std::string d = connectors::percent_decode(p);
    if (d == p) break;
    p = d;
  }
  std::replace(p.begin(), p.end(), '\\', '/');
  std::vector<std::string> stack;
  std::size_t start = 1;
  while (start <= p.size()) {
    auto slash = p.find('/', start);
    std::string seg =
        p.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg == "..") {
      if (!stack.empty()) stack.pop_back();
    } else if (seg != ".") {
      stack.push_back(seg);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& s : stack) out += "/" + s;
  return out.empty() ? "/" : out;
}

}  // namespace

TEST_CASE("URLs are split into scheme host port and target with clear refusals",
          "[connectors][url]") {
  auto u = Url::parse("https://hr.kommun.se/scim/v2/Users?filter=x");
  REQUIRE(u);
  CHECK(u->host == "hr.kommun.se");
  CHECK(u->port == "443");
  CHECK(u->target == "/scim/v2/Users?filter=x");
  CHECK(Url::parse("http://[::1]:8080")->host == "::1");
  CHECK(Url::parse("http://[::1]:8080")->text() == "http://[::1]:8080/");
  CHECK(Url::parse("http://a.b")->target == "/");
  CHECK(Url::parse("HTTP://A.B:0080/x#frag")->text() == "http://a.b/x");
  CHECK(Url::parse("ftp://x").error().message.find("other than http and https") !=
        std::string::npos);
  CHECK(Url::parse("http://user:pw@x/").error().message.find("credentials") != std::string::npos);
  CHECK(Url::parse("x/y").error().message.find("not absolute") != std::string::npos);
  CHECK(Url::parse("http://x:99999/").error().message.find("port") != std::string::npos);
  CHECK(Url::parse("http://ex ample.org/").error().message.find("host") != std::string::npos);
  CHECK(Url::parse("http://[zz]/").error().message.find("IPv6") != std::string::npos);
  CHECK(connectors::url_encode("Grävtillstånd 1/2") == "Gr%C3%A4vtillst%C3%A5nd%201%2F2");
}

TEST_CASE("a URL with CR LF NUL or a backslash is refused and its text is never quoted",
          "[connectors][url]") {
  const std::vector<std::string> hostile{"http://h/x\r\nHost: evil",
                                         "http://h/x\nX: 1",
                                         std::string("http://h/\0x", 11),
                                         "http://h/a\\b",
                                         "http://h\\@evil/",
                                         "http://h/%zz",
                                         "http://h/%4"};
  for (const auto& text : hostile) {
    auto u = Url::parse(text);
    REQUIRE_FALSE(u);
    CHECK(u.error().message.find("http://h") == std::string::npos);
  }
  // Spaces, non-ASCII and the unsafe ASCII characters are encoded instead.
  CHECK(Url::parse("http://h/a b/å\"<>^`{|}?q=a b")->target ==
        "/a%20b/%C3%A5%22%3C%3E%5E%60%7B%7C%7D?q=a%20b");
}

TEST_CASE(
    "property: any bytes either fail to parse or give a URL of URI characters that parses to "
    "itself",
    "[connectors][url][property]") {
  test::HostileBytes gen;
  int parsed = 0;
  for (int i = 0; i < test::kIterations; ++i) {
    const std::string text = (i % 3 == 0   ? ""
                              : i % 3 == 1 ? "http://h.example"
                                           : "https://h.example/") +
                             gen.next();
    auto u = Url::parse(text);
    if (!u) continue;
    ++parsed;
    const std::string out = u->text();
    INFO("case " << i);
    REQUIRE(only_uri_chars(out));
    REQUIRE(out.find_first_of(std::string("\r\n\0 \t\\", 6)) == std::string::npos);
    auto again = Url::parse(out);
    REQUIRE(again);
    REQUIRE(again->text() == out);
  }
  CHECK(parsed > test::kIterations / 20);  // the property was exercised, not only refusals
}

TEST_CASE(
    "property: url_encode round-trips any bytes and writes unreserved characters and escapes only",
    "[connectors][url][property]") {
  test::HostileBytes gen;
  for (int i = 0; i < test::kIterations; ++i) {
    const std::string v = gen.next();
    const std::string e = connectors::url_encode(v);
    REQUIRE(e.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%") ==
            std::string::npos);
    REQUIRE(connectors::percent_decode(e) == v);
  }
}

TEST_CASE("property: a placeholder value stays one path segment or one query value, or is refused",
          "[connectors][url][property]") {
  test::HostileBytes gen;
  int refused = 0;
  for (int i = 0; i < test::kIterations; ++i) {
    const std::string id = gen.next(), q = gen.next();
    auto filled =
        connectors::fill_placeholders("items/{id}?q={q}", json::object(), {{"id", id}, {"q", q}});
    if (!filled) {
      ++refused;
      REQUIRE(connectors::holds_dot_segment(id));
      REQUIRE(filled.error().message.find("{id}") != std::string::npos);
      continue;
    }
    const auto slash = filled->find('/'), question = filled->find('?');
    REQUIRE(std::count(filled->begin(), filled->end(), '/') == 1);
    REQUIRE(std::count(filled->begin(), filled->end(), '?') == 1);
    REQUIRE(filled->find_first_of("#\r\n@:\\") == std::string::npos);
    REQUIRE(connectors::percent_decode(filled->substr(slash + 1, question - slash - 1)) == id);
    REQUIRE(connectors::percent_decode(filled->substr(question + 3)) == q);
  }
  CHECK(refused > 0);
}

TEST_CASE(
    "placeholders: dot segments in the path are refused, naming the placeholder and not the value",
    "[connectors][url]") {
  for (const char* v :
       {"..", ".", "../../admin", "a/../../b", "%2e%2e", "%252e%252e", "..\\admin", "..%5cadmin"}) {
    auto f = connectors::fill_placeholders("persons/{id}", json::object(), {{"id", v}});
    REQUIRE_FALSE(f);
    CHECK(f.error().message.find("{id}") != std::string::npos);
    CHECK(f.error().message.find("admin") == std::string::npos);
  }
  CHECK(*connectors::fill_placeholders("persons/{id}", {{"id", 19121212}}, json::object()) ==
        "persons/19121212");
  CHECK(*connectors::fill_placeholders("find?name={n}", json::object(), {{"n", ".."}}) ==
        "find?name=..");  // harmless in a query
  CHECK(connectors::fill_placeholders("persons/{id}", json::object(), json::object())
            .error()
            .message.find("needs {id}") != std::string::npos);
}

TEST_CASE("joining under base_url: the known path tricks do not leave it", "[connectors][url]") {
  const auto base = *Url::parse("https://api.example.org/v1");
  for (const char* escape :
       {"../../admin", "../admin", "..", "%2e%2e/admin", "%2E%2E/%2e%2e/admin", ".%2e/admin",
        "%252e%252e/admin", "..%2fadmin", "..%2Fadmin", "..%5cadmin", "items/..%2f..%2f..%2fadmin",
        "./../admin", "items/../../admin"}) {
    INFO(escape);
    auto u = connectors::join_under(base, escape);
    REQUIRE_FALSE(u);
    CHECK(u.error().message.find("admin") == std::string::npos);
  }
  CHECK_FALSE(connectors::join_under(base, "..\\admin"));  // a backslash is refused outright
  CHECK_FALSE(connectors::join_under(base, "https://evil.example/"));  // absolute
  for (const char* fine : {"items/42", "/items/42", "?q=1", "", "items/a%20b", "items/./42",
                           "a/../items", "//evil.example/x", "@evil.example"}) {
    INFO(fine);
    auto u = connectors::join_under(base, fine);
    REQUIRE(u);
    CHECK(u->host == "api.example.org");
    CHECK(u->under(base));
  }
  CHECK(connectors::join_under(base, "items/./42")->text() ==
        "https://api.example.org/v1/items/42");
  CHECK(connectors::join_under(base, "@evil.example")->text() ==
        "https://api.example.org/v1/@evil.example");
  CHECK_FALSE(Url::parse("https://api.example.org/v1x")->under(base));
  CHECK_FALSE(Url::parse("https://api.example.org.evil.example/v1")->under(base));
  CHECK_FALSE(Url::parse("http://api.example.org/v1")->under(base));
  CHECK_FALSE(Url::parse("https://api.example.org:8443/v1")->under(base));
}

TEST_CASE(
    "property: whatever the reference, a joined URL judged under base_url stays under it for a "
    "decoding server",
    "[connectors][url][property]") {
  const auto base = *Url::parse("https://api.example.org/v1/cases");
  test::HostileBytes gen;
  int under = 0, out = 0;
  for (int i = 0; i < test::kIterations; ++i) {
    const std::string ref = gen.next(24);
    auto u = connectors::join_under(base, ref);
    if (!u) {
      out += u.error().message.find("leaves the base URL") != std::string::npos;
      continue;
    }
    REQUIRE(u->host == "api.example.org");
    REQUIRE(u->port == "443");
    REQUIRE(u->under(base));
    ++under;
    const std::string seen = decoded_and_resolved(u->path());
    INFO("case " << i << ": " << u->text());
    REQUIRE((seen == "/v1/cases" || seen.rfind("/v1/cases/", 0) == 0));
    REQUIRE((u->path() == "/v1/cases" || u->path().rfind("/v1/cases/", 0) == 0));
  }
  CHECK(under > 1000);
  CHECK(out > 20);
}
