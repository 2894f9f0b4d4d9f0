// The HTTP server's one-place rules (docs/security.md#http-server-and-logins): the path rule,
// the JSON media type, durations of token lifetimes, the problem mapper, and the connection
// slots of HttpServer over real sockets on 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

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
    "problem mapper: a 5xx shows a correlation id, never its message, and the log gets it without "
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

// --- Connection slots, over real sockets on 127.0.0.1 ---------------------------------------

namespace {

int connect_to(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// What the server sent until it closed or `ms` passed ("" when nothing).
std::string read_all(int fd, int ms) {
  std::string out;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          until - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return out;
    char buf[4096];
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return out + (out.empty() ? "<closed>" : "");
    out.append(buf, static_cast<std::size_t>(n));
  }
}

void send_text(int fd, const std::string& text) {
  REQUIRE(::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
}

const std::string kGet = "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

}  // namespace

TEST_CASE(
    "connection slots: idle sockets make room at the per-client ceiling, and 503 comes only when "
    "every slot "
    "is answering") {
  std::atomic<bool> release{false};
  ServerOptions o;
  o.port = 0;
  o.workers = 2;
  o.max_connections = 8;
  o.max_connections_per_client = 4;
  o.header_timeout_ms = 3000;
  HttpServer server(o, [&](const Request& req, int) {
    while (req.path == "/slow" && !release)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Response r;
    r.body = "{}";
    return r;
  });
  std::string error;
  REQUIRE(server.start(error));

  // Ten idle sockets from one address, then a request: it is answered, and at most four of the
  // idle ones (the ceiling) are still open.
  std::vector<int> idle;
  for (int i = 0; i < 10; ++i) idle.push_back(connect_to(server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int client = connect_to(server.port());
  send_text(client, kGet);
  const std::string answer = read_all(client, 2000);
  CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(answer.find("X-Frame-Options: DENY") != std::string::npos);
  CHECK(answer.find("Cache-Control: no-store") != std::string::npos);
  int closed = 0;
  for (int fd : idle) closed += read_all(fd, 200) == "<closed>";
  CHECK(closed >= 10 - 4 + 1 - 1);  // room for the newcomer came from the oldest idle ones
  for (int fd : idle) ::close(fd);
  ::close(client);

  // Four connections whose requests are being answered (two run, two wait for a worker) hold
  // every slot of the address: a fifth gets 503 at once, and the four are answered.
  std::vector<int> busy;
  for (int i = 0; i < 4; ++i) {
    busy.push_back(connect_to(server.port()));
    send_text(busy.back(), "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int late = connect_to(server.port());
  send_text(late, kGet);
  CHECK(read_all(late, 2000).rfind("HTTP/1.1 503", 0) == 0);
  ::close(late);
  release = true;
  for (int fd : busy) {
    CHECK(read_all(fd, 3000).rfind("HTTP/1.1 200", 0) == 0);
    ::close(fd);
  }

  // A head sent a byte at a time is cut off at the head deadline.
  const int slow = connect_to(server.port());
  const auto t0 = std::chrono::steady_clock::now();
  send_text(slow, "GET /x HTTP/1.1\r\n");
  std::string got;
  while (got.empty() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) {
    ::send(slow, "X", 1, MSG_NOSIGNAL);
    got = read_all(slow, 300);
  }
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  CHECK(got == "<closed>");
  CHECK(took >= 2500);
  CHECK(took < 8000);
  ::close(slow);
  server.stop();
}

TEST_CASE("log lines: quoted values and control characters go, the words stay, ids differ") {
  CHECK(loggable("there is no user 'anna' in \"kil\"") == "there is no user '…' in \"…\"");
  CHECK(loggable("invalid input: \"unterminated secret") == "invalid input: \"…");
  CHECK(loggable("a\r\nb\x01"
                 "c") == "abc");
  CHECK(loggable(std::string(1000, 'x')).size() < 310);
  CHECK(correlation_id() != correlation_id());
}
