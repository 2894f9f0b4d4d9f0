// What the HTTP client lets out (common/http_client.hpp, http_fields.hpp, egress.hpp): header
// names and values (RFC 9110), where a call may go, where credentials go, and which addresses
// may be connected to. Refusals need no peer (nothing is sent); what is sent is read back as raw
// bytes by small TCP peers on 127.0.0.1.
#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "hostile_input.hpp"
#include "support/egress.hpp"
#include "support/http_fields.hpp"

using namespace elva;
using connectors::EgressPolicy;
using connectors::HttpClient;
using connectors::HttpFailure;
using connectors::HttpRequest;
using connectors::Settings;
using connectors::Url;
using nlohmann::json;
namespace ip = boost::asio::ip;

namespace {

Settings settings(json values) {
  return Settings{"api", std::move(values), json::object(), "elva.toml [connectors.api]"};
}

HttpClient client(json values, const std::string& home_key = "base_url") {
  auto o = connectors::http_client_options(settings(std::move(values)), home_key);
  REQUIRE(o);
  return HttpClient(std::move(*o));
}

auto soon() { return std::chrono::system_clock::now() + std::chrono::seconds(2); }

// A TCP peer that keeps the raw bytes of each request and answers 200 with no body.
class RawPeer {
 public:
  RawPeer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RawPeer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string raw;
      char buf[4096];
      while (raw.find("\r\n\r\n") == std::string::npos) {
        const auto n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(raw);
      }
      const std::string answer =
          "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)::write(c, answer.data(), answer.size());
      ::close(c);
    }
  }
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

std::string header_lines(const std::string& raw) { return raw.substr(0, raw.find("\r\n\r\n")); }

}  // namespace

TEST_CASE("RFC 9110: tokens and field values", "[connectors][http]") {
  CHECK(connectors::is_token("X-Case-Id"));
  CHECK(connectors::is_token("!#$%&'*+-.^_`|~09azAZ"));
  for (const char* bad : {"", "X Case", "X:Case", "X\r\nY", "Å", "(x)", "a/b"})
    CHECK_FALSE(connectors::is_token(bad));
  CHECK_FALSE(connectors::is_token(std::string("a\0b", 3)));
  CHECK(connectors::is_field_value("application/json; charset=utf-8"));
  CHECK(connectors::is_field_value("Grävtillstånd\t1"));  // obs-text and an inner tab are allowed
  CHECK(connectors::is_field_value(""));
  for (const char* bad : {"a\r\nX-Injected: 1", "a\nb", "a\rb", "\x7f", " lead", "trail\t"})
    CHECK_FALSE(connectors::is_field_value(bad));
  CHECK_FALSE(connectors::is_field_value(std::string("a\0b", 3)));
  CHECK(connectors::is_framing_header("Content-Length"));
  CHECK(connectors::is_framing_header("host"));
  CHECK_FALSE(connectors::is_framing_header("X-Host"));
}

TEST_CASE("property: a header with CR, LF or NUL in its name or value is never sent",
          "[connectors][http][property]") {
  auto c = client(json::object());
  test::HostileBytes gen;
  int refused = 0;
  for (int i = 0; i < test::kIterations / 4; ++i) {
    HttpRequest req;
    req.url = "http://127.0.0.1:9/";  // the discard port: nothing listens; a refusal comes first
    const std::string name = i % 2 ? gen.next(12) : "X-Case", value = gen.next();
    req.headers.emplace_back(name, value);
    const bool hostile = name.find_first_of(std::string("\r\n\0", 3)) != std::string::npos ||
                         value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos;
    if (!hostile) continue;
    auto a = c.send(req, soon());
    INFO("case " << i);
    REQUIRE_FALSE(a.ok);
    REQUIRE(a.failure.kind == HttpFailure::Kind::Request);
    REQUIRE(a.failure.permanent());
    if (value.size() > 2) REQUIRE(a.failure.message.find(value) == std::string::npos);
    ++refused;
  }
  CHECK(refused > 1000);
}

TEST_CASE("a task cannot set the headers that frame the request, nor send a CR/LF URL or method",
          "[connectors][http]") {
  auto c = client(json::object());
  for (const char* framing : {"Host", "Content-Length", "transfer-encoding", "Connection"}) {
    HttpRequest req;
    req.url = "http://127.0.0.1:9/";
    req.headers.emplace_back(framing, "x");
    auto a = c.send(req, soon());
    CHECK(a.failure.kind == HttpFailure::Kind::Request);
    CHECK(a.failure.message.find("frames the message") != std::string::npos);
  }
  HttpRequest url;
  url.url = "http://127.0.0.1:9/x HTTP/1.1\r\nHost: evil\r\n\r\nGET /admin";
  CHECK(c.send(url, soon()).failure.kind == HttpFailure::Kind::Request);
  HttpRequest method;
  method.url = "http://127.0.0.1:9/";
  method.method = "GET /admin HTTP/1.1\r\nX:";
  CHECK(c.send(method, soon()).failure.kind == HttpFailure::Kind::Request);
}

TEST_CASE("egress settings are checked when elva.toml is read", "[connectors][egress]") {
  auto bad = [](json v) {
    return EgressPolicy::from_settings(settings(std::move(v)), "base_url").error().message;
  };
  CHECK(bad({{"allowed_hosts", "api.example.org"}})
            .find("allowed_hosts must be a list of host names") != std::string::npos);
  CHECK(bad({{"denied_hosts", {"bad host"}}}).find("denied_hosts: each entry is a host name") !=
        std::string::npos);
  CHECK(bad({{"deny_private", "yes"}}).find("deny_private must be true or false") !=
        std::string::npos);
  CHECK(bad({{"allowed_networks", {"10.0.0.0/33"}}}).find("allowed_networks: the prefix") !=
        std::string::npos);
  CHECK(bad({{"denied_networks", {"ten"}}})
            .find("denied_networks: an address range is an IP address") != std::string::npos);
  CHECK(bad({{"base_url", "https://api.example.org/v1?key=1"}})
            .find("base_url cannot have a query") != std::string::npos);
  CHECK(bad({{"base_url", "api.example.org"}}).find("base_url: the URL is not absolute") !=
        std::string::npos);
}

TEST_CASE("with base_url, calls go under it or to hosts allowed by name, credentials only under it",
          "[connectors][egress]") {
  auto p = *EgressPolicy::from_settings(
      settings({{"base_url", "https://api.example.org/v1"},
                {"allowed_hosts", {"files.example.org", "*.cdn.example"}}}),
      "base_url");
  auto url = [](const char* t) { return *Url::parse(t); };
  CHECK(p.admit(url("https://api.example.org/v1/items/1")));
  CHECK(p.admit(url("https://API.example.org./v1")));
  CHECK(p.admit(url("https://files.example.org/anything")));
  CHECK(p.admit(url("https://a.b.cdn.example/x")));
  CHECK_FALSE(p.admit(url("https://cdn.example/x")));  // "*." is for subdomains
  const auto other = p.admit(url("https://evil.example/v1"));
  REQUIRE_FALSE(other);
  CHECK(other.error().message.find("not in allowed_hosts") != std::string::npos);
  const auto escaped = p.admit(url("https://api.example.org/v1/..%2fadmin"));
  REQUIRE_FALSE(escaped);
  CHECK(escaped.error().message.find(
            "not under base_url https://api.example.org/v1 once its escapes") != std::string::npos);
  CHECK_FALSE(p.admit(url("https://api.example.org/admin")));
  CHECK_FALSE(p.admit(url("http://api.example.org/v1")));  // another origin: scheme
  CHECK(p.carries_credentials(url("https://api.example.org/v1/x")));
  CHECK(p.carries_credentials(url("https://api.example.org/v1")));
  CHECK_FALSE(p.carries_credentials(url("https://files.example.org/x")));
  CHECK_FALSE(p.carries_credentials(url("https://api.example.org:8443/v1")));
  CHECK_FALSE(p.carries_credentials(url("http://api.example.org/v1")));

  // The base URL's host allowed by name: any path may be called, the credentials still only under
  // base_url.
  auto same = *EgressPolicy::from_settings(settings({{"base_url", "https://api.example.org/v1"},
                                                     {"allowed_hosts", {"api.example.org"}}}),
                                           "base_url");
  CHECK(same.admit(url("https://api.example.org/status")));
  CHECK_FALSE(same.carries_credentials(url("https://api.example.org/status")));
  CHECK_FALSE(same.carries_credentials(url("https://api.example.org/v1/..%2fadmin")));

  auto denied = *EgressPolicy::from_settings(
      settings({{"denied_hosts", {"metadata.google.internal"}}}), "base_url");
  CHECK(denied.admit(url("https://any.example/")));
  CHECK(denied.admit(url("https://metadata.google.internal/x"))
            .error()
            .message.find("denied_hosts") != std::string::npos);
  auto only =
      *EgressPolicy::from_settings(settings({{"allowed_hosts", {"api.example.org"}}}), "base_url");
  CHECK(only.admit(url("https://api.example.org/x")));
  CHECK_FALSE(only.admit(url("https://other.example/x")));
}

TEST_CASE("private addresses: loopback RFC 1918 link-local ULA and IPv4 inside IPv6",
          "[connectors][egress]") {
  for (const char* a : {"127.0.0.1",
                        "127.8.9.10",
                        "10.1.2.3",
                        "172.16.0.1",
                        "172.31.255.255",
                        "192.168.1.1",
                        "169.254.169.254",
                        "0.0.0.0",
                        "100.64.0.1",
                        "224.0.0.1",
                        "255.255.255.255",
                        "::1",
                        "::",
                        "fe80::1",
                        "fc00::1",
                        "fd12:3456::1",
                        "ff02::1",
                        "::ffff:127.0.0.1",
                        "::ffff:10.0.0.1",
                        "64:ff9b::7f00:1",
                        "2002:7f00:1::1",
                        "::127.0.0.1"}) {
    INFO(a);
    CHECK(connectors::is_private_address(ip::make_address(a)));
  }
  for (const char* a : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2a00:1450:4001::1",
                        "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
    INFO(a);
    CHECK_FALSE(connectors::is_private_address(ip::make_address(a)));
  }
  auto n = *connectors::Network::parse("10.20.0.0/16");
  CHECK(n.contains(ip::make_address("10.20.255.1")));
  CHECK(n.contains(ip::make_address("::ffff:10.20.0.9")));
  CHECK_FALSE(n.contains(ip::make_address("10.21.0.1")));
  CHECK(connectors::Network::parse("fd00::/8")->contains(ip::make_address("fdab::1")));
  CHECK(connectors::Network::parse("192.0.2.7")->prefix == 32);
}

TEST_CASE(
    "deny_private refuses an address after DNS: a name that resolves to loopback is refused too",
    "[connectors][egress]") {
  auto c = client({{"deny_private", true}});
  for (const char* target :
       {"http://localhost:9/", "http://127.0.0.1:9/", "http://[::1]:9/", "http://0.0.0.0:9/",
        "http://[::ffff:127.0.0.1]:9/", "http://2130706433:9/", "http://127.1:9/"}) {
    INFO(target);
    HttpRequest req;
    req.url = target;
    auto a = c.send(req, soon());
    REQUIRE_FALSE(a.ok);
    if (a.failure.kind == HttpFailure::Kind::Connect &&
        a.failure.message.find("cannot resolve") != std::string::npos)
      continue;
    CHECK(a.failure.kind == HttpFailure::Kind::Request);
    CHECK(a.failure.message.find("deny_private") != std::string::npos);
  }
  // allowed_networks makes an exception; denied_networks adds ranges.
  RawPeer peer;
  auto excepted = client({{"deny_private", true}, {"allowed_networks", {"127.0.0.0/8"}}});
  HttpRequest req;
  req.url = "http://localhost:" + std::to_string(peer.port()) + "/x";
  auto ok = excepted.send(req, soon());
  CHECK(ok.ok);
  auto extra = client({{"denied_networks", {"127.0.0.0/8"}}});
  req.url = "http://127.0.0.1:" + std::to_string(peer.port()) + "/x";
  auto no = extra.send(req, soon());
  CHECK(no.failure.kind == HttpFailure::Kind::Request);
  CHECK(no.failure.message.find("denied_networks") != std::string::npos);
}

TEST_CASE(
    "over real sockets: the token goes under base_url only, and what is written has no injected "
    "line",
    "[connectors][egress][http]") {
  RawPeer home, foreign;
  const std::string base = "http://127.0.0.1:" + std::to_string(home.port()) + "/v1";
  auto c = client({{"base_url", base}, {"allowed_hosts", {"localhost"}}});
  HttpRequest own;
  own.url = base + "/items/1";
  own.origin_headers.emplace_back("Authorization", "Bearer s3cret");
  own.headers.emplace_back("X-Case", "GT-1");
  REQUIRE(c.send(own, soon()).ok);
  HttpRequest away = own;
  away.url = "http://localhost:" + std::to_string(foreign.port()) + "/collect";
  REQUIRE(c.send(away, soon()).ok);  // allowed by name, but not under base_url
  HttpRequest escaped = own;
  escaped.url = base + "/..%2f..%2fadmin";
  CHECK(c.send(escaped, soon()).failure.kind == HttpFailure::Kind::Request);

  REQUIRE(home.requests().size() == 1);
  const std::string at_home = header_lines(home.requests()[0]);
  CHECK(at_home.rfind("GET /v1/items/1 HTTP/1.1\r\n", 0) == 0);
  CHECK(at_home.find("\r\nAuthorization: Bearer s3cret") != std::string::npos);
  CHECK(at_home.find("\r\nX-Case: GT-1") != std::string::npos);
  REQUIRE(foreign.requests().size() == 1);
  const std::string abroad = header_lines(foreign.requests()[0]);
  CHECK(abroad.rfind("GET /collect HTTP/1.1\r\n", 0) == 0);
  CHECK(abroad.find("s3cret") == std::string::npos);
  CHECK(abroad.find("Authorization") == std::string::npos);
  for (const auto& raw : {at_home, abroad}) {
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\r') CHECK(raw.substr(i, 2) == "\r\n");
      if (raw[i] == '\n') CHECK((i > 0 && raw[i - 1] == '\r'));
    }
  }
}
