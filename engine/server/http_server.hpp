// HttpServer: a small HTTP/1.1 server over Boost.Beast (listener / session, as in Beast's
// examples). Sockets and timers run on I/O threads; handlers run on a worker pool, so a slow
// database call never stalls reading or writing other connections. Limits protect it
// (docs/security.md#http-server-and-logins): request body and header sizes, a deadline for the
// request head and one for the whole request, an idle keep-alive deadline, and a ceiling on
// open connections, overall and per client address. A connection that is not being answered
// is a slot that can be taken back: at a ceiling, the longest waiting one goes (of that
// address first, anonymous before those that carried accepted credentials), so idle sockets
// and slowloris heads cannot lock others out; only when every slot is busy answering does a
// new client get 503 at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace elva::server {

struct Request {
  std::string method;                          // GET, POST, ...
  std::string target;                          // path and query as sent
  std::string path;                            // decoded path without the query
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string remote_address;  // the client's IP address (the peer of the TCP connection)
  std::string header(const std::string& lower_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  std::string body;
  // Long polling: when > 0, the server calls the handler again after this many ms (without
  // holding a worker meanwhile) until it answers without retry or `retry_until_ms` passes;
  // then this response is sent.
  std::int64_t retry_in_ms = 0;
  std::int64_t retry_until_ms = 0;
  // The request carried credentials the handler accepted: its connection is kept before
  // anonymous ones at a connection ceiling, and its next requests go to the workers first.
  bool authenticated = false;
};

// Runs on a worker thread. `worker` is the index of the worker (0 .. workers-1), so that each
// can keep its own database connection.
using Handler = std::function<Response(const Request&, int worker)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see HttpServer::port())
  int io_threads = 1;
  int workers = 4;
  std::size_t body_limit = 4u << 20;     // bytes; larger bodies get 413
  std::size_t header_limit = 16u << 10;  // bytes; larger headers get 431
  int header_timeout_ms = 5'000;         // to send the request line and headers once they started
                                         // (a new connection: from its accept)
  int request_timeout_ms = 10'000;       // to send a whole request once it started
  int idle_timeout_ms = 30'000;          // keep-alive connection without a request
  int max_connections = 512;
  int max_connections_per_client = 64;  // open connections of one client address
  std::function<void(const std::string&)> log;
  // TLS: both files, or neither (plain HTTP). See elva::HttpOptions.
  std::string tls_cert_file, tls_key_file;
  std::vector<std::string> trusted_proxies;  // whose X-Forwarded-For is believed
};

// The one rule for request paths (every request passes it before a handler sees it): "" when
// the raw path and its decoded form are fine, else why not (never the path itself). Refused: a
// target that is not a path, a "." or ".." segment once decoded (%2e%2e, or made by %2f), NUL
// and backslashes.
std::string refused_path(const std::string& raw, const std::string& decoded);

// A correlation id for a server error (16 hex digits): in the answer and in the log line, so
// that the administrator finds the cause of what a person reports.
std::string correlation_id();
// A message as the log may keep it: quoted parts ('...' and "...") are values (a user name, a
// variable's text, a statement's parameter) and become '…'; control characters go; at most
// 300 bytes.
std::string loggable(const std::string& message);

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the threads. Errors: a message naming the address (in use, no permission).
  bool start(std::string& error);
  unsigned short port() const;
  // With TLS: reads the certificate and key files again for new connections; on an error keeps
  // the old ones and returns false with `error` naming the file. `served` says what is served
  // now (subject and expiry).
  bool reload_tls(std::string& served, std::string& error);
  // Stops accepting, closes connections, joins the threads.
  void stop();

  struct Impl;  // http_server.cpp (its sessions use it)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace elva::server
