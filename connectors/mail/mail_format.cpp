// Mail addresses, header fields and SMTP DATA (mail_format.hpp).
#include "mail/mail_format.hpp"

#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <cstring>

#include "support/settings.hpp"

namespace elva::connectors {
namespace {

constexpr std::size_t kLine = 78;       // RFC 5322 §2.1.1: lines SHOULD be at most 78 characters
constexpr std::size_t kWordBytes = 39;  // bytes per encoded word: 52 base64 characters, 64 in all

Error bad(const std::string& rule) {
  return Error{
      Errc::InvalidArgument, "is not a mail address (local@domain, RFC 5321): " + rule, {}};
}

bool atext(unsigned char c) {
  return std::isalnum(c) || (c != 0 && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr);
}

bool dot_atom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '.') {
      if (s[i - 1] == '.') return false;
    } else if (!atext(c)) {
      return false;
    }
  }
  return true;
}

// RFC 5321 Quoted-string: qtextSMTP (printable ASCII but '"' and '\') or a backslash pair.
bool quoted_local(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      if (i + 2 >= s.size()) return false;
      const auto next = static_cast<unsigned char>(s[++i]);
      if (next < 32 || next > 126) return false;
    } else if (c < 32 || c > 126 || c == '"' || c == '<' ||
               c == '>') {  // <> allowed by RFC 5321, refused here
      return false;
    }
  }
  return true;
}

bool host_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    const auto dot = s.find('.', start);
    const auto label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (unsigned char c : label)
      if (!std::isalnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool address_literal(std::string_view s) {
  if (s.size() < 3 || s.front() != '[' || s.back() != ']') return false;
  const std::string inner(s.substr(1, s.size() - 2));
  boost::system::error_code ec;
  if (inner.rfind("IPv6:", 0) == 0)
    (void)boost::asio::ip::make_address_v6(inner.substr(5), ec);
  else
    (void)boost::asio::ip::make_address_v4(inner, ec);
  return !ec;
}

Result<std::string> addr_spec(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 128)
      return fail(
          bad("it is not ASCII (write the domain in its xn-- form; Elva does not send SMTPUTF8)"));
  if (s.size() > 254) return fail(bad("it is longer than 254 characters"));
  const auto at = s.rfind('@');
  if (at == std::string_view::npos) return fail(bad("it has no @"));
  const auto local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.size() > 64) return fail(bad("its local part is longer than 64 characters"));
  if (!dot_atom(local) && !quoted_local(local))
    return fail(bad("its local part has a character a mail address cannot hold unquoted"));
  if (!host_name(domain) && !address_literal(domain))
    return fail(bad("its domain is not a host name or an address literal"));
  return std::string(s);
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

std::string ordinal_prefix(std::size_t n) { return "address " + std::to_string(n) + " "; }

// RFC 2047 B words of `text`, each at most kWordBytes bytes, not splitting a UTF-8 sequence
// when the text is UTF-8.
std::vector<std::string> encoded_words(std::string_view text) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t end = std::min(text.size(), i + kWordBytes);
    for (int back = 0; back < 3 && end < text.size() && end > i + 1 &&
                       (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80;
         ++back)
      --end;
    words.push_back("=?UTF-8?B?" + base64_encode(std::string(text.substr(i, end - i))) + "?=");
    i = end;
  }
  if (words.empty())
    words.push_back(
        "=?UTF-8?B?"
        "?=");  // split: "??=" would read as a trigraph
  return words;
}

// "Name: " and the pieces joined by single spaces, a fold (CRLF) before a space where the
// line would pass kLine. Pieces never hold CR or LF.
std::string fold(std::string_view name, const std::vector<std::string>& pieces) {
  std::string out = std::string(name) + ":";
  std::size_t column = out.size();
  for (const auto& p : pieces) {
    if (column + 1 + p.size() > kLine && column > name.size() + 1) {
      out += "\r\n";
      column = 0;
    }
    out += " " + p;
    column += 1 + p.size();
  }
  return out;
}

bool plain_words(std::string_view text, std::size_t max_word) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ' ||
      text.find("  ") != std::string_view::npos)
    return false;
  if (text.find("=?") != std::string_view::npos) return false;
  std::size_t word = 0;
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
    word = c == ' ' ? 0 : word + 1;
    if (word > max_word) return false;
  }
  return true;
}

std::vector<std::string> split_spaces(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto sp = text.find(' ', start);
    out.emplace_back(
        text.substr(start, sp == std::string_view::npos ? std::string_view::npos : sp - start));
    if (sp == std::string_view::npos) return out;
    start = sp + 1;
  }
}

// The display name as pieces for fold(): atoms, one quoted string, or encoded words.
std::vector<std::string> phrase(std::string_view name) {
  if (plain_words(name, 60)) {
    bool atoms = true;
    for (unsigned char c : name) atoms = atoms && (c == ' ' || atext(c));
    if (atoms) return split_spaces(name);
    if (name.size() <= 60) {
      std::string q = "\"";
      for (char c : name) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
      }
      return {q + "\""};
    }
  }
  return encoded_words(name);
}

}  // namespace

Result<Mailbox> parse_mailbox(std::string_view given) {
  for (unsigned char c : given) {
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return fail(bad("it contains a control character (CR, LF, NUL, ...)"));
  }
  const std::string text = trim(given);
  Mailbox m;
  if (text.empty()) return fail(bad("it is empty"));
  if (text.back() != '>') {
    auto a = addr_spec(text);
    if (!a) return fail(a.error());
    m.address = *a;
    return m;
  }
  // Name <addr>: the '<' that opens the address is the last one outside quotes.
  std::size_t open = std::string::npos;
  bool quoted = false;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\\' && quoted)
      ++i;
    else if (text[i] == '"')
      quoted = !quoted;
    else if (text[i] == '<' && !quoted)
      open = i;
  }
  if (open == std::string::npos) return fail(bad("it ends with '>' but has no '<'"));
  auto a = addr_spec(text.substr(open + 1, text.size() - open - 2));
  if (!a) return fail(a.error());
  m.address = *a;
  const std::string display = trim(std::string_view(text).substr(0, open));
  if (display.size() >= 2 && display.front() == '"' && display.back() == '"') {
    for (std::size_t i = 1; i + 1 < display.size(); ++i) {
      if (display[i] == '\\' && i + 2 < display.size())
        ++i;
      else if (display[i] == '"')
        return fail(bad("its quoted name has a '\"' that is not escaped"));
      m.name += display[i];
    }
  } else {
    if (display.find_first_of("<>\"") != std::string::npos)
      return fail(bad("its name has '<', '>' or '\"' outside quotes"));
    m.name = display;
  }
  return m;
}

Result<std::vector<Mailbox>> parse_mailbox_list(std::string_view text) {
  std::vector<std::string_view> entries;
  bool quoted = false, angle = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      angle = true;
    } else if (c == '>') {
      angle = false;
    } else if ((c == ',' || c == ';') && !angle) {
      entries.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (start <= text.size()) entries.push_back(text.substr(start));
  std::vector<Mailbox> out;
  for (const auto entry : entries) {
    if (trim(entry).empty()) continue;
    auto m = parse_mailbox(entry);
    if (!m) return fail(Errc::InvalidArgument, ordinal_prefix(out.size() + 1) + m.error().message);
    out.push_back(std::move(*m));
  }
  return out;
}

std::string format_mailbox(const Mailbox& m) {
  if (m.name.empty()) return m.address;
  std::string out;
  for (const auto& p : phrase(m.name)) out += p + " ";
  return out + "<" + m.address + ">";
}

std::string header_field(std::string_view name, std::string_view text) {
  if (text.empty()) return std::string(name) + ":";
  if (plain_words(text, 60)) return fold(name, split_spaces(text));
  return fold(name, encoded_words(text));
}

std::string address_field(std::string_view name, const std::vector<Mailbox>& list) {
  std::vector<std::string> pieces;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].name.empty())
      for (const auto& p : phrase(list[i].name)) pieces.push_back(p);
    pieces.push_back(list[i].name.empty() ? list[i].address : "<" + list[i].address + ">");
    if (i + 1 < list.size()) pieces.back() += ",";
  }
  return fold(name, pieces);
}

std::string crlf_lines(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string smtp_data(std::string_view message) {
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') ++i;
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  return out + ".\r\n";
}

bool is_command_line(std::string_view line) {
  return line.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace elva::connectors
