// HttpClient: the HTTP/1.1 client the http, hr and eservice connectors share (Boost.Beast over
// Asio, TLS by OpenSSL). Keeps idle connections per scheme://host:port for reuse; each call is
// bounded by its deadline (connect, TLS handshake, write and read together). Thread-safe: any
// number of connector threads may call send() at once, each on its own connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/settings.hpp"
#include "elva/result.hpp"

namespace elva::connectors {

struct Url {
  std::string scheme;  // http | https
  std::string host;
  std::string port;
  std::string target;  // path and query, "/" at least
  // Errors: InvalidArgument naming what is wrong.
  static Result<Url> parse(const std::string& text);
  std::string origin() const { return scheme + "://" + host + ":" + port; }
};

// Percent-encodes for a path segment or query value (RFC 3986 unreserved stay as they are).
std::string url_encode(const std::string& text);

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
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

// What went wrong before a response arrived. All are worth retrying except Tls and Request.
struct HttpFailure {
  enum class Kind { Connect, Timeout, Tls, Protocol, Request } kind = Kind::Connect;
  std::string message;  // says what the peer did: "connection refused by 127.0.0.1:9", ...
  bool permanent() const { return kind == Kind::Tls || kind == Kind::Request; }  // retrying cannot help
};

struct HttpClientOptions {
  bool verify_tls = true;        // certificate chain and host name
  std::string ca_file;           // extra trusted CA certificates (PEM); the system's are trusted too
  std::size_t max_body = 16u << 20;
  int max_idle_per_origin = 256;  // at least --workers: a busy worker pool keeps its connections
  std::string user_agent = "Elva";
};

// verify_tls and ca_file from a connector's settings. Errors: InvalidArgument when the CA file
// cannot be used (said when the configuration is read, not at the first call).
Result<HttpClientOptions> http_client_options(const Settings& settings);

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
  Answer send(const HttpRequest& request, std::chrono::system_clock::time_point deadline);

  // Connections opened since start (for benchmarks and tests of reuse).
  std::uint64_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace elva::connectors
