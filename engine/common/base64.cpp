#include "elva/base64.hpp"

namespace elva {
namespace {

const char* letters(Base64 alphabet) {
  return alphabet == Base64::Url
             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

}  // namespace

std::string base64_encode(std::string_view bytes, Base64 alphabet) {
  const char* t = letters(alphabet);
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  unsigned value = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    value = (value << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += t[(value >> bits) & 63];
    }
  }
  if (bits > 0) out += t[(value << (6 - bits)) & 63];
  if (alphabet == Base64::Standard)
    while (out.size() % 4) out += '=';
  return out;
}

std::optional<std::string> base64_decode(std::string_view text, Base64 alphabet) {
  const std::string_view t = letters(alphabet);
  std::string out;
  out.reserve(text.size() / 4 * 3);
  unsigned value = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' && alphabet == Base64::Standard) break;
    const auto v = t.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    value = (value << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace elva
