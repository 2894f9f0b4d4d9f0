// Secrets (secrets.hpp) over libsodium.
#include "identity/secrets.hpp"

#include <sodium.h>

#include <array>
#include <mutex>

namespace elva::identity {
namespace {

void init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0)
      assertion_failed("sodium_init() >= 0", "libsodium could not start", __FILE__, __LINE__);
  });
}

}  // namespace

Result<std::string> hash_password(const std::string& password) {
  init_once();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(Errc::Internal, "hashing a password ran out of memory (Argon2id needs 64 MiB)");
  }
  return std::string(out.data());
}

bool verify_password(const std::string& hash, const std::string& password) {
  init_once();
  if (hash.rfind("$argon2id$", 0) != 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_token() {
  init_once();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return "elva_" + std::string(text.data());
}

std::string token_hash(const std::string& token) {
  init_once();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

}  // namespace elva::identity
