// Single sign-on with OpenID Connect, the part that checks tokens (docs/operations.md#sso): a
// bearer token that is a JWT signed by the configured provider is accepted by the REST API,
// the task list and the cockpit as the person it names.
//
// The provider is found by its issuer URL (`/.well-known/openid-configuration` gives the
// JWKS address), its signing keys are read from there and cached; a token signed with a key the
// cache does not have makes Elva read the keys again (the provider rotated them), at most once
// per `jwks_refresh_min`. A token is accepted when, and only when:
// - its header names RS256/384/512, PS256/384/512 or ES256/384 (never "none" or an HMAC) and a
//   key of the provider's JWKS of that type, and the signature verifies with it;
// - `iss` is the configured issuer, exactly, and `aud` is or holds the configured audience;
// - `exp` is in the future and `nbf` (when present) is not, each within `leeway`.
// Messages say which rule failed, never the token or its claims' values.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/result.hpp"

namespace elva::server {

struct OidcSettings {
  std::string issuer;    // "https://login.kommun.se/realms/staff"
  std::string audience;  // what `aud` must hold (default: client_id)
  std::string client_id;
  std::string username_claim = "preferred_username";  // else `sub`
  std::string groups_claim = "groups";
  std::string roles_claim = "roles";
  std::string ca_file;  // extra trusted CA certificates (PEM) for the provider's HTTPS
  // The browser login (authorization code flow with PKCE): Elva's client at the provider.
  std::string client_secret;  // empty: a public client (PKCE alone)
  std::string redirect_uri;   // "https://elva.kommun.se/auth/callback", as registered there
  std::string scopes = "openid profile email";
  std::string post_logout_redirect_uri;  // where the provider sends people after logout
  std::chrono::seconds leeway{60};
  std::chrono::milliseconds jwks_refresh_min{10'000};
  std::chrono::milliseconds timeout{5'000};  // a discovery or JWKS read

  // From the [oidc] section of elva.toml (or one tenant's override). Errors: InvalidArgument
  // naming the setting; an issuer that is not https (http only on a loopback address, for tests
  // and development).
  static Result<OidcSettings> from_json(const nlohmann::json& section, const std::string& where);
};

// What a verified token says about its holder.
struct OidcIdentity {
  std::string user;  // the username claim (or sub)
  std::string name, email;
  std::vector<std::string> groups;  // from groups_claim (texts only; a path "/a/b" keeps "b")
  std::vector<std::string> roles;   // from roles_claim, only Elva's roles
};

// The browser login's own values: state, nonce and PKCE verifier (random, base64url), and the
// S256 challenge of a verifier.
std::string random_token();
std::string pkce_challenge(const std::string& verifier);

// `object[key]` when `object` is an object and that is a text, else "" (never throws: tokens,
// cookies and the provider's documents are read with it, whatever their types).
std::string json_text(const nlohmann::json& object, const std::string& key);

// A token with three base64url parts: what verify() takes (other bearer tokens are Elva's own).
bool looks_like_jwt(const std::string& token);

class OidcVerifier {
 public:
  explicit OidcVerifier(OidcSettings settings);
  ~OidcVerifier();
  OidcVerifier(const OidcVerifier&) = delete;
  OidcVerifier& operator=(const OidcVerifier&) = delete;

  // Thread-safe. Unauthenticated (401) for a token that fails a rule above; ConnectorFailed
  // (502) when the provider cannot be reached for its keys.
  Result<OidcIdentity> verify(const std::string& token);

  const OidcSettings& settings() const;

  // The browser login (docs/operations.md#single-sign-on-openid-connect). Each needs client_id
  // and redirect_uri (InvalidArgument without them) and reads the provider's discovery
  // document (ConnectorFailed when it cannot).
  // Where to send the browser: the authorization endpoint with this state, nonce and challenge.
  Result<std::string> authorization_url(const std::string& state, const std::string& nonce,
                                        const std::string& challenge);
  // The code the provider sent back, exchanged at its token endpoint (with the PKCE verifier
  // and, when configured, the client secret); the ID token checked (signature, iss, aud =
  // client_id, exp, and its nonce the one sent). Unauthenticated when the provider refuses or
  // the ID token breaks a rule.
  Result<OidcIdentity> redeem(const std::string& code, const std::string& verifier,
                              const std::string& nonce);
  // The provider's end-session address for this client ("" when it has none).
  Result<std::string> logout_url();

 private:
  Result<nlohmann::json> checked_claims(const std::string& token, const std::string& audience);
  OidcIdentity identity_of(const nlohmann::json& claims) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace elva::server
