// Mail on the wire (RFC 5321 SMTP, RFC 5322 messages, RFC 2047 encoded words): the one place
// the mail connector turns values into addresses, header fields and the DATA of a transaction.
// Nothing written here carries a raw CR or LF from a value: addresses that are not addr-specs
// are refused, header text is encoded and folded, and the DATA is dot-stuffed with CRLF line
// endings. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "elva/result.hpp"

namespace elva::connectors {

struct Mailbox {
  std::string name;     // display name (UTF-8), "" for none
  std::string address;  // local@domain: an RFC 5321 Mailbox, ASCII only
};

// "a@b", "<a@b>", "Name <a@b>" or "\"Last, First\" <a@b>". The address must be a dot-atom or
// quoted local part (without '<' or '>', which RFC 5321 would allow), '@', and a host name or
// address literal ([192.0.2.1], [IPv6:...]), at most 64 + 1 + 255 characters and 254 in all;
// the name any text without control characters.
// Errors: InvalidArgument naming the rule broken; the message never quotes the text.
Result<Mailbox> parse_mailbox(std::string_view text);

// Addresses separated by ',' or ';' (not inside quotes or <>); empty entries are skipped.
// Errors: as parse_mailbox, prefixed with the position ("address 2: ...").
Result<std::vector<Mailbox>> parse_mailbox_list(std::string_view text);

// The mailbox as it goes into a header: "a@b", or "Name <a@b>" with the name as atoms, as a
// quoted string, or as RFC 2047 words when it is not plain printable ASCII.
std::string format_mailbox(const Mailbox& mailbox);

// "Name: text" for an unstructured field (Subject), folded into lines of at most 78
// characters joined by CRLF SP; no final CRLF. Printable ASCII words stay as they are; any
// other text (non-ASCII, control characters including CR and LF, "=?", very long words,
// leading, trailing or double spaces) is written as RFC 2047 B words of its bytes, so it always
// decodes back to exactly `text`.
std::string header_field(std::string_view name, std::string_view text);

// "Name: a@b, Name <c@d>" folded between addresses; no final CRLF.
std::string address_field(std::string_view name, const std::vector<Mailbox>& list);

// Every line break (CRLF, a lone CR or a lone LF) as CRLF: text in its canonical form
// (RFC 2046 §4.1.1), as a text/plain body is encoded.
std::string crlf_lines(std::string_view text);

// The DATA of an SMTP transaction (RFC 5321 §4.5.2): `message` with CRLF line endings, a "."
// added before each line that begins with ".", ended by CRLF "." CRLF. Whatever `message`
// holds, the result ends the transaction exactly once, at its end.
std::string smtp_data(std::string_view message);

// Whether a line may be sent as one SMTP command: no CR, LF or NUL (the client adds the CRLF).
bool is_command_line(std::string_view line);

}  // namespace elva::connectors
