#include "identity/signing.hpp"

#include <sodium.h>

#include <vector>

namespace elva::identity {
namespace {

constexpr const char* kPrefix = "ed25519:";

bool ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::string to_base64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Exactly `size` bytes from base64 text, else nullopt.
std::optional<std::vector<unsigned char>> from_base64(const std::string& text, std::size_t size) {
  std::vector<unsigned char> out(size + 1);
  std::size_t got = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &got, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size() || got != size)
    return std::nullopt;
  out.resize(size);
  return out;
}

std::optional<std::vector<unsigned char>> key_bytes(const std::string& key, std::size_t size) {
  if (key.rfind(kPrefix, 0) != 0) return std::nullopt;
  return from_base64(key.substr(8), size);
}

}  // namespace

SigningKeys new_signing_keys() {
  ready();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  SigningKeys keys{kPrefix + to_base64(pk, sizeof pk), kPrefix + to_base64(sk, sizeof sk)};
  sodium_memzero(sk, sizeof sk);
  return keys;
}

std::optional<std::string> public_key_of(const std::string& secret_key) {
  if (!ready()) return std::nullopt;
  auto sk = key_bytes(secret_key, crypto_sign_SECRETKEYBYTES);
  if (!sk) return std::nullopt;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, sk->data());
  sodium_memzero(sk->data(), sk->size());
  return kPrefix + to_base64(pk, sizeof pk);
}

std::optional<std::string> sign(const std::string& message, const std::string& secret_key) {
  if (!ready()) return std::nullopt;
  auto sk = key_bytes(secret_key, crypto_sign_SECRETKEYBYTES);
  if (!sk) return std::nullopt;
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), sk->data());
  sodium_memzero(sk->data(), sk->size());
  return to_base64(sig, sizeof sig);
}

bool verify_signature(const std::string& message, const std::string& signature,
                      const std::string& public_key) {
  if (!ready()) return false;
  auto pk = key_bytes(public_key, crypto_sign_PUBLICKEYBYTES);
  auto sig = from_base64(signature, crypto_sign_BYTES);
  if (!pk || !sig) return false;
  return crypto_sign_verify_detached(sig->data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), pk->data()) == 0;
}

std::string sha256_hex(const std::string& bytes) {
  ready();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

}  // namespace elva::identity
