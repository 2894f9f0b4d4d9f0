// The one base64 of every module: standard with padding, URL-safe without, and what is refused.
#include "elva/base64.hpp"

#include <catch2/catch.hpp>

using namespace elva;

TEST_CASE("base64: standard and URL-safe, round trips, padding and foreign characters",
          "[base64]") {
  CHECK(base64_encode("elva:pw") == "ZWx2YTpwdw==");
  CHECK(base64_encode(std::string("\xfb\xff", 2)) == "+/8=");
  CHECK(base64_encode(std::string("\xfb\xff", 2), Base64::Url) == "-_8");
  CHECK(base64_encode("") == "");
  for (std::size_t n = 0; n < 40; ++n) {
    std::string bytes;
    for (std::size_t i = 0; i < n; ++i) bytes += static_cast<char>((i * 37 + n) & 0xFF);
    for (auto a : {Base64::Standard, Base64::Url})
      CHECK(base64_decode(base64_encode(bytes, a), a) == bytes);
  }
  CHECK(base64_decode("ZWx2YTpwdw==") == std::string("elva:pw"));
  CHECK(base64_decode("ZWx2YTpwdw") == std::string("elva:pw"));  // padding is optional
  CHECK_FALSE(base64_decode("ZW x2"));
  CHECK_FALSE(base64_decode("-_8"));  // URL-safe letters are not standard
  CHECK_FALSE(base64_decode("+/8", Base64::Url));
  CHECK_FALSE(base64_decode("ZWx2YQ==", Base64::Url));  // no padding in base64url (RFC 7515)
}
