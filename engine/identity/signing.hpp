// Publisher signatures for process packages (docs/sharing.md#publishing-a-package): Ed25519
// (libsodium's crypto_sign_detached) and SHA-256 file digests. Keys travel as text:
// "ed25519:" + standard base64 of the 32-byte public key or the 64-byte secret key (seed and
// public key, as libsodium keeps it). Thread-safe; never throws.
#pragma once

#include <optional>
#include <string>

namespace elva::identity {

struct SigningKeys {
  std::string public_key;  // "ed25519:..." (44 base64 characters)
  std::string secret_key;  // "ed25519:..." (88 base64 characters)
};

// A new random key pair.
SigningKeys new_signing_keys();
// The public key of a secret key; nullopt when `secret_key` is not an "ed25519:" secret key.
std::optional<std::string> public_key_of(const std::string& secret_key);
// The signature of `message` as standard base64 (64 bytes); nullopt for a malformed key.
std::optional<std::string> sign(const std::string& message, const std::string& secret_key);
// True when `signature` (base64) is `public_key`'s signature of `message`. False for anything
// malformed.
bool verify_signature(const std::string& message, const std::string& signature,
                      const std::string& public_key);
// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);

}  // namespace elva::identity
