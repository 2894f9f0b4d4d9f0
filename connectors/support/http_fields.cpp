// HTTP header field checks (http_fields.hpp).
#include "support/http_fields.hpp"

#include <cctype>
#include <cstring>

namespace elva::connectors {

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (unsigned char c : text) {
    if (c == 0) return false;  // strchr would find the terminator
    if (!std::isalnum(c) && std::strchr("!#$%&'*+-.^_`|~", c) == nullptr) return false;
  }
  return true;
}

bool is_field_value(std::string_view text) {
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return text.empty() ||
         (text.front() != ' ' && text.front() != '\t' && text.back() != ' ' && text.back() != '\t');
}

std::string trim_field_value(std::string_view text) {
  const auto b = text.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  return std::string(text.substr(b, text.find_last_not_of(" \t") - b + 1));
}

std::string header_problem(std::string_view name, std::string_view value) {
  if (!is_token(name))
    return "a request header name is not an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~ "
           "only)";
  if (!is_field_value(value)) {
    return "request header " + std::string(name) +
           ": the value contains a control character (CR, LF, NUL, ...), which RFC 9110 does not "
           "allow";
  }
  return "";
}

bool is_framing_header(std::string_view name) {
  static const char* const kFraming[] = {"host",       "content-length", "transfer-encoding",
                                         "connection", "keep-alive",     "te",
                                         "trailer",    "upgrade",        "proxy-connection"};
  for (const char* f : kFraming) {
    if (name.size() != std::strlen(f)) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(name[i])) == f[i];
    if (same) return true;
  }
  return false;
}

}  // namespace elva::connectors
