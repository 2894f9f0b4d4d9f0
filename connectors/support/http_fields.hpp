// HTTP header fields the client writes (RFC 9110 §5): the one check every request header passes
// (HttpClient::send), so no CR, LF, NUL or other control character from a process variable ever
// reaches the wire, and a task cannot set the headers that frame the message.
#pragma once

#include <string>
#include <string_view>

namespace elva::connectors {

// RFC 9110 §5.6.2 token: 1*tchar (letters, digits and !#$%&'*+-.^_`|~). Field names, methods.
bool is_token(std::string_view text);

// RFC 9110 §5.5 field-value: visible characters, obs-text (bytes >= 0x80), and spaces and tabs
// between them; no control character (CR, LF, NUL, ...), no leading or trailing whitespace.
bool is_field_value(std::string_view text);

// Spaces and tabs around a value cut off (they are not part of it, RFC 9110 §5.5).
std::string trim_field_value(std::string_view text);

// Why a header cannot be sent, or "" when it can. Names the header when its name is a token;
// never quotes the value.
std::string header_problem(std::string_view name, std::string_view value);

// Hop-by-hop and framing headers Elva sets itself (Host, Content-Length, Transfer-Encoding,
// Connection, ...): a task that sets one could split or redirect the request.
bool is_framing_header(std::string_view name);

}  // namespace elva::connectors
