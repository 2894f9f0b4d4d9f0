// Base64 (RFC 4648): the standard alphabet with padding (Basic credentials, mail, e-service
// attachments) and the URL-safe one without padding (JWTs, PKCE, RFC 7515). One implementation
// for every module. Never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace elva {

enum class Base64 { Standard, Url };

// Standard: "+/" and "=" padding; Url: "-_" and no padding.
std::string base64_encode(std::string_view bytes, Base64 alphabet = Base64::Standard);
// The bytes (Standard: up to the first "=", the padding); nullopt for any character outside
// the alphabet.
std::optional<std::string> base64_decode(std::string_view text, Base64 alphabet = Base64::Standard);

}  // namespace elva
