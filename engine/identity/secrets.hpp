// Secrets: password hashes (Argon2id, libsodium's crypto_pwhash_str with its "interactive"
// limits: 64 MiB and 2 passes, about 0.1 s on this machine: slow for a guesser, fine for a
// login) and bearer tokens (256 random bits; only their SHA-256 is stored).
#pragma once

#include <string>

#include "elva/result.hpp"

namespace elva::identity {

// "$argon2id$v=19$m=65536,t=2,p=1$...". Errors: Internal when libsodium cannot get the memory.
Result<std::string> hash_password(const std::string& password);
// False for a wrong password and for anything that is not an Argon2id hash.
bool verify_password(const std::string& hash, const std::string& password);
// A new bearer token: "elva_" + 43 characters of URL-safe base64.
std::string new_token();
// Hex SHA-256 of a token, as stored in the tokens table.
std::string token_hash(const std::string& token);

}  // namespace elva::identity
