// Hostile input for the property tests: random bytes with a fixed seed (every run tries the
// same cases, so a failure can be reproduced), half of them drawn from the characters that
// split protocols and paths (CR, LF, NUL, '.', '%', '/', '\', '@', ':', '<', '>', ...).
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace elva::test {

constexpr std::uint32_t kSeed = 20260522;
constexpr int kIterations = 20000;

class HostileBytes {
 public:
  explicit HostileBytes(std::uint32_t seed = kSeed) : rng_(seed) {}

  // Up to `max_len` bytes: any byte, or (half the time) from the tricky alphabet and pieces.
  std::string next(std::size_t max_len = 40) {
    static const char* const kPieces[] = {
        "\r\n", "\r",  "\n",  "\r\n.\r\n", "\0",  "..",     ".",    "/",          "\\",      "%",
        "%2e",  "%2E", "%2f", "%5c",       "%25", "%0d%0a", "@",    ":",          "<",       ">",
        "\"",   ",",   ";",   " ",         "\t",  "=?",     "?=",   "?",          "#",       "{",
        "}",    "a",   "Z",   "9",         "-",   "Å",      "\xff", "MAIL FROM:", "Bcc: x@y"};
    std::uniform_int_distribution<std::size_t> len(0, max_len);
    std::uniform_int_distribution<int> byte(0, 255), coin(0, 1);
    std::uniform_int_distribution<std::size_t> piece(0, sizeof kPieces / sizeof kPieces[0] - 1);
    const bool tricky = coin(rng_) == 1;
    std::string out;
    const std::size_t n = len(rng_);
    while (out.size() < n) {
      if (tricky) {
        const char* p = kPieces[piece(rng_)];
        out += *p == '\0' ? std::string(1, '\0') : std::string(p);
      } else {
        out += static_cast<char>(byte(rng_));
      }
    }
    return out;
  }

 private:
  std::mt19937 rng_;
};

}  // namespace elva::test
