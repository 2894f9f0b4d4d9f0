// The mail connector as a whole against a raw SMTP peer on 127.0.0.1 that keeps the session's
// bytes: whatever subject, body and recipient values a process hands it, the session has one
// MAIL FROM, one RCPT TO per intended recipient, one DATA that ends once, and header lines that
// are all well formed; or the call is refused before anything is sent.
#include "mail/mail_connector.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "hostile_input.hpp"

using namespace elva;
using nlohmann::json;

namespace {

// Speaks just enough SMTP (RFC 5321) to take mail; records every byte the client sent.
class RawSmtpPeer {
 public:
  RawSmtpPeer() {
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
  ~RawSmtpPeer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> sessions() {
    std::lock_guard lock(mutex_);
    return sessions_;
  }

 private:
  void serve() {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string raw;
      say(c, "220 raw peer\r\n");
      bool in_data = false;
      std::size_t scanned = 0;
      char buf[4096];
      for (;;) {
        const auto n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
        bool quit = false;
        for (;;) {  // answer each complete line (or the end of the DATA)
          if (in_data) {
            const auto end = raw.find("\r\n.\r\n", scanned > 2 ? scanned - 2 : 0);
            if (end == std::string::npos) break;
            scanned = end + 5;
            in_data = false;
            say(c, "250 queued\r\n");
            continue;
          }
          const auto eol = raw.find("\r\n", scanned);
          if (eol == std::string::npos) break;
          const std::string line = raw.substr(scanned, eol - scanned);
          scanned = eol + 2;
          if (line.rfind("DATA", 0) == 0) {
            in_data = true;
            scanned -= 2;  // the DATA's end may be the CRLF just read
            say(c, "354 go on\r\n");
          } else if (line.rfind("QUIT", 0) == 0) {
            say(c, "221 bye\r\n");
            quit = true;
            break;
          } else {
            say(c, "250 ok\r\n");
          }
        }
        if (quit) break;
      }
      ::close(c);
      std::lock_guard lock(mutex_);
      sessions_.push_back(raw);
    }
  }
  static void say(int c, const std::string& s) { (void)::write(c, s.data(), s.size()); }

  int fd_ = -1, port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> sessions_;
};

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

connector::Outcome send(connector::Connector& mail, json input) {
  connector::Invocation call;
  call.operation = "send";
  call.input = std::move(input);
  call.idempotency_key = "elva-1-2";
  call.deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  // The connector answers later, on its own I/O thread.
  std::promise<connector::Outcome> answered;
  auto out = answered.get_future();
  mail.invoke(call, [&answered](connector::Outcome o) { answered.set_value(std::move(o)); });
  return out.get();
}

}  // namespace

TEST_CASE(
    "property: hostile subjects bodies and names give one well-formed mail to the intended "
    "recipients, or nothing",
    "[connectors][mail][property]") {
  RawSmtpPeer peer;
  connectors::Settings s{"mail",
                         {{"host", "127.0.0.1"},
                          {"port", peer.port()},
                          {"tls", "none"},
                          {"from", "Kommunen <noreply@kommun.example>"},
                          {"timeout", "5s"}},
                         json::object(),
                         "elva.toml [connectors.mail]"};
  auto mail = connectors::make_mail_connector(s);
  REQUIRE(mail);
  test::HostileBytes gen;
  int sent = 0, refused = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string name = gen.next(20), subject = gen.next(120), body = gen.next(300);
    const bool hostile_address = i % 5 == 0;
    const std::string to = hostile_address ? "kari@example.no" + gen.next(20) : "kari@example.no";
    const auto before = peer.sessions().size();
    const auto out = send(**mail, {{"to", json::array({to})},
                                   {"cc", "\"" + name + "\" <hr@kommun.example>"},
                                   {"subject", subject},
                                   {"body", body},
                                   {"data", json::object()}});
    INFO("case " << i);
    if (out.kind != connector::Outcome::Kind::Completed) {
      ++refused;
      INFO(out.message);
      REQUIRE(out.kind == connector::Outcome::Kind::Fail);
      const bool address = out.message.find("is not a mail address") != std::string::npos;
      const bool braces = out.message.rfind("mail subject: ", 0) == 0 ||
                          out.message.rfind("mail body: ", 0) == 0;  // a stray {{
      REQUIRE((address || braces));
      REQUIRE(peer.sessions().size() == before);  // refused before connecting
      continue;
    }
    ++sent;
    for (int w = 0; w < 200 && peer.sessions().size() == before; ++w)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto sessions = peer.sessions();
    REQUIRE(sessions.size() == before + 1);
    const std::string& raw = sessions.back();
    // The commands: every line before the first DATA (no value can hold a line break there).
    const std::string commands = raw.substr(0, raw.find("\r\nDATA\r\n") + 2);
    REQUIRE(count(commands, "MAIL FROM:") == 1);
    REQUIRE(count(commands, "RCPT TO:") == out.output["recipients"].get<std::size_t>());
    for (auto p = commands.find("RCPT TO:<"); p != std::string::npos;
         p = commands.find("RCPT TO:<", p + 1)) {
      const std::string line = commands.substr(p, commands.find("\r\n", p) - p);
      REQUIRE(line.back() == '>');
      REQUIRE(line.find_first_of("<>", 9) == line.size() - 1);  // one address, nothing after it
    }
    if (!hostile_address) {
      REQUIRE(count(commands, "\r\nRCPT TO:<kari@example.no>\r\n") == 1);
      REQUIRE(count(commands, "\r\nRCPT TO:<hr@kommun.example>\r\n") == 1);
      REQUIRE(count(commands, "RCPT TO:") == 2);
    }
    REQUIRE(count(raw, "\r\nDATA\r\n") >= 1);
    REQUIRE(count(raw, "\r\n.\r\n") == 1);
    const auto data = commands.size() + 6, end = raw.find("\r\n.\r\n");
    const std::string message = raw.substr(data, end + 2 - data);
    const std::string head = message.substr(0, message.find("\r\n\r\n"));
    std::size_t start = 0;
    std::vector<std::string> names;
    while (start < head.size()) {
      auto eol = head.find("\r\n", start);
      const std::string line =
          head.substr(start, eol == std::string::npos ? std::string::npos : eol - start);
      REQUIRE(line.find_first_of(std::string("\r\n\0", 3)) == std::string::npos);
      REQUIRE(line.size() <= 400);
      if (line[0] != ' ') names.push_back(line.substr(0, line.find(':')));
      if (eol == std::string::npos) break;
      start = eol + 2;
    }
    REQUIRE(names == std::vector<std::string>{"From", "To", "Cc", "Subject", "Date", "Message-ID",
                                              "MIME-Version", "Content-Type",
                                              "Content-Transfer-Encoding"});
  }
  CHECK(sent > 80);
  CHECK(refused > 10);
}
