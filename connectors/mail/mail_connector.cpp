// The `mail` connector (mail_connector.hpp): a small SMTP client (RFC 5321, STARTTLS RFC 3207,
// AUTH RFC 4954): coroutines on the connector's own I/O thread with the same deadline-per-call
// pattern as the HTTP client (support/io.hpp), so mails in flight are not threads. One
// connection per message. The Message-ID is derived from the idempotency key, so a mail sent
// again after a crash carries the same Message-ID and receiving systems can drop the copy.
#include "mail/mail_connector.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <ctime>
#include <istream>

#include "mail/mail_format.hpp"
#include "support/io.hpp"
#include "support/tls.hpp"

namespace elva::connectors {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using connector::Outcome;
using nlohmann::json;

// The recipients of `field` ("to", "cc"): an address, a list in one text, or a list of texts.
// Errors name the field and the position, never the address.
Result<std::vector<Mailbox>> recipients(const json& in, const std::string& field) {
  std::vector<Mailbox> out;
  const json v = in.value(field, json());
  std::vector<std::string> texts;
  if (v.is_string())
    texts.push_back(v.get<std::string>());
  else if (v.is_array()) {
    for (const auto& x : v) {
      if (!x.is_string())
        return fail(Errc::InvalidArgument, field + ": every entry of the list must be a text");
      texts.push_back(x.get<std::string>());
    }
  } else if (!v.is_null()) {
    return fail(Errc::InvalidArgument, field + " must be a text or a list of texts");
  }
  for (const auto& t : texts) {
    auto list = parse_mailbox_list(t);
    if (!list) return fail(Errc::InvalidArgument, field + ": " + list.error().message);
    out.insert(out.end(), list->begin(), list->end());
  }
  return out;
}

class Smtp {
 public:
  Smtp(asio::io_context& io, ssl::context& tls, std::chrono::steady_clock::time_point until,
       std::string where)
      : io_(io), tls_ctx_(tls), until_(until), where_(std::move(where)) {}

  // Each step returns an Outcome when it went wrong.
  asio::awaitable<std::optional<Outcome>> connect(std::string host, std::string port,
                                                  bool implicit_tls, bool verify) {
    boost::system::error_code ec;
    auto endpoints = co_await resolve_until(host, port, until_, ec);
    if (ec)
      co_return Outcome::retry(
          ec == asio::error::timed_out
              ? "could not resolve the mail server " + host + " before the deadline"
              : "cannot resolve the mail server " + host + ": " + ec.message());
    tcp_ = std::make_unique<beast::tcp_stream>(io_);
    tcp_->expires_at(until_);
    co_await tcp_->async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return Outcome::retry(
          ec == beast::error::timeout
              ? "no connection to the mail server " + where_ + " before the deadline"
              : "could not connect to the mail server " + where_ + " (" + ec.message() + ")");
    host_ = host;
    verify_ = verify;
    if (implicit_tls) {
      if (auto p = co_await handshake()) co_return p;
    }
    co_return co_await expect(220, "greeting");
  }

  asio::awaitable<std::optional<Outcome>> starttls() {
    if (auto p = co_await command("STARTTLS", 220, "STARTTLS")) co_return p;
    co_return co_await handshake();
  }

  // Sends a command and checks the reply code. 4xx: retry; 5xx: fail.
  // The one place a command is written: a line with CR, LF or NUL is never sent.
  asio::awaitable<std::optional<Outcome>> command(std::string line, int want, std::string step,
                                                  bool secret = false) {
    if (!is_command_line(line))
      co_return Outcome::fail("an SMTP command (" + (secret ? std::string("AUTH") : step) +
                              ") would hold a line break; nothing more was sent");
    // Named first: GCC 12 frees a conditional's temporary twice inside a co_await.
    std::string shown_step = secret ? std::string("AUTH") : step;
    if (auto p = co_await write(line + "\r\n", std::move(shown_step))) co_return p;
    co_return co_await expect(want, step);
  }

  asio::awaitable<std::optional<Outcome>> write(std::string data, std::string step) {
    boost::system::error_code ec;
    auto done = asio::redirect_error(asio::use_awaitable, ec);
    tcp_->expires_at(until_);
    if (tls_)
      co_await asio::async_write(*tls_, asio::buffer(data), done);
    else
      co_await asio::async_write(*tcp_, asio::buffer(data), done);
    if (ec)
      co_return Outcome::retry("the mail server " + where_ + " went away during " + step + " (" +
                               ec.message() + ")");
    co_return std::nullopt;
  }

  // Reads one (possibly multi-line) reply.
  asio::awaitable<std::optional<Outcome>> expect(int want, std::string step) {
    last_.clear();
    code_ = 0;
    for (;;) {
      boost::system::error_code ec;
      auto done = asio::redirect_error(asio::use_awaitable, ec);
      tcp_->expires_at(until_);
      if (tls_)
        co_await asio::async_read_until(*tls_, buf_, "\r\n", done);
      else
        co_await asio::async_read_until(*tcp_, buf_, "\r\n", done);
      if (ec) {
        co_return Outcome::retry(
            ec == beast::error::timeout
                ? "the mail server " + where_ + " did not answer " + step + " before the deadline"
                : "the mail server " + where_ + " closed the connection during " + step);
      }
      std::istream in(&buf_);
      std::string line;
      std::getline(in, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0]))) {
        co_return Outcome::retry("the mail server " + where_ +
                                 " sent something that is not SMTP: " + excerpt(line));
      }
      code_ = std::stoi(line.substr(0, 3));
      last_ += (last_.empty() ? "" : "\n") + line;
      if (line.size() == 3 || line[3] != '-') break;
    }
    if (code_ == want || (want == 250 && code_ == 251)) co_return std::nullopt;
    const std::string said =
        "the mail server " + where_ + " refused " + step + ": " + excerpt(last_);
    if (code_ >= 400 && code_ < 500) co_return Outcome::retry(said);
    co_return Outcome::fail(said);
  }

  bool offers(const std::string& capability) const {
    std::string upper = last_;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper.find(capability) != std::string::npos;
  }

 private:
  asio::awaitable<std::optional<Outcome>> handshake() {
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream&>>(*tcp_, tls_ctx_);
    expect_peer(tls_->native_handle(), host_, verify_);
    boost::system::error_code ec;
    tcp_->expires_at(until_);
    co_await tls_->async_handshake(ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) co_return std::nullopt;
    co_return Outcome::fail("TLS handshake with the mail server " + where_ +
                            " failed: " + handshake_failure(tls_->native_handle(), ec, host_));
  }

  asio::io_context& io_;
  ssl::context& tls_ctx_;
  std::chrono::steady_clock::time_point until_;
  std::string where_, host_;
  bool verify_ = true;
  std::unique_ptr<beast::tcp_stream> tcp_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream&>> tls_;
  asio::streambuf buf_;
  std::string last_;
  int code_ = 0;
};

class MailConnector final : public connector::Connector {
 public:
  MailConnector(Settings s, Mailbox from, std::chrono::milliseconds timeout, int in_flight)
      : s_(std::move(s)), from_(std::move(from)), timeout_(timeout), max_in_flight_(in_flight) {
    tls_error_ = configure_client_tls(tls_, s_.text("ca_file"), s_.flag("verify_tls", true));
  }
  const std::string& tls_error() const { return tls_error_; }

  const std::string& name() const override { return s_.name; }
  std::string kind() const override { return "mail"; }
  json describe() const override { return s_.shown; }
  std::vector<connector::Operation> operations() const override {
    return {{"send",
             "Sends a mail; subject and body are templates ({{name}} from data, else the input)",
             {{"to", true, "recipient(s): an address, a comma-separated list or a list"},
              {"subject", false, "subject template (or from the named template)"},
              {"body", false, "body template (plain text)"},
              {"template", false, "name of a template in the connector's settings"},
              {"cc", false, "copy recipient(s)"},
              {"data", false, "values for the templates (default: the input itself)"}},
             {{"messageId", false, "the Message-ID sent"},
              {"recipients", false, "how many accepted the mail"}}}};
  }

  int max_in_flight() const override { return max_in_flight_; }

  void invoke(connector::Invocation call, connector::Completion done) override {
    run_call(io_, send(std::move(call)), std::move(done));
  }

 private:
  asio::awaitable<Outcome> send(connector::Invocation call) {
    const json& in = call.input;
    std::string subject = in.value("subject", ""), body = in.value("body", "");
    if (const std::string t = in.value("template", ""); !t.empty()) {
      const json templates = s_.values.value("templates", json::object());
      if (!templates.contains(t))
        co_return Outcome::fail("mail template '" + t + "' is not configured (" + s_.where +
                                ".templates)");
      if (subject.empty()) subject = templates[t].value("subject", "");
      if (body.empty()) body = templates[t].value("body", "");
    }
    const json data = in.contains("data") && in["data"].is_object() ? in["data"] : in;
    auto filled_subject = fill_mail_template(subject, data);
    if (!filled_subject) co_return Outcome::fail("mail subject: " + filled_subject.error().message);
    auto filled_body = fill_mail_template(body, data);
    if (!filled_body) co_return Outcome::fail("mail body: " + filled_body.error().message);
    auto to = recipients(in, "to");
    if (!to) co_return Outcome::fail(to.error().message);
    auto cc = recipients(in, "cc");
    if (!cc) co_return Outcome::fail(cc.error().message);
    if (to->empty()) co_return Outcome::fail("mail.send has no recipient (to)");
    const std::string host = s_.text("host", "localhost");
    const std::string port = std::to_string(s_.integer("port", 587));
    const std::string tls = s_.text("tls", "starttls");
    std::string id_part;
    for (char c : call.idempotency_key)
      id_part += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
    const std::string message_id = "<" + id_part + "." + s_.name + "@elva>";
    const auto deadline = std::min(call.deadline, std::chrono::system_clock::now() + timeout_);
    const auto until =
        std::chrono::steady_clock::now() + (deadline - std::chrono::system_clock::now());
    Smtp smtp(io_.context(), tls_,
              std::chrono::time_point_cast<std::chrono::steady_clock::duration>(until),
              host + ":" + port);
    if (auto p = co_await smtp.connect(host, port, tls == "tls", s_.flag("verify_tls", true)))
      co_return *p;
    if (auto p = co_await smtp.command("EHLO elva", 250, "EHLO")) co_return *p;
    if (tls == "starttls") {
      if (!smtp.offers("STARTTLS"))
        co_return Outcome::fail("the mail server " + host + ":" + port +
                                " does not offer STARTTLS, and tls = \"starttls\" requires it");
      if (auto p = co_await smtp.starttls()) co_return *p;
      if (auto p = co_await smtp.command("EHLO elva", 250, "EHLO")) co_return *p;
    }
    if (const std::string user = s_.text("username"); !user.empty()) {
      const std::string token =
          base64_encode(std::string("\0", 1) + user + std::string("\0", 1) + s_.text("password"));
      if (auto p = co_await smtp.command("AUTH PLAIN " + token, 235,
                                         "authentication (AUTH PLAIN) as " + user, true))
        co_return *p;
    }
    if (auto p = co_await smtp.command("MAIL FROM:<" + from_.address + ">", 250,
                                       "the sender " + from_.address))
      co_return *p;
    int accepted = 0;
    for (const auto* list : {&*to, &*cc}) {
      for (const auto& r : *list) {
        if (auto p = co_await smtp.command("RCPT TO:<" + r.address + ">", 250,
                                           "the recipient " + r.address))
          co_return *p;
        ++accepted;
      }
    }
    if (auto p = co_await smtp.command("DATA", 354, "DATA")) co_return *p;
    std::string msg;
    char date[64];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    // Every header from mail_format (encoded, folded), the body base64 of its canonical CRLF
    // text, and the whole DATA dot-stuffed.
    msg += address_field("From", {from_}) + "\r\n" + address_field("To", *to) + "\r\n";
    if (!cc->empty()) msg += address_field("Cc", *cc) + "\r\n";
    msg += header_field("Subject", *filled_subject) + "\r\nDate: " + date +
           "\r\nMessage-ID: " + message_id +
           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
           "charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    const std::string encoded = base64_encode(crlf_lines(*filled_body));
    for (std::size_t i = 0; i < encoded.size(); i += 76) msg += encoded.substr(i, 76) + "\r\n";
    if (auto p = co_await smtp.write(smtp_data(msg), "the message")) co_return *p;
    if (auto p = co_await smtp.expect(250, "the message")) co_return *p;
    (void)co_await smtp.command("QUIT", 221, "QUIT");
    co_return Outcome::completed({{"messageId", message_id}, {"recipients", accepted}});
  }

  IoThread io_;  // first: destroyed last, after every call's socket
  Settings s_;
  Mailbox from_;
  std::chrono::milliseconds timeout_;
  int max_in_flight_;
  ssl::context tls_{ssl::context::tls_client};
  std::string tls_error_;
};

}  // namespace

Result<std::string> fill_mail_template(const std::string& text, const json& data) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "{{") != 0) {
      out += text[i++];
      continue;
    }
    const auto close = text.find("}}", i);
    if (close == std::string::npos) return fail(Errc::InvalidArgument, "a {{ is not closed");
    std::string path = text.substr(i + 2, close - i - 2);
    path.erase(0, path.find_first_not_of(' '));
    path.erase(path.find_last_not_of(' ') + 1);
    const json* v = &data;
    std::size_t start = 0;
    while (v && start <= path.size()) {
      const auto dot = path.find('.', start);
      const std::string part =
          path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      v = v->is_object() && v->contains(part) ? &(*v)[part] : nullptr;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (!v || v->is_null())
      return fail(Errc::InvalidArgument,
                  "{{" + path + "}} has no value (map it into the task's input)");
    out += v->is_string() ? v->get<std::string>() : v->dump();
    i = close + 2;
  }
  return out;
}

Result<std::shared_ptr<connector::Connector>> make_mail_connector(const Settings& s) {
  const std::string tls = s.text("tls", "starttls");
  if (tls != "starttls" && tls != "tls" && tls != "none")
    return fail(s.error("tls = \"" + tls + "\": use \"starttls\", \"tls\" or \"none\""));
  if (!s.text("username").empty() && s.text("password").empty())
    return fail(s.error("username is set but password is not"));
  if (!s.text("username").empty() && tls == "none")
    return fail(s.error("refusing to send a password without TLS; set tls = \"starttls\""));
  auto timeout = s.duration("timeout", std::chrono::seconds(20));
  if (!timeout) return fail(timeout.error());
  auto from = parse_mailbox(s.text("from", "elva@localhost"));
  if (!from) return fail(s.error("from " + from.error().message));
  auto in_flight = max_in_flight(s);
  if (!in_flight) return fail(in_flight.error());
  auto mail = std::make_shared<MailConnector>(s, *from, *timeout, *in_flight);
  if (!mail->tls_error().empty()) return fail(s.error(mail->tls_error()));
  return std::shared_ptr<connector::Connector>(mail);
}

}  // namespace elva::connectors
