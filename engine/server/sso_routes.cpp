// The browser login (sso_routes.hpp).
#include "server/sso_routes.hpp"

#include <nlohmann/json.hpp>

#include "server/routes/route.hpp"

namespace elva::server {
namespace {

using nlohmann::json;

constexpr const char* kCookie = "elva_sso";

Response redirect(const std::string& to) {
  Response r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.headers["Location"] = to;
  r.headers["Cache-Control"] = "no-store";
  r.body = "See " + to.substr(0, to.find('#')) + "\n";
  return r;
}

// A path on this server to return to: "/..." but not "//host" or "/\host" (no open redirect).
std::string local_path(const std::string& wanted, const std::string& fallback) {
  if (wanted.size() < 1 || wanted[0] != '/' || wanted.size() > 512) return fallback;
  if (wanted.size() > 1 && (wanted[1] == '/' || wanted[1] == '\\')) return fallback;
  for (unsigned char c : wanted)
    if (c < 0x21 || c == 0x7f || c == '#' || c == '\\') return fallback;
  return wanted;
}

std::string cookie_value(const Request& req, const std::string& name) {
  const std::string all = req.header("cookie");
  std::size_t at = 0;
  while (at < all.size()) {
    while (at < all.size() && (all[at] == ' ' || all[at] == ';')) ++at;
    const auto end = all.find(';', at);
    const std::string pair =
        all.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const auto eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return "";
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(const std::string& text) {
  std::string out;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (text.size() % 2) return "";
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = value(text[i]), lo = value(text[i + 1]);
    if (hi < 0 || lo < 0) return "";
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string reason_of(const Error& e) {
  std::string r = e.message;
  for (auto& c : r)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = ' ';
  std::string out;
  for (char c : r) {
    if (c == ' ') {
      if (!out.empty() && out.back() != '+') out += '+';
    } else {
      out += c;
    }
  }
  return out.substr(0, 200);
}

}  // namespace

Result<Principal> principal_for(const OidcIdentity& id, Engine& engine, const std::string& tenant,
                                const std::string& username_claim, bool* known_out) {
  auto known = engine.credentials(id.user);
  if (!known)
    return fail(Errc::Unauthenticated,
                known.error().code == Errc::InvalidArgument
                    ? "the single sign-on token names a user that cannot be an Elva user name (" +
                          username_claim + ")"
                    : known.error().message);
  if (known->disabled) return fail(Errc::Unauthenticated, "this user is disabled in Elva");
  if (known_out) *known_out = known->known;
  if (known->known) {
    auto who = known->who;
    who.tenant = tenant;
    return who;
  }
  Principal who;
  who.user = id.user;
  who.name = id.name.empty() ? id.user : id.name;
  who.email = id.email;
  who.groups = id.groups;
  who.roles = id.roles.empty() ? std::vector<std::string>{"employee"} : id.roles;
  who.tenant = tenant;
  return who;
}

Response sso_page(const Request& req, const std::string& path, const std::string& prefix,
                  OidcVerifier* sso, Engine& engine, const std::string& tenant,
                  std::int64_t session_ttl_ms, const std::function<void(const std::string&)>& log) {
  // What the person is told: the rule a refusal broke, or for a server failure only that it
  // happened and where the administrator finds it (the message goes to the log).
  auto reason = [&](const Error& e) {
    if (e.code == Errc::Unauthenticated || e.code == Errc::InvalidArgument) return reason_of(e);
    const Response p = problem_of(e, req.path, log);
    const json body = json::parse(p.body, nullptr, false);
    return reason_of(Error{e.code, body.is_object() ? json_text(body, "detail") : "", {}});
  };
  if (!sso || sso->settings().redirect_uri.empty())
    return problem(404,
                   "single sign-on in the browser is not configured here ([oidc] "
                   "redirect_uri and client_id in elva.toml)",
                   req.path);
  if (req.method != "GET") {
    auto p = problem(405, req.method + " is not allowed here (allowed: GET)", req.path);
    p.headers["Allow"] = "GET";
    return p;
  }
  const auto& s = sso->settings();
  const bool secure = s.redirect_uri.rfind("https://", 0) == 0;
  const std::string cookie_path = prefix + "/auth/";
  const std::string fallback = prefix + "/tasklist/";
  auto query = [&req](const char* k) {
    auto it = req.query.find(k);
    return it == req.query.end() ? std::string() : it->second;
  };
  if (path == "/auth/login") {
    const std::string state = random_token(), nonce = random_token(), verifier = random_token();
    auto url = sso->authorization_url(state, nonce, pkce_challenge(verifier));
    if (!url) return redirect(fallback + "#elva-sso-error=" + reason(url.error()));
    const json pending = {
        {"s", state}, {"n", nonce}, {"v", verifier}, {"r", local_path(query("return"), fallback)}};
    Response r = redirect(*url);
    r.headers["Set-Cookie"] = std::string(kCookie) + "=" + hex(pending.dump()) +
                              "; Path=" + cookie_path + "; Max-Age=600; HttpOnly; SameSite=Lax" +
                              (secure ? "; Secure" : "");
    return r;
  }
  if (path == "/auth/callback") {
    const json pending = json::parse(unhex(cookie_value(req, kCookie)), nullptr, false);
    const std::string back =
        pending.is_object() && pending.contains("r") && pending["r"].is_string()
            ? local_path(pending["r"].get<std::string>(), fallback)
            : fallback;
    auto done = [&](const std::string& fragment) {
      Response r = redirect(back + "#" + fragment);
      r.headers["Set-Cookie"] = std::string(kCookie) + "=; Path=" + cookie_path +
                                "; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
      return r;
    };
    if (!query("error").empty())
      return done("elva-sso-error=the+provider+did+not+log+you+in+" +
                  reason_of(Error{Errc::Unauthenticated, query("error").substr(0, 40), {}}));
    if (!pending.is_object() || json_text(pending, "s") == "" ||
        json_text(pending, "s") != query("state"))
      return done("elva-sso-error=this+login+was+not+started+here+or+took+too+long+try+again");
    auto id = sso->redeem(query("code"), json_text(pending, "v"), json_text(pending, "n"));
    if (!id) return done("elva-sso-error=" + reason(id.error()));
    bool known = false;
    auto who = principal_for(*id, engine, tenant, s.username_claim, &known);
    if (!who) return done("elva-sso-error=" + reason(who.error()));
    if (!known) {
      const json user = {{"id", who->user},
                         {"name", who->name},
                         {"email", who->email},
                         {"roles", who->roles},
                         {"groups", who->groups}};
      if (auto made = engine.import_users(json::array({user})); !made)
        return done("elva-sso-error=" + reason(made.error()));
    }
    auto session = engine.open_session(*who, session_ttl_ms);
    if (!session) return done("elva-sso-error=" + reason(session.error()));
    return done("elva-session=" + (*session)["token"].get<std::string>());
  }
  if (path == "/auth/logout") {
    auto url = sso->logout_url();
    if (!url || url->empty()) return redirect(fallback);
    return redirect(*url);
  }
  return problem(404, "there is nothing at " + req.path, req.path);
}

}  // namespace elva::server
