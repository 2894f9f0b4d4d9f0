// URLs the HTTP client sends (RFC 3986): the one place a URL is parsed, encoded and normalised.
// Whatever text comes in, a parsed Url holds only URI characters (no CR, LF, space or other
// control character can reach a request line), and its path has its dot segments resolved.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "elva/result.hpp"

namespace elva::connectors {

struct Url {
  std::string scheme;  // http | https, lower case
  std::string host;    // lower case; an IPv6 literal without its brackets
  std::string port;    // a number 1..65535; the scheme's default when the text had none
  std::string target;  // path and query, "/" at least: RFC 3986 characters only, escapes %XX in
                       // upper case, unreserved characters unescaped, dot segments removed

  // Parses an absolute http(s) URL. Spaces, non-ASCII bytes and "<>\"^`{|}" are
  // percent-encoded; control characters (CR, LF, NUL, ...), backslashes, a '%' that starts no
  // escape, userinfo ("user@host") and hosts other than DNS names or IP literals are refused.
  // A fragment is dropped (it is never sent). Errors: InvalidArgument naming the rule; the
  // message never quotes the text (it may come from a citizen).
  static Result<Url> parse(const std::string& text);

  std::string origin() const { return scheme + "://" + host + ":" + port; }
  std::string path() const { return target.substr(0, target.find('?')); }
  // scheme://host[:port]target, the port only when it is not the scheme's default.
  std::string text() const;
  bool default_port() const { return port == (scheme == "https" ? "443" : "80"); }

  // Whether this URL is on `base`'s origin and under its path, judged on the path a server
  // might finally see: every escape decoded (also %2F, %5C and escapes of escapes such as
  // %252e), backslashes taken as slashes, dot segments removed. "/api" holds "/api" and
  // "/api/x", not "/apix".
  bool under(const Url& base) const;
};

// True when `text` starts with an RFC 3986 scheme ("http:", "mailto:"): an absolute URL.
bool has_scheme(std::string_view text);

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~): a path
// segment, query name or value, or form field. Any bytes round-trip through percent_decode.
std::string url_encode(std::string_view text);

// Decodes %XX escapes (a '%' without two hex digits stays as it is).
std::string percent_decode(std::string_view text);

// RFC 3986 §5.2.4: "/a/./b/../c" -> "/a/c".
std::string remove_dot_segments(std::string_view path);

// Whether a value put into a URL path holds a dot segment ("." or "..", also once its escapes
// are decoded and backslashes taken as slashes), which would move the path elsewhere.
bool holds_dot_segment(std::string_view value);

// A value as one path segment: url_encode(value). Errors: InvalidArgument when the value holds a
// dot segment (holds_dot_segment): "..", "%2e%2e", "a/../b" would leave the segment.
Result<std::string> path_segment(std::string_view value);

// Fills the {name} placeholders of a URL template from `params`, else from `input` (strings as
// they are, other JSON as its text), each percent-encoded (url_encode), so a value is always
// one path segment or one query value and never adds '/', '?', '#', '@', ':' or a line break.
// Errors: InvalidArgument naming the placeholder (never its value): an unclosed {, no value, a
// value in the path that holds a dot segment.
Result<std::string> fill_placeholders(std::string_view url, const nlohmann::json& params,
                                      const nlohmann::json& input);

// `reference` (a path and query relative to `base`: "items/1", "/items/1", "?q=1", "") joined
// under base's path ("https://h/api" + "items/1" -> "https://h/api/items/1"), parsed and
// normalised. A relative reference always stays under `base`, even when the host is allowed
// otherwise. Errors: InvalidArgument when the reference has a scheme (it is absolute), cannot be
// parsed, or leads out of `base` (Url::under: dot segments, escapes, backslashes).
Result<Url> join_under(const Url& base, std::string_view reference);

}  // namespace elva::connectors
