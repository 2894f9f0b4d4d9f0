// Url (url.hpp): parsing, encoding and the "under base_url" test.
#include "support/url.hpp"

#include <algorithm>
#include <boost/asio/ip/address_v6.hpp>
#include <cctype>
#include <cstring>

namespace elva::connectors {
namespace {

constexpr const char* kHex = "0123456789ABCDEF";

bool unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// What a path or query may hold as it is (RFC 3986 pchar, '/' and '?'); '%' is handled apart.
bool uri_char(unsigned char c) {
  return unreserved(c) || std::strchr("!$&'()*+,;=:@/?", c) != nullptr;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool escape_at(std::string_view s, std::size_t i) {
  return s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0;
}

void append_escape(std::string& out, unsigned char c) {
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

Error bad(const std::string& rule) { return Error{Errc::InvalidArgument, "the URL " + rule, {}}; }

// RFC 3986 §6.2.2: escapes of unreserved characters decoded, the others in upper case.
std::string normalize_escapes(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (escape_at(path, i)) {
      const auto c =
          static_cast<unsigned char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
      if (unreserved(c))
        out += static_cast<char>(c);
      else
        append_escape(out, c);
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

// The path as a server that decodes everything, more than once, and takes '\' for '/' sees it.
std::string effective_path(std::string_view path) {
  std::string p(path);
  for (int round = 0; round < 8; ++round) {
    std::string decoded = percent_decode(p);
    if (decoded == p) break;
    p = std::move(decoded);
  }
  std::replace(p.begin(), p.end(), '\\', '/');
  return remove_dot_segments(p);
}

bool path_under(const std::string& path, std::string prefix) {
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (prefix.empty()) return true;
  return path == prefix || path.rfind(prefix + "/", 0) == 0;
}

std::string without_final_dot(std::string host) {
  if (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

Result<void> parse_authority(const std::string& authority, Url& u) {
  if (authority.find('@') != std::string::npos) {
    return fail(
        bad("holds credentials (user@host), which are not accepted; configure them as secrets"));
  }
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return fail(bad("has an unclosed [ in its host"));
    u.host = authority.substr(1, close - 1);
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address_v6(u.host, ec);
    if (ec) return fail(bad("has a host in [brackets] that is not an IPv6 address"));
    const std::string after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':')
      return fail(bad("has something after its [IPv6] host that is not a port"));
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.find(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
    for (unsigned char c : u.host) {
      if (!std::isalnum(c) && c != '-' && c != '.' && c != '_') {
        return fail(
            bad("has a host with a character other than letters, digits, '-', '.' and '_' "
                "(write an international name in its xn-- form)"));
      }
    }
  }
  if (u.host.empty()) return fail(bad("has no host"));
  std::transform(u.host.begin(), u.host.end(), u.host.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (port.empty()) {
    u.port = u.scheme == "https" ? "443" : "80";
    return {};
  }
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return fail(bad("has a port that is not a number from 1 to 65535"));
  }
  u.port = std::to_string(std::stoi(port));
  return {};
}

}  // namespace

bool has_scheme(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ':') return true;
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

Result<Url> Url::parse(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f)
      return fail(bad("contains a control character (CR, LF, NUL, TAB, ...)"));
  }
  const auto sep = text.find("://");
  if (!has_scheme(text) || sep == std::string::npos || text.find(':') != sep) {
    return fail(bad("is not absolute (http://... or https://...)"));
  }
  Url u;
  u.scheme = text.substr(0, sep);
  std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (u.scheme != "http" && u.scheme != "https")
    return fail(bad("has a scheme other than http and https"));
  const std::string rest = text.substr(sep + 3);
  const auto end = rest.find_first_of("/?#\\");
  if (end != std::string::npos && rest[end] == '\\') return fail(bad("contains a backslash"));
  if (auto r = parse_authority(rest.substr(0, end), u); !r) return fail(r.error());
  std::string raw = end == std::string::npos ? "" : rest.substr(end);
  raw = raw.substr(0, raw.find('#'));
  if (raw.empty() || raw[0] == '?') raw = "/" + raw;
  std::string target;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == '\\') return fail(bad("contains a backslash"));
    if (c == '%') {
      if (!escape_at(raw, i)) return fail(bad("has a '%' that starts no %XX escape (write %25)"));
      target += '%';
      target += static_cast<char>(std::toupper(static_cast<unsigned char>(raw[i + 1])));
      target += static_cast<char>(std::toupper(static_cast<unsigned char>(raw[i + 2])));
      i += 2;
    } else if (uri_char(c)) {
      target += static_cast<char>(c);
    } else {
      append_escape(target, c);  // space, non-ASCII, "<>\"^`{|}"
    }
  }
  const auto q = target.find('?');
  u.target = remove_dot_segments(normalize_escapes(target.substr(0, q)));
  if (q != std::string::npos) u.target += target.substr(q);
  return u;
}

std::string Url::text() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + h + (default_port() ? "" : ":" + port) + target;
}

bool Url::under(const Url& base) const {
  if (scheme != base.scheme || port != base.port ||
      without_final_dot(host) != without_final_dot(base.host))
    return false;
  const std::string prefix = effective_path(base.path());
  return path_under(effective_path(path()), prefix) && path_under(path(), base.path());
}

std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (unreserved(c))
      out += static_cast<char>(c);
    else
      append_escape(out, c);
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (escape_at(text, i)) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string remove_dot_segments(std::string_view path) {
  std::string in(path), out;
  while (!in.empty()) {
    if (in.rfind("../", 0) == 0)
      in.erase(0, 3);
    else if (in.rfind("./", 0) == 0)
      in.erase(0, 2);
    else if (in.rfind("/./", 0) == 0)
      in.erase(0, 2);
    else if (in == "/.")
      in = "/";
    else if (in.rfind("/../", 0) == 0 || in == "/..") {
      in = in == "/.." ? "/" : in.substr(3);
      const auto slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in.clear();
    } else {
      const auto next = in.find('/', in[0] == '/' ? 1 : 0);
      out += in.substr(0, next);
      in.erase(0, next == std::string::npos ? in.size() : next);
    }
  }
  return out;
}

bool holds_dot_segment(std::string_view value) {
  std::string v(value);
  for (int round = 0; round < 8; ++round) {
    std::string decoded = percent_decode(v);
    if (decoded == v) break;
    v = std::move(decoded);
  }
  std::replace(v.begin(), v.end(), '\\', '/');
  std::size_t start = 0;
  for (;;) {
    const auto slash = v.find('/', start);
    const std::string segment =
        v.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment == "." || segment == "..") return true;
    if (slash == std::string::npos) return false;
    start = slash + 1;
  }
}

Result<std::string> path_segment(std::string_view value) {
  if (holds_dot_segment(value))
    return fail(Errc::InvalidArgument,
                "the value holds a dot segment ('.' or '..', also escaped), which would move the "
                "URL's path");
  return url_encode(value);
}

Result<std::string> fill_placeholders(std::string_view url, const nlohmann::json& params,
                                      const nlohmann::json& input) {
  std::string out;
  bool in_query = false;
  for (std::size_t i = 0; i < url.size();) {
    if (url[i] != '{') {
      in_query = in_query || url[i] == '?' || url[i] == '#';
      out += url[i++];
      continue;
    }
    const auto close = url.find('}', i);
    if (close == std::string_view::npos)
      return fail(Errc::InvalidArgument, "the URL has an unclosed {");
    const std::string name(url.substr(i + 1, close - i - 1));
    const nlohmann::json* v = nullptr;
    if (params.is_object() && params.contains(name))
      v = &params[name];
    else if (input.is_object() && input.contains(name))
      v = &input[name];
    if (!v || v->is_null())
      return fail(Errc::InvalidArgument,
                  "the URL needs {" + name + "}, but the input has no " + name);
    const std::string text = v->is_string() ? v->get<std::string>() : v->dump();
    if (!in_query && holds_dot_segment(text)) {
      return fail(Errc::InvalidArgument, "the URL's {" + name +
                                             "}: the value holds a dot segment ('.' or '..', also "
                                             "escaped), which would move the URL's path");
    }
    out += url_encode(text);
    i = close + 1;
  }
  return out;
}

Result<Url> join_under(const Url& base, std::string_view reference) {
  if (has_scheme(reference))
    return fail(bad("is absolute where a path relative to the base URL was expected"));
  std::string ref(reference), path = base.path();
  std::string joined =
      base.scheme + "://" +
      (base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host) + ":" +
      base.port;
  if (ref.empty() || ref[0] == '?' || ref[0] == '#') {
    joined += path + ref;
  } else {
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (ref[0] == '/') ref.erase(0, 1);
    joined += path + "/" + ref;
  }
  auto u = Url::parse(joined);
  if (!u) return u;
  if (!u->under(base))
    return fail(
        bad("leaves the base URL once its escapes, backslashes and dot segments are resolved"));
  return u;
}

}  // namespace elva::connectors
