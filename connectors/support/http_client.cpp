// HttpClient (http_client.hpp). Every call is a coroutine on the client's one I/O thread
// (support/io.hpp); the tcp_stream's expiry is the deadline of each step, and the name lookup
// has the same deadline, so no call waits past it and none holds a thread.
#include "support/http_client.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <future>
#include <map>
#include <mutex>

#include "support/http_fields.hpp"
#include "support/io.hpp"
#include "support/tls.hpp"

namespace elva::connectors {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

struct Conn {
  std::unique_ptr<beast::tcp_stream> tcp;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool reused = false;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// The headers to write, or why the request cannot be sent (HttpFailure::Kind::Request).
std::string checked_headers(const HttpRequest& request, bool with_origin_headers, Headers& out) {
  auto add = [&out](const std::string& name, const std::string& value) -> std::string {
    const std::string v = trim_field_value(value);
    if (auto problem = header_problem(name, v); !problem.empty()) return problem;
    if (is_framing_header(name))
      return "request header " + name + " frames the message; Elva sets it, a task cannot";
    out.emplace_back(name, v);
    return "";
  };
  if (with_origin_headers) {
    for (const auto& [k, v] : request.origin_headers)
      if (auto p = add(k, v); !p.empty()) return p;
  }
  for (const auto& [k, v] : request.headers)
    if (auto p = add(k, v); !p.empty()) return p;
  return "";
}

}  // namespace

Result<HttpClientOptions> http_client_options(const Settings& s, const std::string& home_key) {
  HttpClientOptions o;
  o.verify_tls = s.flag("verify_tls", true);
  o.ca_file = s.text("ca_file");
  ssl::context probe{ssl::context::tls_client};
  if (auto problem = configure_client_tls(probe, o.ca_file, o.verify_tls); !problem.empty())
    return fail(s.error(problem));
  auto egress = EgressPolicy::from_settings(s, home_key);
  if (!egress) return fail(egress.error());
  o.egress = std::move(*egress);
  return o;
}

std::string HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return "";
}

struct HttpClient::Impl {
  IoThread io;  // first: destroyed last, after every socket bound to it
  HttpClientOptions options;
  ssl::context tls_context{ssl::context::tls_client};
  std::string tls_setup_error;
  std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<Conn>>> idle;
  std::atomic<std::uint64_t> opened{0};

  explicit Impl(HttpClientOptions o) : options(std::move(o)) {
    tls_setup_error = configure_client_tls(tls_context, options.ca_file, options.verify_tls);
  }
  ~Impl() { io.stop(); }  // no coroutine runs while the members go

  std::unique_ptr<Conn> take(const std::string& origin) {
    std::lock_guard lock(mutex);
    auto& list = idle[origin];
    if (list.empty()) return nullptr;
    auto c = std::move(list.back());
    list.pop_back();
    c->reused = true;
    return c;
  }

  void give_back(const std::string& origin, std::unique_ptr<Conn> c) {
    std::lock_guard lock(mutex);
    auto& list = idle[origin];
    if (static_cast<int>(list.size()) < options.max_idle_per_origin) list.push_back(std::move(c));
  }

  // Connects (and shakes hands) by the deadline.
  asio::awaitable<std::unique_ptr<Conn>> open(const Url& url,
                                              std::chrono::steady_clock::time_point until,
                                              HttpFailure& failure) {
    const std::string where = url.host + ":" + url.port;
    if (url.scheme == "https" && !tls_setup_error.empty()) {
      failure = {HttpFailure::Kind::Tls, tls_setup_error};
      co_return nullptr;
    }
    auto c = std::make_unique<Conn>();
    boost::system::error_code ec;
    auto resolved = co_await resolve_until(url.host, url.port, until, ec);
    if (ec) {
      failure = ec == asio::error::timed_out
                    ? HttpFailure{HttpFailure::Kind::Timeout,
                                  "could not resolve " + url.host + " before the deadline"}
                    : HttpFailure{HttpFailure::Kind::Connect,
                                  "cannot resolve " + url.host + ": " + ec.message()};
      co_return nullptr;
    }
    // Checked on the addresses connected to, not on the name: a name that resolves (or is
    // rebound) to a refused address is refused, and nothing is resolved twice.
    std::vector<tcp::endpoint> endpoints;
    std::string refused;
    for (const auto& entry : resolved) {
      if (auto why = options.egress.refuse_address(entry.endpoint().address()); !why.empty())
        refused = why;
      else
        endpoints.push_back(entry.endpoint());
    }
    if (endpoints.empty()) {
      failure = {HttpFailure::Kind::Request, "refused to connect to " + where + ": " + refused};
      co_return nullptr;
    }
    const auto executor = io.context().get_executor();
    if (url.scheme == "https")
      c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, tls_context);
    else
      c->tcp = std::make_unique<beast::tcp_stream>(executor);
    c->lowest().expires_at(until);
    co_await c->lowest().async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      const bool timeout = ec == beast::error::timeout;
      failure = {timeout ? HttpFailure::Kind::Timeout : HttpFailure::Kind::Connect,
                 timeout ? "no connection to " + where + " before the deadline"
                         : "could not connect to " + where + " (" + ec.message() + ")"};
      co_return nullptr;
    }
    ++opened;
    // Requests are small and answers awaited: no Nagle delay (with the peer's delayed ACK it
    // added ~25 ms to each call on a kept-alive connection).
    c->lowest().socket().set_option(tcp::no_delay(true), ec);
    if (c->tls) {
      expect_peer(c->tls->native_handle(), url.host, options.verify_tls);
      co_await c->tls->async_handshake(ssl::stream_base::client,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        failure = {
            ec == beast::error::timeout ? HttpFailure::Kind::Timeout : HttpFailure::Kind::Tls,
            "TLS handshake with " + where +
                " failed: " + handshake_failure(c->tls->native_handle(), ec, url.host)};
        co_return nullptr;
      }
    }
    co_return c;
  }

  // One request on `c`. `retry_on_new` is set when a reused connection was found closed.
  asio::awaitable<Answer> exchange(Conn& c, const Url& url, const HttpRequest& request,
                                   const Headers& headers,
                                   std::chrono::steady_clock::time_point until, bool& keep,
                                   bool& retry_on_new) {
    Answer a;
    const std::string where = url.host + ":" + url.port;
    const auto verb = http::string_to_verb(request.method);
    http::request<http::string_body> req{verb, url.target, 11};
    const std::string host =
        url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    req.set(http::field::host, url.default_port() ? host : host + ":" + url.port);
    req.set(http::field::user_agent, options.user_agent);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = request.body;
    req.prepare_payload();
    boost::system::error_code ec;
    c.lowest().expires_at(until);
    auto on_error = asio::redirect_error(asio::use_awaitable, ec);
    if (c.tls)
      co_await http::async_write(*c.tls, req, on_error);
    else
      co_await http::async_write(*c.tcp, req, on_error);
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_body);
    if (!ec) {
      c.lowest().expires_at(until);
      if (c.tls)
        co_await http::async_read(*c.tls, c.buffer, parser, on_error);
      else
        co_await http::async_read(*c.tcp, c.buffer, parser, on_error);
    }
    if (ec) {
      const bool closed = ec == http::error::end_of_stream || ec == asio::error::eof ||
                          ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
                          ec == ssl::error::stream_truncated;
      if (c.reused && closed && !parser.got_some()) {
        retry_on_new = true;
        co_return a;
      }
      if (ec == beast::error::timeout)
        a.failure = {HttpFailure::Kind::Timeout,
                     "no answer from " + where + " before the deadline"};
      else if (closed)
        a.failure = {HttpFailure::Kind::Protocol,
                     where + " closed the connection without an answer"};
      else if (ec == http::error::body_limit)
        a.failure = {HttpFailure::Kind::Protocol, where + " answered with a body over the limit"};
      else
        a.failure = {HttpFailure::Kind::Protocol,
                     where + " sent a malformed HTTP answer (" + ec.message() + ")"};
      co_return a;
    }
    auto& res = parser.get();
    a.ok = true;
    a.response.status = static_cast<int>(res.result_int());
    for (const auto& f : res)
      a.response.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    a.response.body = std::move(res.body());
    keep = res.keep_alive();
    co_return a;
  }
};

HttpClient::HttpClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

std::uint64_t HttpClient::connections_opened() const { return impl_->opened.load(); }

const EgressPolicy& HttpClient::egress() const { return impl_->options.egress; }

asio::awaitable<HttpClient::Answer> HttpClient::co_send(
    HttpRequest request, std::chrono::system_clock::time_point deadline) {
  Answer a;
  auto url = Url::parse(request.url);
  if (!url) {
    a.failure = {HttpFailure::Kind::Request, url.error().message};
    co_return a;
  }
  if (!is_token(request.method) || http::string_to_verb(request.method) == http::verb::unknown) {
    a.failure = {HttpFailure::Kind::Request,
                 "the method is not an HTTP method (GET, POST, PUT, PATCH, DELETE, ...)"};
    co_return a;
  }
  if (auto admitted = impl_->options.egress.admit(*url); !admitted) {
    a.failure = {HttpFailure::Kind::Request, admitted.error().message};
    co_return a;
  }
  Headers headers;
  if (auto problem =
          checked_headers(request, impl_->options.egress.carries_credentials(*url), headers);
      !problem.empty()) {
    a.failure = {HttpFailure::Kind::Request, problem};
    co_return a;
  }
  const auto until = steady_deadline(deadline);
  const std::string origin = url->origin();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto c = attempt == 0 ? impl_->take(origin) : nullptr;
    if (!c) c = co_await impl_->open(*url, until, a.failure);
    if (!c) co_return a;
    bool keep = false, retry_on_new = false;
    a = co_await impl_->exchange(*c, *url, request, headers, until, keep, retry_on_new);
    if (retry_on_new) continue;
    if (a.ok && keep) impl_->give_back(origin, std::move(c));
    co_return a;
  }
  co_return a;
}

void HttpClient::async_send(HttpRequest request, std::chrono::system_clock::time_point deadline,
                            std::function<void(Answer)> done) {
  asio::co_spawn(
      impl_->io.context(), co_send(std::move(request), deadline),
      [done = std::move(done)](std::exception_ptr error, Answer answer) {
        if (error) {
          answer = {};
          answer.failure = {HttpFailure::Kind::Protocol, "the HTTP client failed (out of memory?)"};
        }
        done(std::move(answer));
      });
}

HttpClient::Answer HttpClient::send(const HttpRequest& request,
                                    std::chrono::system_clock::time_point deadline) {
  std::promise<Answer> answered;
  auto answer = answered.get_future();
  async_send(request, deadline, [&answered](Answer a) { answered.set_value(std::move(a)); });
  return answer.get();
}

IoThread& HttpClient::io() { return impl_->io; }

}  // namespace elva::connectors
