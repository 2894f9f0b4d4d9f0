// The browser login with OpenID Connect (authorization code flow with PKCE), outside /api/:
//   GET {prefix}/auth/login?return=PATH  -> the provider's login page
//   GET {prefix}/auth/callback           <- the provider sends the browser back here
//   GET {prefix}/auth/logout             -> the provider's logout page
// The login's state, nonce and PKCE verifier travel in a short-lived HttpOnly cookie (so any
// node of a cluster can take the callback); a successful callback opens an Elva session and
// sends the browser to PATH with `#elva-session=TOKEN` (the task list and the cockpit take it
// from there and drop it from the address); a failed one to `#elva-sso-error=REASON`.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "elva/engine.hpp"
#include "server/http_server.hpp"
#include "server/oidc.hpp"

namespace elva::server {

// The person a provider vouches for. Elva's own record of them (the HR import) decides their
// groups and roles, and a disabled one is refused; a person Elva does not know gets the
// token's groups and roles (employee when it names none).
// `known` (when given) tells whether Elva has a record of them.
Result<Principal> principal_for(const OidcIdentity& id, Engine& engine, const std::string& tenant,
                                const std::string& username_claim, bool* known = nullptr);

// `path` is the part after the tenant prefix ("/auth/login"). `sso` may be null (not
// configured: 404).
// A person Elva does not know becomes an Elva user at their first browser login (the
// provider's name, e-mail, groups and roles; no password), so that tasks, history and sessions
// have someone to refer to. `log` takes server failures (with a correlation id, no values).
Response sso_page(const Request& req, const std::string& path, const std::string& prefix,
                  OidcVerifier* sso, Engine& engine, const std::string& tenant,
                  std::int64_t session_ttl_ms, const std::function<void(const std::string&)>& log);

}  // namespace elva::server
