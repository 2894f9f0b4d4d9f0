// HttpServer (http_server.hpp) over Boost.Beast.
#include "server/http_server.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/iso8601.hpp"

namespace elva::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
namespace ssl = net::ssl;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

// A fixed set of worker threads, each with its index (its own database connection).
class Workers {
 public:
  explicit Workers(int n) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this, i] { run(i); });
  }
  ~Workers() { stop(); }
  // `first`: a request of a connection that carried accepted credentials; it is taken before
  // the anonymous ones waiting (a flood of anonymous requests does not delay a logged-in user).
  void post(std::function<void(int)> job, bool first = false) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      (first ? first_ : jobs_).push_back(std::move(job));
    }
    cv_.notify_one();
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    threads_.clear();
  }

 private:
  void run(int index) {
    for (;;) {
      std::function<void(int)> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return stopping_ || !first_.empty() || !jobs_.empty(); });
        auto& lane = first_.empty() ? jobs_ : first_;
        if (lane.empty()) return;
        job = std::move(lane.front());
        lane.pop_front();
      }
      job(index);
    }
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void(int)>> first_;
  std::deque<std::function<void(int)>> jobs_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

std::string problem_body(int status, const std::string& title, const std::string& detail) {
  auto esc = [](const std::string& s) {
    std::string o;
    for (char c : s) {
      if (c == '"' || c == '\\') o += '\\';
      o += c;
    }
    return o;
  };
  return "{\"type\":\"about:blank\",\"title\":\"" + esc(title) +
         "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" + esc(detail) + "\"}";
}

// RFC 9110 §5.6.2 token.
bool is_token(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) &&
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  }
  return true;
}

// RFC 9110 §5.5 field-value: no control character but HTAB (so never CR, LF or NUL).
bool is_field_value(const std::string& s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

// The one rule for every response header (write() applies it): "" when all may go out, else
// which header broke it (its name when the name itself is valid, never its value).
std::string refused_header(const Response& r) {
  if (!is_field_value(r.content_type)) return "Content-Type";
  for (const auto& [k, v] : r.headers) {
    if (!is_token(k)) return "a header whose name is not a token";
    if (!is_field_value(v)) return k;
  }
  return "";
}

// What every answer carries (pages and API alike), unless the handler set its own: no framing
// by other sites (clickjacking), no sniffing, and no caching of answers that may hold personal
// data or tokens. A page's Content-Security-Policy gets frame-ancestors added.
void add_safety_headers(std::map<std::string, std::string>& headers, bool tls) {
  auto has = [&](const char* name) {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& kv) { return beast::iequals(kv.first, name); });
  };
  // Over TLS, browsers are told to come back only over TLS for a year (not for subdomains: a
  // municipality's other services are not Elva's to decide).
  if (tls && !has("Strict-Transport-Security"))
    headers["Strict-Transport-Security"] = "max-age=31536000";
  if (!has("X-Frame-Options")) headers["X-Frame-Options"] = "DENY";
  if (!has("X-Content-Type-Options")) headers["X-Content-Type-Options"] = "nosniff";
  if (!has("Cache-Control")) headers["Cache-Control"] = "no-store";
  if (!has("Referrer-Policy")) headers["Referrer-Policy"] = "no-referrer";
  bool csp = false;
  for (auto& [k, v] : headers) {
    if (!beast::iequals(k, "Content-Security-Policy")) continue;
    csp = true;
    if (v.find("frame-ancestors") == std::string::npos) v += "; frame-ancestors 'none'";
  }
  if (!csp) headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'";
}

// What OpenSSL said last, for a message (never key material: only its reason text).
std::string openssl_reason(const beast::error_code& ec) {
  std::string m = ec.message();
  return m.empty() ? "unknown error" : m;
}

// A server context from PEM files: TLS 1.2 and 1.3 only, OpenSSL's default ciphers (Debian's
// security level 2), no renegotiation, no compression. `served`: the certificate's subject and
// expiry. Null with `error` naming the file on any failure.
std::shared_ptr<ssl::context> make_tls_context(const std::string& cert_file,
                                               const std::string& key_file, std::string& served,
                                               std::string& error) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use | ssl::context::no_compression);
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  beast::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    error = "TLS certificate " + cert_file + ": cannot be read as a PEM certificate chain (" +
            openssl_reason(ec) + ")";
    return nullptr;
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    if (ec && openssl_reason(ec).find("mismatch") == std::string::npos) {
      error = "TLS key " + key_file + ": cannot be read as a PEM private key (" +
              openssl_reason(ec) + "; is it readable by this user and not encrypted?)";
      return nullptr;
    }
    error = "TLS key " + key_file + " does not belong to the certificate " + cert_file;
    return nullptr;
  }
  served = cert_file;
  if (X509* x = SSL_CTX_get0_certificate(ctx->native_handle())) {
    char subject[256] = {0};
    X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof subject - 1);
    std::string until = "?";
    if (BIO* bio = BIO_new(BIO_s_mem())) {
      if (ASN1_TIME_print(bio, X509_get0_notAfter(x)) == 1) {
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        if (n > 0) until.assign(data, static_cast<std::size_t>(n));
      }
      BIO_free(bio);
    }
    served = std::string(subject) + ", valid until " + until;
    int days = 0, seconds = 0;
    if (ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(x)) == 1 && days < 14) {
      served += days < 0 || (days == 0 && seconds <= 0)
                    ? " (EXPIRED: browsers refuse it)"
                    : " (expires in " + std::to_string(days) + " days: renew it)";
    }
  }
  return ctx;
}

// "a.b.c.d" of the last X-Forwarded-For entry (the address a trusted proxy saw), or "" when the
// header is empty or its last entry is not an IP address.
std::string forwarded_client(const std::string& header) {
  const auto comma = header.rfind(',');
  std::string last = header.substr(comma == std::string::npos ? 0 : comma + 1);
  const auto b = last.find_first_not_of(" \t");
  const auto e = last.find_last_not_of(" \t");
  if (b == std::string::npos) return "";
  last = last.substr(b, e - b + 1);
  beast::error_code ec;
  auto a = net::ip::make_address(last, ec);
  return ec ? std::string() : a.to_string();
}

}  // namespace

std::string correlation_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint64_t seed = std::random_device{}();
  const std::uint64_t n = (seed << 20) ^ (static_cast<std::uint64_t>(iso8601::now_millis()) << 8) ^
                          counter.fetch_add(1);
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(n));
  return out;
}

std::string loggable(const std::string& message) {
  std::string out;
  char quote = 0;
  for (char c : message) {
    if (quote) {
      if (c == quote) {
        out += "…";
        out += c;
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out += c;
    }
  }
  if (quote) out += "…";
  return out.size() > 300 ? out.substr(0, 300) + "…" : out;
}

std::string refused_path(const std::string& raw, const std::string& decoded) {
  if (raw.empty() || raw.front() != '/') return "the request target must be a path starting with /";
  if (decoded.find('\0') != std::string::npos || decoded.find('\\') != std::string::npos) {
    return "the path must not hold NUL or a backslash";
  }
  std::size_t start = 1;
  while (start <= decoded.size()) {
    auto end = decoded.find('/', start);
    if (end == std::string::npos) end = decoded.size();
    const std::string_view segment = std::string_view(decoded).substr(start, end - start);
    if (segment == "." || segment == "..") return "the path must not hold dot segments (. or ..)";
    start = end + 1;
  }
  return "";
}

std::string Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpServer::Impl {
  Impl(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)), acceptor(ioc) {}

  ServerOptions options;
  Handler handler;
  // The open connections, as slots (before the io_context: sessions it still holds when it is
  // destroyed release theirs). `busy`: a request of it is being answered (never taken
  // back); `trusted`: it carried accepted credentials; `since`: when it last started waiting.
  struct Slot {
    std::string address;
    bool busy = false;
    bool trusted = false;
    std::int64_t since = 0;
    std::function<void()> evict;  // closes the connection (posted to its own executor)
  };
  std::mutex slots_mutex;
  std::map<std::uint64_t, Slot> slots;
  std::map<std::string, int> per_address;
  std::uint64_t next_slot = 1;
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::optional<Workers> workers;
  std::vector<std::thread> io_threads;
  unsigned short bound_port = 0;

  // A slot for a new connection from `address` (0: none free, answer 503). At a ceiling, the
  // connection that has waited longest without being answered is closed to make room: one of
  // the same address when that address is at its own ceiling, else any; anonymous ones before
  // those that carried accepted credentials.
  std::uint64_t admit(const std::string& address, std::function<void()> evict) {
    std::function<void()> victim;
    std::uint64_t id = 0;
    {
      std::lock_guard<std::mutex> lock(slots_mutex);
      const bool client_full =
          per_address[address] >= std::max(1, options.max_connections_per_client);
      const bool server_full =
          static_cast<int>(slots.size()) >= std::max(1, options.max_connections);
      if (client_full || server_full) {
        auto best = slots.end();
        for (auto it = slots.begin(); it != slots.end(); ++it) {
          const Slot& s = it->second;
          if (s.busy || (client_full && s.address != address)) continue;
          if (best == slots.end() ||
              std::pair(s.trusted, s.since) < std::pair(best->second.trusted, best->second.since))
            best = it;
        }
        if (best == slots.end()) {
          if (per_address[address] == 0) per_address.erase(address);
          return 0;
        }
        victim = std::move(best->second.evict);
        forget(best);
      }
      id = next_slot++;
      slots[id] = Slot{address, false, false, iso8601::now_millis(), std::move(evict)};
      ++per_address[address];
    }
    if (victim) victim();
    return id;
  }
  void forget(std::map<std::uint64_t, Slot>::iterator it) {
    if (--per_address[it->second.address] <= 0) per_address.erase(it->second.address);
    slots.erase(it);
  }
  void release(std::uint64_t id) {
    std::lock_guard<std::mutex> lock(slots_mutex);
    if (auto it = slots.find(id); it != slots.end()) forget(it);
  }
  void mark(std::uint64_t id, bool busy, bool trusted) {
    std::lock_guard<std::mutex> lock(slots_mutex);
    auto it = slots.find(id);
    if (it == slots.end()) return;
    it->second.busy = busy;
    it->second.trusted = it->second.trusted || trusted;
    if (!busy) it->second.since = iso8601::now_millis();
  }

  void log(const std::string& line) const {
    if (options.log) options.log(line);
  }
  void accept();

  // TLS: the context new connections take (replaced whole on reload; a connection keeps the
  // one it started with).
  bool tls_on() const { return !options.tls_cert_file.empty(); }
  std::shared_ptr<ssl::context> tls_context() {
    std::lock_guard<std::mutex> lock(tls_mutex);
    return tls;
  }
  bool trusted_proxy(const std::string& address) const {
    return std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), address) !=
           options.trusted_proxies.end();
  }
  std::mutex tls_mutex;
  std::shared_ptr<ssl::context> tls;
};

namespace {

// One connection, plain (Tls = false: a tcp_stream) or TLS (an ssl_stream over it). Deadlines
// and the socket are those of the TCP layer in both.
template <bool Tls>
class Session : public std::enable_shared_from_this<Session<Tls>> {
  using Stream = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;
  using std::enable_shared_from_this<Session<Tls>>::shared_from_this;

 public:
  Session(tcp::socket socket, HttpServer::Impl& server, std::shared_ptr<ssl::context> tls)
      : stream_(make_stream(std::move(socket), tls)),
        tls_(std::move(tls)),
        server_(server),
        retry_timer_(stream_.get_executor()) {
    beast::error_code ec;
    // No Nagle: a TLS answer goes out as several records, and waiting for the client's delayed
    // ACK between them costs 40 ms per answer.
    lowest().socket().set_option(tcp::no_delay(true), ec);
    const auto peer = lowest().socket().remote_endpoint(ec);
    address_ = ec ? std::string("?") : peer.address().to_string();
    head_deadline_ = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(server_.options.header_timeout_ms);
  }
  ~Session() {
    if (slot_) server_.release(slot_);
  }

  // Takes a slot (closing a waiting connection at a ceiling) and starts reading (over TLS: after
  // the handshake); with no slot free, one 503 and close.
  void start() {
    std::weak_ptr<Session> weak = shared_from_this();
    auto executor = stream_.get_executor();
    slot_ = server_.admit(address_, [weak, executor] {
      net::post(executor, [weak] {
        if (auto self = weak.lock()) self->evicted();
      });
    });
    if (!slot_) {
      return send_problem(
          503, "Service Unavailable",
          "the server is busy answering as many connections as it takes; try again shortly", false);
    }
    if constexpr (Tls) {
      // A client that speaks plain HTTP to the TLS port is told so in plain HTTP.
      lowest().expires_at(head_deadline_);
      beast::async_detect_ssl(stream_.next_layer(), buffer_,
                              beast::bind_front_handler(&Session::on_detected, shared_from_this()));
    } else {
      read();
    }
  }

 private:
  static Stream make_stream(tcp::socket socket, const std::shared_ptr<ssl::context>& tls) {
    if constexpr (Tls)
      return Stream(std::move(socket), *tls);
    else
      return Stream(std::move(socket));
  }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void on_detected(beast::error_code ec, bool is_tls) {
    if (ec) return close();
    if constexpr (Tls) {
      if (!is_tls) {
        static const std::string text =
            "This port speaks HTTPS only: use https:// in the address.\n";
        auto reply = std::make_shared<std::string>(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Connection: close\r\nContent-Length: " +
            std::to_string(text.size()) + "\r\n\r\n" + text);
        lowest().expires_after(std::chrono::milliseconds(server_.options.request_timeout_ms));
        return net::async_write(stream_.next_layer(), net::buffer(*reply),
                                [self = shared_from_this(), reply](beast::error_code, std::size_t) {
                                  beast::error_code ignored;
                                  self->lowest().socket().shutdown(tcp::socket::shutdown_both,
                                                                   ignored);
                                });
      }
      stream_.async_handshake(
          ssl::stream_base::server, buffer_.data(),
          beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
    }
  }

  void on_handshake(beast::error_code ec, std::size_t used) {
    // A failed handshake (an old TLS version, a client that gave up) is the client's: closed.
    if (ec) {
      beast::error_code ignored;
      lowest().socket().close(ignored);
      return;
    }
    buffer_.consume(used);
    read();
  }

  // Its slot was given to another connection while it waited: close it.
  void evicted() {
    slot_ = 0;
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().socket().close(ec);
  }

  // A request in two steps: its first byte within the idle deadline (a new connection: within
  // the head deadline from its accept), then its head within the head deadline, then its body
  // within the request deadline. A client that trickles its head (slowloris) is cut off.
  void read() {
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    if (buffer_.size() > 0) {  // a pipelined request is already here
      if (answered_)
        head_deadline_ = std::chrono::steady_clock::now() +
                         std::chrono::milliseconds(server_.options.header_timeout_ms);
      return read_head();
    }
    if (answered_)
      lowest().expires_after(std::chrono::milliseconds(server_.options.idle_timeout_ms));
    else
      lowest().expires_at(head_deadline_);
    stream_.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    if (ec) return on_read_error(ec);
    buffer_.commit(n);
    if (answered_)
      head_deadline_ = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(server_.options.header_timeout_ms);
    read_head();
  }

  void read_head() {
    lowest().expires_at(head_deadline_);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    lowest().expires_after(std::chrono::milliseconds(server_.options.request_timeout_ms));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
        ec == net::error::operation_aborted || ec == net::error::bad_descriptor ||
        ec == net::error::eof) {
      return close();
    }
    if (ec == beast::error::timeout) return close();  // a silent or too slow client: drop it
    if (ec == http::error::body_limit) {
      return send_problem(413, "Content Too Large",
                          "the request body is larger than the server takes (" +
                              std::to_string(server_.options.body_limit) + " bytes)",
                          false);
    }
    if (ec == http::error::header_limit) {
      return send_problem(431, "Request Header Fields Too Large",
                          "the request headers are larger than " +
                              std::to_string(server_.options.header_limit) + " bytes",
                          false);
    }
    send_problem(400, "Bad Request", "the request is not valid HTTP/1.1: " + ec.message(), false);
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto& msg = parser_->get();
    request_ = std::make_shared<Request>();
    request_->method = std::string(msg.method_string());
    request_->target = std::string(msg.target());
    request_->remote_address = address_;
    // Behind a trusted reverse proxy, the client is the address it says it saw.
    if (server_.trusted_proxy(address_)) {
      if (auto it = msg.find("X-Forwarded-For"); it != msg.end()) {
        const std::string client = forwarded_client(std::string(it->value()));
        if (!client.empty()) request_->remote_address = client;
      }
    }
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    const auto q = request_->target.find('?');
    const std::string_view raw_path = std::string_view(request_->target).substr(0, q);
    request_->path = url_decode(raw_path, false);
    if (const auto bad = refused_path(std::string(raw_path), request_->path); !bad.empty()) {
      return send_problem(400, "Bad Request", bad, keep_alive_);
    }
    if (q != std::string::npos) {
      std::string_view rest = std::string_view(request_->target).substr(q + 1);
      while (!rest.empty()) {
        auto amp = rest.find('&');
        auto part = rest.substr(0, amp);
        auto eq = part.find('=');
        std::string key = url_decode(part.substr(0, eq), true);
        if (!key.empty())
          request_->query[key] =
              eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1), true);
        if (amp == std::string_view::npos) break;
        rest = rest.substr(amp + 1);
      }
    }
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name.rfind("x-elva-internal-", 0) == 0)
        continue;  // the server's own bookkeeping, never a client's
      request_->headers[name] = std::string(field.value());
    }
    request_->body = std::move(msg.body());
    dispatch();
  }

  void dispatch() {
    lowest().expires_never();  // the handler's time is not the client's
    server_.mark(slot_, true, false);
    auto self = shared_from_this();
    server_.workers->post(
        [self](int worker) {
          Response r;
          try {
            r = self->server_.handler(*self->request_, worker);
          } catch (const std::exception& e) {
            // The exception's text without its quoted parts (they may be the request's values).
            const std::string id = correlation_id();
            self->server_.log("error " + id + " (500, an exception): " + loggable(e.what()));
            r.status = 500;
            r.content_type = "application/problem+json";
            r.body =
                problem_body(500, "Internal Server Error",
                             "the server failed to answer; the administrator finds the cause in "
                             "the server log under " +
                                 id);
          }
          net::post(self->stream_.get_executor(),
                    [self, r = std::move(r)]() mutable { self->answer(std::move(r)); });
        },
        trusted_);
  }

  void answer(Response r) {
    if (r.authenticated) trusted_ = true;
    if (r.retry_in_ms > 0 && iso8601::now_millis() + r.retry_in_ms < r.retry_until_ms) {
      retry_timer_.expires_after(std::chrono::milliseconds(r.retry_in_ms));
      retry_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->dispatch();
      });
      return;
    }
    write(std::move(r), keep_alive_);
  }

  void send_problem(int status, const std::string& title, const std::string& detail, bool keep) {
    Response r;
    r.status = status;
    r.content_type = "application/problem+json";
    r.body = problem_body(status, title, detail);
    write(std::move(r), keep);
  }

  // Every response passes here. One whose header name or value would hold CR, LF, NUL or another
  // control character (a split response) is not sent: a 500 goes instead, and the log names
  // the header, not its value. Every answer gets the safety headers (add_safety_headers).
  void write(Response r, bool keep) {
    if (const auto bad = refused_header(r); !bad.empty()) {
      server_.log("a response was not sent: its header " + bad +
                  " held a control character (CR, LF, NUL, ...) or a name that is not a token");
      r = Response{};
      r.status = 500;
      r.content_type = "application/problem+json";
      r.body = problem_body(500, "Internal Server Error",
                            "the server built an answer it must not send; the administrator finds "
                            "the cause in its log");
    }
    add_safety_headers(r.headers, Tls);
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version_ ? version_ : 11);
    res->set(http::field::server, "Elva");
    if (!r.content_type.empty() && r.status != 204 && r.status != 304)
      res->set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(keep);
    res->body() = std::move(r.body);
    res->prepare_payload();
    lowest().expires_after(std::chrono::milliseconds(server_.options.request_timeout_ms));
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
                        if (ec || !keep) return self->close();
                        self->answered_ = true;
                        self->server_.mark(self->slot_, false, self->trusted_);
                        self->read();
                      });
  }

  void close() {
    if constexpr (Tls) {
      // close_notify, then the socket; a peer that does not answer gets the head deadline.
      lowest().expires_after(std::chrono::milliseconds(server_.options.header_timeout_ms));
      stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->lowest().socket().close(ignored);
      });
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Stream stream_;
  std::shared_ptr<ssl::context> tls_;  // kept while the connection lives (a reload replaces it)
  beast::flat_buffer buffer_;
  HttpServer::Impl& server_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Request> request_;
  net::steady_timer retry_timer_;
  std::string address_;
  std::uint64_t slot_ = 0;
  std::chrono::steady_clock::time_point head_deadline_;
  bool answered_ = false;  // it answered a request (keep-alive): it may wait the idle deadline
  bool trusted_ = false;   // it carried accepted credentials
  bool keep_alive_ = false;
  unsigned version_ = 11;
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted) return;
      log("accepting a connection failed: " + ec.message());
    } else {
      if (tls_on())
        std::make_shared<Session<true>>(std::move(socket), *this, tls_context())->start();
      else
        std::make_shared<Session<false>>(std::move(socket), *this, nullptr)->start();
    }
    accept();
  });
}

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { stop(); }

bool HttpServer::start(std::string& error) {
  if (impl_->options.tls_cert_file.empty() != impl_->options.tls_key_file.empty()) {
    error = "TLS needs both a certificate (--tls-cert) and its key (--tls-key)";
    return false;
  }
  if (impl_->tls_on()) {
    std::string served;
    impl_->tls =
        make_tls_context(impl_->options.tls_cert_file, impl_->options.tls_key_file, served, error);
    if (!impl_->tls) return false;
    impl_->log("TLS certificate " + served);
  }
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.address, ec);
  if (ec) {
    error = "'" + impl_->options.address + "' is not an IP address to listen on";
    return false;
  }
  tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + impl_->options.address + ":" +
            std::to_string(impl_->options.port) + ": " + ec.message() +
            (ec == net::error::address_in_use
                 ? " (another program uses the port; choose one with --port)"
                 : "");
    return false;
  }
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
  impl_->workers.emplace(impl_->options.workers);
  impl_->accept();
  for (int i = 0; i < std::max(1, impl_->options.io_threads); ++i) {
    impl_->io_threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return true;
}

unsigned short HttpServer::port() const { return impl_->bound_port; }

bool HttpServer::reload_tls(std::string& served, std::string& error) {
  if (!impl_->tls_on()) {
    error = "this server does not speak TLS";
    return false;
  }
  auto fresh =
      make_tls_context(impl_->options.tls_cert_file, impl_->options.tls_key_file, served, error);
  if (!fresh) return false;
  std::lock_guard<std::mutex> lock(impl_->tls_mutex);
  impl_->tls = std::move(fresh);
  return true;
}

void HttpServer::stop() {
  if (!impl_) return;
  beast::error_code ec;
  impl_->acceptor.close(ec);
  impl_->ioc.stop();
  for (auto& t : impl_->io_threads)
    if (t.joinable()) t.join();
  impl_->io_threads.clear();
  if (impl_->workers) impl_->workers->stop();
}

}  // namespace elva::server
