// Mail on the wire (connectors/mail/mail_format.hpp): addresses, header fields and SMTP DATA.
// Properties over random bytes with a fixed seed: nothing produced holds a bare CR or LF, header
// text decodes back to exactly what went in, and the DATA ends the transaction once.
#include "mail/mail_format.hpp"

#include <catch2/catch.hpp>

#include "elva/base64.hpp"
#include "hostile_input.hpp"

using namespace elva;
using connectors::Mailbox;

namespace {

// Only CRLF followed by a space (a fold) may break a header line; every line at most `max`.
void require_one_header(const std::string& field, std::size_t max = 78) {
  std::size_t line = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\r') {
      REQUIRE(field.substr(i, 3) == "\r\n ");
      REQUIRE(line <= max);
      line = 0;
      i += 1;
      continue;
    }
    REQUIRE(field[i] != '\n');
    REQUIRE(field[i] != '\0');
    ++line;
  }
  REQUIRE(line <= max);
}

// RFC 5322 unfolding, then RFC 2047 decoding of a value that is all encoded words or none.
std::string decode_unstructured(const std::string& field, const std::string& name) {
  std::string unfolded;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field.compare(i, 2, "\r\n") == 0)
      ++i;
    else
      unfolded += field[i];
  }
  REQUIRE(unfolded.rfind(name + ":", 0) == 0);
  std::string value = unfolded.substr(name.size() + 1);
  if (value.empty()) return "";
  REQUIRE(value[0] == ' ');
  value.erase(0, 1);
  if (value.rfind("=?UTF-8?B?", 0) != 0) return value;
  std::string out;
  std::size_t start = 0;
  while (start < value.size()) {
    const auto end = value.find(' ', start);
    const std::string word =
        value.substr(start, end == std::string::npos ? std::string::npos : end - start);
    REQUIRE(word.rfind("=?UTF-8?B?", 0) == 0);
    REQUIRE(word.size() <= 75);
    REQUIRE(word.compare(word.size() - 2, 2, "?=") == 0);
    auto decoded = base64_decode(word.substr(10, word.size() - 12));
    REQUIRE(decoded);
    out += *decoded;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE(
    "mail addresses: addr-specs with names are parsed, anything else refused without quoting it",
    "[connectors][mail]") {
  auto m = connectors::parse_mailbox("Kari Nordmann <kari@example.no>");
  REQUIRE(m);
  CHECK(m->name == "Kari Nordmann");
  CHECK(m->address == "kari@example.no");
  CHECK(connectors::parse_mailbox("<a.b+c@sub.example.org>")->address == "a.b+c@sub.example.org");
  CHECK(connectors::parse_mailbox("\"Öberg, Åsa\" <asa@kommun.example>")->name == "Öberg, Åsa");
  CHECK(connectors::parse_mailbox("\"john doe\"@example.org")->address ==
        "\"john doe\"@example.org");
  CHECK(connectors::parse_mailbox("postmaster@[192.0.2.1]"));
  CHECK(connectors::parse_mailbox("elva@localhost"));
  for (const char* bad :
       {"kari@example.no>\r\nRCPT TO:<evil@example.org", "kari@example.no\r\nBcc: evil@example.org",
        "kari@example.no\nX", "kari", "kari@", "@example.no", "ka ri@example.no",
        "kari@exa_mple.no", "kari@-example.no", ".kari@example.no", "ka..ri@example.no",
        "kari@example.no>", "Kari <kari@example.no", "<kari@example.no> evil", "åsa@kommun.example",
        "asa@kommün.example", "Ev<il <kari@example.no>", "kari@[999.1.1.1]"}) {
    INFO(bad);
    auto r = connectors::parse_mailbox(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("is not a mail address") != std::string::npos);
    CHECK(r.error().message.find("kari") == std::string::npos);
    CHECK(r.error().message.find("evil") == std::string::npos);
  }
  std::string long_local(65, 'a'), long_domain = "a@";
  long_local += "@example.org";
  long_domain.append(250, 'b').append(".org");
  CHECK_FALSE(connectors::parse_mailbox(long_local));
  CHECK_FALSE(connectors::parse_mailbox(long_domain));
}

TEST_CASE("mail address lists split on commas and semicolons outside quotes and angle brackets",
          "[connectors][mail]") {
  auto l = connectors::parse_mailbox_list("a@x.se, \"Öberg, Åsa\" <asa@x.se>; <c@x.se>,");
  REQUIRE(l);
  REQUIRE(l->size() == 3);
  CHECK((*l)[1].address == "asa@x.se");
  CHECK((*l)[2].address == "c@x.se");
  auto bad = connectors::parse_mailbox_list("a@x.se, b@x.se>\r\nRCPT TO:<c@x.se");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.rfind("address 2 is not a mail address", 0) == 0);
}

TEST_CASE(
    "property: any bytes are refused as an address or give one that cannot break an SMTP command",
    "[connectors][mail][property]") {
  test::HostileBytes gen;
  int parsed = 0;
  for (int i = 0; i < test::kIterations; ++i) {
    const std::string text = i % 3 == 0   ? gen.next()
                             : i % 3 == 1 ? gen.next(10) + "@" + gen.next(10)
                                          : "Name" + gen.next(3) + " <user" + gen.next(3) +
                                                "@example" + gen.next(3) + ".org>";
    auto m = connectors::parse_mailbox(text);
    if (!m) continue;
    ++parsed;
    INFO("case " << i);
    REQUIRE(connectors::is_command_line("RCPT TO:<" + m->address + ">"));
    REQUIRE(m->address.find_first_of("<>\r\n\t") == std::string::npos);
    REQUIRE(m->address.size() <= 254);
    require_one_header(connectors::address_field("To", {*m}), 400);
    auto again = connectors::parse_mailbox(m->address);
    REQUIRE(again);
    REQUIRE(again->address == m->address);
  }
  CHECK(parsed > 50);
}

TEST_CASE("header fields: plain text stays readable, the rest is RFC 2047 and folded",
          "[connectors][mail]") {
  CHECK(connectors::header_field("Subject", "Welcome, Kari!") == "Subject: Welcome, Kari!");
  CHECK(connectors::header_field("Subject", "Välkommen") ==
        "Subject: =?UTF-8?B?VsOkbGtvbW1lbg==?=");
  const std::string injected =
      connectors::header_field("Subject", "Hi\r\nBcc: evil@example.org\r\n.\r\nMAIL FROM:<x@y>");
  CHECK(injected.find("Bcc:") == std::string::npos);
  CHECK(injected.find("MAIL FROM") == std::string::npos);
  require_one_header(injected);
  const std::string list = connectors::address_field(
      "To",
      {{"Åsa Öberg", "asa@kommun.example"}, {"", "b@kommun.example"}, {"Kari \"K\" N.", "k@x.se"}});
  CHECK(list ==
        "To: =?UTF-8?B?w4VzYSDDlmJlcmc=?= <asa@kommun.example>, b@kommun.example,\r\n \"Kari "
        "\\\"K\\\" N.\" <k@x.se>");
  require_one_header(list);
}

TEST_CASE("property: any header text gives one folded field that decodes back to exactly that text",
          "[connectors][mail][property]") {
  test::HostileBytes gen;
  for (int i = 0; i < test::kIterations; ++i) {
    const std::string text = gen.next(i % 10 == 0 ? 400 : 60);
    const std::string field = connectors::header_field("Subject", text);
    INFO("case " << i);
    require_one_header(field);
    REQUIRE(decode_unstructured(field, "Subject") == text);
  }
}

TEST_CASE("property: display names never break the address header",
          "[connectors][mail][property]") {
  test::HostileBytes gen;
  for (int i = 0; i < test::kIterations; ++i) {
    const std::string name = gen.next(80);
    require_one_header(connectors::address_field("From", {{name, "noreply@kommun.example"}}), 400);
  }
}

TEST_CASE("SMTP DATA: lines starting with a dot are doubled and every line ends in CRLF",
          "[connectors][mail]") {
  CHECK(connectors::smtp_data("a\r\n.\r\nMAIL FROM:<x@y>\n.b\rc") ==
        "a\r\n..\r\nMAIL FROM:<x@y>\r\n..b\r\nc\r\n.\r\n");
  CHECK(connectors::smtp_data("") == ".\r\n");
  CHECK(connectors::smtp_data("x\r\n") == "x\r\n.\r\n");
  CHECK(connectors::crlf_lines("a\nb\r\nc\rd") == "a\r\nb\r\nc\r\nd");
  CHECK_FALSE(connectors::is_command_line("RCPT TO:<a@b>\r\nRCPT TO:<c@d>"));
  CHECK_FALSE(connectors::is_command_line(std::string("MAIL FROM:<a@b>\0", 16)));
}

TEST_CASE(
    "property: whatever the message, the DATA ends the transaction once, at its end, and un-stuffs "
    "to the message",
    "[connectors][mail][property]") {
  test::HostileBytes gen;
  for (int i = 0; i < test::kIterations; ++i) {
    const std::string message = gen.next(120);
    const std::string data = connectors::smtp_data(message);
    INFO("case " << i);
    REQUIRE(data.size() >= 3);
    REQUIRE(data.compare(data.size() - 3, 3, ".\r\n") == 0);
    REQUIRE((data.size() == 3 || data.compare(data.size() - 5, 5, "\r\n.\r\n") == 0));
    std::string unstuffed;
    std::size_t start = 0;
    std::vector<std::string> lines;
    while (start < data.size()) {
      const auto end = data.find("\r\n", start);
      REQUIRE(end != std::string::npos);  // every line ends in CRLF
      lines.push_back(data.substr(start, end - start));
      start = end + 2;
    }
    for (std::size_t l = 0; l < lines.size(); ++l) {
      REQUIRE(lines[l].find_first_of("\r\n") == std::string::npos);  // no bare CR or LF
      if (l + 1 < lines.size()) {
        REQUIRE(lines[l] != ".");
        unstuffed += (lines[l].rfind(".", 0) == 0 ? lines[l].substr(1) : lines[l]) + "\r\n";
      } else {
        REQUIRE(lines[l] == ".");
      }
    }
    std::string expected = connectors::crlf_lines(message);
    if (!expected.empty() &&
        expected.compare(expected.size() - std::min<std::size_t>(2, expected.size()), 2, "\r\n") !=
            0)
      expected += "\r\n";
    REQUIRE(unstuffed == expected);
  }
}
