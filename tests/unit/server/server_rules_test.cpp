// The HTTP server's one-place rules (docs/security.md#http-server-and-logins): the path rule,
// the JSON media type, durations of token lifetimes and the problem mapper.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "server/http_server.hpp"
#include "server/routes/route.hpp"

using namespace elva;
using namespace elva::server;

namespace {

// Percent-decoding as the server does it for paths (every escape, '+' kept).
std::string decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool refused(const std::string& raw) { return !refused_path(raw, decode(raw)).empty(); }

}  // namespace

TEST_CASE("paths: dot segments are refused however they are written, other paths pass") {
  for (const char* bad : {"/t/../x", "/t/%2e%2e/x", "/t/%2E%2e/x", "/t/.%2e/x", "/t/x/..", "/t/x/.",
                          "/./api", "/api/..%2fadmin", "/api/a%2f..%2fb", "/api/%00", "/api/a%5cb",
                          "/api/a\\b", "x/api", "", "*"}) {
    INFO(bad);
    CHECK(refused(bad));
  }
  for (const char* good : {"/", "/api/health", "/t/kil/api/tasks", "/tasklist/", "/api/files/a.b",
                           "/api/x/...", "/api/.well", "/api/%2e%2e%2e", "/api/a..b", "/api/%41"}) {
    INFO(good);
    CHECK_FALSE(refused(good));
  }
  // Property: a path of random segments built from dots, escapes and slashes is refused exactly
  // when one of its decoded segments is "." or "..".
  std::mt19937 rng(22);
  const char* pieces[] = {".", "..", "%2e", "%2E", "%2f", "/", "a", "b", "%41", "..."};
  for (int n = 0; n < 20000; ++n) {
    std::string raw = "/";
    const int parts = 1 + static_cast<int>(rng() % 6);
    for (int p = 0; p < parts; ++p) raw += pieces[rng() % std::size(pieces)];
    const std::string decoded = decode(raw);
    bool dot = false;
    std::size_t start = 1;
    while (start <= decoded.size()) {
      auto end = decoded.find('/', start);
      if (end == std::string::npos) end = decoded.size();
      const auto segment = decoded.substr(start, end - start);
      dot = dot || segment == "." || segment == "..";
      start = end + 1;
    }
    INFO(raw);
    REQUIRE(refused(raw) == dot);
  }
}

TEST_CASE("media type: application/json with parameters, nothing else") {
  for (const char* yes :
       {"application/json", "application/json; charset=utf-8", "APPLICATION/JSON;charset=UTF-8",
        "application/json ;charset=\"utf-8\"", "application/json;", "application/json; a=b; c=d"}) {
    INFO(yes);
    CHECK(is_json_media_type(yes));
  }
  for (const char* no :
       {"", "application/jsonp", "application/json-seq", "application/jsonx", "text/json",
        "application/json garbage", "application/json; charset", "application/json; =x",
        "application/json; a=\"open", "application/*", "json", "application/x-www-form-urlencoded",
        "application/json\r\nX: y", "application/problem+json"}) {
    INFO(no);
    CHECK_FALSE(is_json_media_type(no));
  }
}

TEST_CASE("durations of lifetimes: positive, at most 1000 years, field errors") {
  CHECK(*duration_ms("PT1H", "ttl") == 3'600'000);
  CHECK(*duration_ms("P90D", "ttl") == 90LL * 86'400'000);
  for (const char* bad :
       {"PT0S", "P0D", "P0Y", "PT0.000S", "P1001Y", "P99999999Y", "P9999999999999999999Y",
        "PT99999999999999999999S", "P400000D", "nonsense", "", "P"}) {
    INFO(bad);
    auto r = duration_ms(bad, "ttl");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::InvalidArgument);
    bool field = false;
    for (const auto& [k, v] : r.error().context) field = field || k == "field.ttl";
    CHECK(field);
  }
}

TEST_CASE(
    "problem mapper: a 5xx shows a correlation id, never its message; the log gets it without "
    "values") {
  std::string logged;
  auto log = [&](const std::string& line) { logged += line + "\n"; };
  const Error sql{Errc::Internal,
                  "the database refused a statement: ERROR:  relation \"incidents\" does not exist",
                  {}};
  Response r = problem_of(sql, "/api/incidents", log);
  CHECK(r.status == 500);
  const auto body = nlohmann::json::parse(r.body);
  const std::string id = body["correlationId"];
  CHECK(id.size() == 16);
  CHECK(body["detail"].get<std::string>().find(id) != std::string::npos);
  CHECK(r.body.find("does not exist") == std::string::npos);  // ("correlationId" holds "relation")
  CHECK(r.body.find("incidents\\\"") == std::string::npos);
  CHECK(logged.find(id) != std::string::npos);
  CHECK(logged.find("\"incidents\"") == std::string::npos);
  CHECK(logged.find("relation") != std::string::npos);  // the cause, without its values

  const Error away{Errc::StoreUnavailable,
                   "cannot reach the database postgresql://elva:***@db.internal/elva: refused",
                   {}};
  r = problem_of(away, "/api/health", log);
  CHECK(r.status == 503);
  CHECK(r.body.find("db.internal") == std::string::npos);
  CHECK(r.body.find("postgresql") == std::string::npos);

  // Errors made for the client keep their words; retry-after becomes the header.
  Error wait = with_status(Errc::Unauthenticated, "too many failed logins; wait", 429);
  wait.with("retry-after", "4");
  r = problem_of(wait, "/api/login", log);
  CHECK(r.status == 429);
  CHECK(r.headers["Retry-After"] == "4");
  CHECK(nlohmann::json::parse(r.body)["title"] == "Too Many Requests");
  Error field{Errc::InvalidArgument, "ttl must be longer than zero", {}};
  field.with("field.ttl", "ttl must be longer than zero");
  r = problem_of(field, "/api/tokens");
  CHECK(r.status == 400);
  CHECK(nlohmann::json::parse(r.body)["errors"][0]["field"] == "ttl");
}
