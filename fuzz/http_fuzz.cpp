// libFuzzer entry: any bytes sent to Elva's HTTP server over a real socket on 127.0.0.1, as a
// client would send them (one or more requests, pipelined, cut anywhere). The handler runs the
// routes' shared request checks (JSON body under Elva's limits, typed variables, field checks,
// ISO 8601 durations, ETags, the problem+json mapper) and echoes request values into response
// headers, so the server's one response rule (no CR, LF or NUL in a header) is fuzzed too; and
// multipart/form-data bodies (Camunda Modeler's deployments) are taken apart.
// What must hold: the server never crashes, and every answer it sends is well-formed HTTP/1.1
// whose header lines are each one `token: value` line.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "elva/json_limits.hpp"
#include "server/http_server.hpp"
#include "server/multipart.hpp"
#include "server/routes/route.hpp"

namespace {

using elva::server::Request;
using elva::server::Response;

// What the REST routes do with a request before they reach the engine.
Response handle(const Request& req) {
  const auto parts = elva::server::split_path(req.path);
  const std::string first = parts.empty() ? "" : parts[0];
  if (first == "json") {
    elva::JsonLimits limits;
    limits.max_bytes = req.body.size();
    limits.max_string_bytes = 4096;
    limits.max_values = 20'000;
    auto body = elva::parse_json(req.body, limits, "the body");
    if (!body) return elva::server::problem_of(body.error(), req.path);
    if (!body->is_object())
      return elva::server::problem(400, "the body must be a JSON object", req.path);
    auto vars = elva::server::api_variables(*body);
    if (!vars) return elva::server::problem_of(vars.error(), req.path);
    auto name = elva::server::text_field(*body, "name", false);
    if (!name) return elva::server::problem_of(name.error(), req.path);
    auto n = elva::server::int_field(*body, "n", 0);
    if (!n) return elva::server::problem_of(n.error(), req.path);
    auto ttl = elva::server::duration_ms(elva::server::text_or(*body, "ttl"), "ttl");
    nlohmann::json out = {
        {"variables", *vars}, {"name", *name}, {"n", *n}, {"ttl", ttl ? *ttl : -1}};
    auto r = elva::server::ok(out);
    const auto tag = elva::server::body_etag(r.body);
    return elva::server::with_etag(req, std::move(r), tag);
  }
  if (first == "multipart") {
    // As Camunda Modeler's deployment (routes/modeler_routes.cpp): the parts by name, a file's
    // name echoed into a header as a download would.
    auto form = elva::server::parse_multipart(req.header("content-type"), req.body);
    if (!form) return elva::server::problem_of(form.error(), req.path);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& part : *form) {
      out.push_back({{"name", part.name},
                     {"filename", part.filename},
                     {"type", part.content_type},
                     {"bytes", part.body.size()}});
    }
    Response r = elva::server::ok(out);
    if (!form->empty())
      r.headers["Content-Disposition"] = "attachment; filename=" + (*form)[0].filename;
    return r;
  }
  // Request values (decoded from the target, or header values) end up in response headers, as
  // an attachment's content type or a receipt does in the real routes.
  Response r = elva::server::ok(nlohmann::json{{"path", req.path}}, 200);
  if (auto it = req.query.find("type"); it != req.query.end()) r.content_type = it->second;
  if (auto it = req.query.find("header"); it != req.query.end()) r.headers[it->second] = "x";
  r.headers["X-Echo"] = req.header("x-echo");
  if (parts.size() > 1) r.headers["Location"] = "/" + parts[1];
  return r;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) &&
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  }
  return true;
}

[[noreturn]] void broken(const char* what, std::string_view answer) {
  std::fprintf(stderr, "http_fuzz: %s in the answer:\n%.*s\n", what,
               static_cast<int>(std::min<std::size_t>(answer.size(), 2000)), answer.data());
  std::abort();
}

// Every answer: a status line, header lines that are `token: value` without control characters,
// an empty line, then Content-Length bytes of body (the server always sets it).
void check_answers(std::string_view all) {
  while (!all.empty()) {
    const auto end = all.find("\r\n\r\n");
    if (end == std::string_view::npos) broken("an answer without the end of its header", all);
    const std::string_view head = all.substr(0, end);
    std::size_t pos = head.find("\r\n");
    const std::string_view status = head.substr(0, pos);
    if (status.size() < 12 || status.substr(0, 7) != "HTTP/1." || status[8] != ' ')
      broken("a bad status line", all);
    std::size_t length = 0;
    bool has_length = false;
    while (pos != std::string_view::npos) {
      const std::size_t start = pos + 2;
      pos = head.find("\r\n", start);
      const std::string_view line =
          head.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
        broken("a header line that is not `name: value`", all);
      for (unsigned char c : line.substr(colon + 1)) {
        if ((c < 0x20 && c != '\t') || c == 0x7f)
          broken("a control character in a header value", all);
      }
      std::string name(line.substr(0, colon));
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "content-length") {
        length = std::strtoull(std::string(line.substr(colon + 1)).c_str(), nullptr, 10);
        has_length = true;
      }
    }
    const int code = std::atoi(std::string(status.substr(9, 3)).c_str());
    if (!has_length && code != 204 && code != 304) broken("an answer without Content-Length", all);
    if (all.size() < end + 4 + length) broken("an answer shorter than its Content-Length", all);
    all.remove_prefix(end + 4 + length);
  }
}

struct Fixture {
  std::unique_ptr<elva::server::HttpServer> server;
  unsigned short port = 0;
  Fixture() {
    elva::server::ServerOptions o;
    o.port = 0;
    o.workers = 1;
    o.body_limit = 64u << 10;
    o.header_limit = 8u << 10;
    o.request_timeout_ms = 2'000;
    o.idle_timeout_ms = 2'000;
    o.max_connections = 16;
    o.log = [](const std::string&) {};
    server = std::make_unique<elva::server::HttpServer>(
        o, [](const Request& r, int) { return handle(r); });
    std::string error;
    if (!server->start(error)) {
      std::fprintf(stderr, "http_fuzz: the server did not start: %s\n", error.c_str());
      std::abort();
    }
    port = server->port();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(fixture.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};  // past the server's own deadlines: a request it never answers ends here
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return 0;
  }
  std::size_t sent = 0;
  while (sent < size) {
    const auto n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (a refused request): that is allowed
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answers;
  char buf[16384];
  for (;;) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answers.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  check_answers(answers);
  return 0;
}
