// HttpServer: a small HTTP/1.1 server over Boost.Beast (listener / session, as in Beast's
// examples). Sockets and timers run on I/O threads; handlers run on a worker pool, so a slow
// database call never stalls reading or writing other connections. Limits protect it: request
// body and header sizes, a deadline to send a request, an idle keep-alive deadline, and a
// ceiling on open connections (beyond it a client gets 503 at once).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace elva::server {

struct Request {
  std::string method;   // GET, POST, ...
  std::string target;   // path and query as sent
  std::string path;     // decoded path without the query
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
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
};

// Runs on a worker thread. `worker` is the index of the worker (0 .. workers-1), so that each
// can keep its own database connection.
using Handler = std::function<Response(const Request&, int worker)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;       // 0: any free port (see HttpServer::port())
  int io_threads = 1;
  int workers = 4;
  std::size_t body_limit = 4u << 20;    // bytes; larger bodies get 413
  std::size_t header_limit = 16u << 10; // bytes; larger headers get 431
  int request_timeout_ms = 10'000;      // to send a whole request once it started
  int idle_timeout_ms = 30'000;         // keep-alive connection without a request
  int max_connections = 512;
  std::function<void(const std::string&)> log;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the threads. Errors: a message naming the address (in use, no permission).
  bool start(std::string& error);
  unsigned short port() const;
  // Stops accepting, closes connections, joins the threads.
  void stop();

  struct Impl;  // http_server.cpp (its sessions use it)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace elva::server
