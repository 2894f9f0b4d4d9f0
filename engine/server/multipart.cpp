// multipart/form-data (multipart.hpp).
#include "server/multipart.hpp"

#include <algorithm>
#include <cctype>

namespace elva::server {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The value of parameter `key` in a header value ("form-data; name=\"a\"; filename=b"): quoted
// (with \" and \\ escapes) or a token. `found` tells an empty value from none.
std::string parameter(std::string_view header, std::string_view key, bool& found) {
  found = false;
  std::size_t at = 0;
  while (at < header.size()) {
    const auto semi = header.find(';', at);
    if (semi == std::string_view::npos) return "";
    at = semi + 1;
    auto rest = trim(header.substr(at));
    const auto eq = rest.find('=');
    if (eq == std::string_view::npos) continue;
    if (lower(trim(rest.substr(0, eq))) != key) continue;
    auto value = trim(rest.substr(eq + 1));
    found = true;
    std::string out;
    if (!value.empty() && value.front() == '"') {
      for (std::size_t i = 1; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) {
          out += value[++i];
        } else if (value[i] == '"') {
          break;
        } else {
          out += value[i];
        }
      }
      return out;
    }
    const auto end = value.find(';');
    return std::string(trim(value.substr(0, end)));
  }
  return "";
}

}  // namespace

Result<std::vector<FormPart>> parse_multipart(std::string_view content_type, std::string_view body,
                                              std::size_t max_parts) {
  if (lower(trim(content_type.substr(0, content_type.find(';')))) != "multipart/form-data")
    return fail(Errc::InvalidArgument, "the body must be multipart/form-data");
  bool found = false;
  const std::string boundary = parameter(content_type, "boundary", found);
  if (!found || boundary.empty() || boundary.size() > 200)
    return fail(Errc::InvalidArgument,
                "multipart/form-data needs a boundary (1 to 200 characters)");
  const std::string delimiter = "--" + boundary;
  // The first delimiter: at the start, or after a preamble and a line break.
  std::size_t at = body.rfind(delimiter, 0) == 0 ? 0 : body.find("\r\n" + delimiter);
  if (at == std::string_view::npos)
    return fail(Errc::InvalidArgument, "the body has no part framed by its boundary");
  if (at != 0) at += 2;
  std::vector<FormPart> parts;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n")
      return fail(Errc::InvalidArgument, "a boundary line must end in CRLF");
    at += 2;
    const auto head_end = body.find("\r\n\r\n", at);
    const auto next = body.find("\r\n" + delimiter, at);
    if (next == std::string_view::npos)
      return fail(Errc::InvalidArgument, "the body ends inside a part (no closing boundary)");
    if (parts.size() >= max_parts)
      return fail(Errc::InvalidArgument,
                  "the body has more than " + std::to_string(max_parts) + " parts");
    FormPart part;
    // A part with no headers starts with its blank line.
    const bool bare = body.substr(at, 2) == "\r\n";
    if (!bare && (head_end == std::string_view::npos || head_end > next))
      return fail(Errc::InvalidArgument, "a part's headers do not end in a blank line");
    const std::size_t content = bare ? at + 2 : head_end + 4;
    std::string_view headers = bare ? std::string_view() : body.substr(at, head_end - at);
    bool disposition = false;
    while (!headers.empty()) {
      const auto eol = headers.find("\r\n");
      const auto line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string key = lower(trim(line.substr(0, colon)));
      const auto value = trim(line.substr(colon + 1));
      if (key == "content-disposition") {
        if (lower(trim(value.substr(0, value.find(';')))) != "form-data")
          return fail(Errc::InvalidArgument, "a part's Content-Disposition must be form-data");
        bool has_name = false, has_file = false;
        part.name = parameter(value, "name", has_name);
        part.filename = parameter(value, "filename", has_file);
        disposition = has_name;
      } else if (key == "content-type") {
        part.content_type = std::string(value);
      }
    }
    if (!disposition)
      return fail(Errc::InvalidArgument, "a part has no Content-Disposition with a name");
    if (content > next) return fail(Errc::InvalidArgument, "a part's headers run into the next");
    part.body = std::string(body.substr(content, next - content));
    parts.push_back(std::move(part));
    at = next + 2;
  }
}

}  // namespace elva::server
