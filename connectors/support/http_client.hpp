// HttpClient: the HTTP/1.1 client the http, hr and eservice connectors share (Boost.Beast over
// Asio, TLS by OpenSSL). Keeps idle connections per scheme://host:port for reuse; each call is
// bounded by its deadline (name lookup, connect, TLS handshake, write and read together). Calls
// are coroutines on the client's own I/O thread (support/io.hpp): any number may be in flight
// at once, each on its own connection, without a thread each.
// Every request passes the same checks in send() before anything is written: the URL is parsed
// strictly (url.hpp), the connector's EgressPolicy admits it and, after DNS, the address, and
// every header name and value is valid RFC 9110 (http_fields.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "elva/result.hpp"
#include "support/egress.hpp"
#include "support/io.hpp"
#include "support/settings.hpp"
#include "support/url.hpp"

namespace elva::connectors {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  // The connector's credentials (Authorization) and the headers of its settings: sent before
  // `headers`, and only when the URL is under the connector's base URL
  // (EgressPolicy::carries_credentials).
  std::vector<std::pair<std::string, std::string>> origin_headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(const std::string& name) const;  // case-insensitive; "" when absent
  // A passing fault worth another try: 408, 429, 5xx. Other 4xx will not change by retrying.
  bool retryable() const { return status >= 500 || status == 408 || status == 429; }
};

// What went wrong before a response arrived. All are worth retrying except Tls and Request
// (a request Elva refuses to send: a URL, header or address its rules do not allow).
struct HttpFailure {
  enum class Kind { Connect, Timeout, Tls, Protocol, Request } kind = Kind::Connect;
  std::string message;  // says what the peer did: "connection refused by 127.0.0.1:9", ...
  bool permanent() const {
    return kind == Kind::Tls || kind == Kind::Request;
  }  // retrying cannot help
};

struct HttpClientOptions {
  bool verify_tls = true;  // certificate chain and host name
  std::string ca_file;     // extra trusted CA certificates (PEM); the system's are trusted too
  std::size_t max_body = 16u << 20;
  int max_idle_per_origin = 256;  // at least --workers: a busy worker pool keeps its connections
  std::string user_agent = "Elva";
  EgressPolicy egress;  // where calls may go; default: anywhere
};

// verify_tls, ca_file and the EgressPolicy (home_key: the setting with the connector's base
// URL) from a connector's settings. Errors: InvalidArgument when the CA file cannot be used or
// a policy setting is wrong (said when the configuration is read, not at the first call).
Result<HttpClientOptions> http_client_options(const Settings& settings,
                                              const std::string& home_key);

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One exchange; a reused connection that turns out closed is retried once on a new one.
  struct Answer {
    bool ok = false;
    HttpResponse response;  // ok
    HttpFailure failure;    // !ok
  };
  // In a coroutine on io() (a connector's call).
  boost::asio::awaitable<Answer> co_send(HttpRequest request,
                                         std::chrono::system_clock::time_point deadline);
  // `done` runs on the I/O thread.
  void async_send(HttpRequest request, std::chrono::system_clock::time_point deadline,
                  std::function<void(Answer)> done);
  // Waits for the answer: for callers on other threads only (never on io()).
  Answer send(const HttpRequest& request, std::chrono::system_clock::time_point deadline);

  IoThread& io();

  const EgressPolicy& egress() const;

  // Connections opened since start (for benchmarks and tests of reuse).
  std::uint64_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace elva::connectors
