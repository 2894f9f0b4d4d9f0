// OidcVerifier (oidc.hpp): discovery and JWKS over HTTPS (Boost.Beast, OpenSSL), JWS signatures
// checked with OpenSSL 3's EVP interface, claims checked here.
#include "server/oidc.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <map>
#include <mutex>
#include <stdexcept>

#include "elva/base64.hpp"

namespace elva::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using nlohmann::json;
using tcp = asio::ip::tcp;

Error unauthenticated(const std::string& why) {
  return Error{Errc::Unauthenticated, "the single sign-on token is refused: " + why, {}};
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::shared_ptr<EVP_PKEY>;

Pkey own(EVP_PKEY* k) { return Pkey(k, PkeyFree()); }

// A public key from a JWK (RSA: n, e; EC P-256/P-384: crv, x, y); null when it is not one.
Pkey key_of(const json& jwk) {
  const std::string kty = json_text(jwk, "kty");
  auto text = [&jwk](const char* k) {
    auto it = jwk.find(k);
    return it != jwk.end() && it->is_string() ? base64_decode(it->get<std::string>(), Base64::Url)
                                              : std::optional<std::string>();
  };
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (!bld) return nullptr;
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> b(bld, OSSL_PARAM_BLD_free);
  std::vector<std::unique_ptr<BIGNUM, decltype(&BN_free)>> numbers;
  std::string point;
  const char* type = nullptr;
  if (kty == "RSA") {
    auto n = text("n"), e = text("e");
    if (!n || !e || n->empty() || e->empty()) return nullptr;
    for (const auto* part : {&*n, &*e})
      numbers.emplace_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(part->data()),
                                     static_cast<int>(part->size()), nullptr),
                           BN_free);
    if (!numbers[0] || !numbers[1] ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, numbers[0].get()) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, numbers[1].get()))
      return nullptr;
    type = "RSA";
  } else if (kty == "EC") {
    const std::string crv = json_text(jwk, "crv");
    const char* group = crv == "P-256" ? "prime256v1" : crv == "P-384" ? "secp384r1" : nullptr;
    const std::size_t size = crv == "P-256" ? 32 : 48;
    auto x = text("x"), y = text("y");
    if (!group || !x || !y || x->size() != size || y->size() != size) return nullptr;
    point = std::string(1, '\x04') + *x + *y;
    if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
      return nullptr;
    type = "EC";
  } else {
    return nullptr;
  }
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  if (!params) return nullptr;
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> p(params, OSSL_PARAM_free);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  if (!ctx) return nullptr;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> c(ctx, EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
      EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    return nullptr;
  return own(key);
}

struct Alg {
  const EVP_MD* digest;
  const char* kty;
  bool pss = false;
  std::size_t ec_size = 0;  // ES*: the size of r and of s
};

std::optional<Alg> alg_of(const std::string& name) {
  if (name == "RS256") return Alg{EVP_sha256(), "RSA"};
  if (name == "RS384") return Alg{EVP_sha384(), "RSA"};
  if (name == "RS512") return Alg{EVP_sha512(), "RSA"};
  if (name == "PS256") return Alg{EVP_sha256(), "RSA", true};
  if (name == "PS384") return Alg{EVP_sha384(), "RSA", true};
  if (name == "PS512") return Alg{EVP_sha512(), "RSA", true};
  if (name == "ES256") return Alg{EVP_sha256(), "EC", false, 32};
  if (name == "ES384") return Alg{EVP_sha384(), "EC", false, 48};
  return std::nullopt;
}

// A JWS ES signature is r || s; OpenSSL verifies DER.
std::optional<std::string> der_of(const std::string& raw, std::size_t size) {
  if (raw.size() != 2 * size) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (!sig) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> owned(sig, ECDSA_SIG_free);
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(size),
                        nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data() + size),
                        static_cast<int>(size), nullptr);
  if (!r || !s || !ECDSA_SIG_set0(sig, r, s)) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int n = i2d_ECDSA_SIG(sig, &der);
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

bool signature_holds(EVP_PKEY* key, const Alg& alg, const std::string& signed_part,
                     std::string signature) {
  if (alg.ec_size) {
    auto der = der_of(signature, alg.ec_size);
    if (!der) return false;
    signature = std::move(*der);
  }
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  if (!md) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> owned(md, EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(md, &pctx, alg.digest, nullptr, key) != 1) return false;
  if (alg.pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
    return false;
  return EVP_DigestVerify(
             md, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

struct Target {
  bool tls = true;
  std::string host, port, path;
};

std::optional<Target> target_of(const std::string& url) {
  Target t;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    t.tls = false;
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    t.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      t.port = authority.substr(close + 2);
  } else {
    const auto colon = authority.rfind(':');
    t.host = authority.substr(0, colon);
    if (colon != std::string::npos) t.port = authority.substr(colon + 1);
  }
  if (t.port.empty()) t.port = t.tls ? "443" : "80";
  return t;
}

bool loopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto a = asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

// application/x-www-form-urlencoded (and query) encoding: unreserved characters as they are.
std::string form_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string json_text(const json& object, const std::string& key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool looks_like_jwt(const std::string& token) {
  if (std::count(token.begin(), token.end(), '.') != 2) return false;
  return token.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") ==
         std::string::npos;
}

Result<OidcSettings> OidcSettings::from_json(const json& section, const std::string& where) {
  OidcSettings s;
  // Every setting once: its name and where it goes. A name not here is refused (a typo must
  // not switch a check off); "tenant" holds the tenants' own sections (server.cpp).
  const std::vector<std::pair<const char*, std::string*>> texts = {
      {"issuer", &s.issuer},
      {"audience", &s.audience},
      {"client_id", &s.client_id},
      {"client_secret", &s.client_secret},
      {"username_claim", &s.username_claim},
      {"groups_claim", &s.groups_claim},
      {"roles_claim", &s.roles_claim},
      {"ca_file", &s.ca_file},
      {"redirect_uri", &s.redirect_uri},
      {"scopes", &s.scopes},
      {"post_logout_redirect_uri", &s.post_logout_redirect_uri}};
  const std::vector<std::pair<const char*, std::chrono::milliseconds*>> durations = {
      {"jwks_refresh_min", &s.jwks_refresh_min}, {"timeout", &s.timeout}};
  for (const auto& [key, value] : section.items()) {
    auto named = [&key](const auto& list) {
      return std::any_of(list.begin(), list.end(),
                         [&key](const auto& e) { return key == e.first; });
    };
    if (key != "tenant" && key != "leeway" && !named(texts) && !named(durations))
      return fail(Errc::InvalidArgument, where + ": unknown setting '" + key + "'");
  }
  auto text = [&](const char* key, std::string& out) -> Result<void> {
    auto it = section.find(key);
    if (it == section.end()) return {};
    if (!it->is_string())
      return fail(Errc::InvalidArgument, where + ": " + key + " must be a text");
    out = it->get<std::string>();
    return {};
  };
  auto seconds = [&](const char* key, auto& out) -> Result<void> {
    auto it = section.find(key);
    if (it == section.end()) return {};
    if (!it->is_number() || it->template get<double>() < 0 || it->template get<double>() > 3600)
      return fail(Errc::InvalidArgument,
                  where + ": " + key + " must be a number of seconds from 0 to 3600");
    out = std::chrono::duration_cast<std::remove_reference_t<decltype(out)>>(
        std::chrono::duration<double>(it->template get<double>()));
    return {};
  };
  for (const auto& [key, out] : texts)
    if (auto r = text(key, *out); !r) return fail(r.error());
  for (const auto& [key, out] : durations)
    if (auto r = seconds(key, *out); !r) return fail(r.error());
  if (auto r = seconds("leeway", s.leeway); !r) return fail(r.error());  // whole seconds
  while (!s.issuer.empty() && s.issuer.back() == '/') s.issuer.pop_back();
  if (s.issuer.empty())
    return fail(Errc::InvalidArgument,
                where + ": issuer is missing (the provider's URL, as its tokens name it in iss)");
  auto t = target_of(s.issuer);
  if (!t) return fail(Errc::InvalidArgument, where + ": issuer must be an https:// URL");
  if (!t->tls && !loopback(t->host))
    return fail(Errc::InvalidArgument,
                where + ": issuer must be https:// (http:// only on this machine, for tests)");
  if (s.audience.empty()) s.audience = s.client_id;
  if (s.audience.empty())
    return fail(Errc::InvalidArgument,
                where +
                    ": set audience (what the provider's tokens for Elva carry in aud) or "
                    "client_id");
  if (s.username_claim.empty()) s.username_claim = "preferred_username";
  if (!s.redirect_uri.empty()) {
    auto r = target_of(s.redirect_uri);
    if (!r || (!r->tls && !loopback(r->host)) ||
        r->path.find("/auth/callback") == std::string::npos)
      return fail(Errc::InvalidArgument,
                  where +
                      ": redirect_uri must be Elva's https:// address ending in /auth/callback "
                      "(/t/NAME/auth/callback for a tenant)");
    if (s.client_id.empty())
      return fail(Errc::InvalidArgument,
                  where + ": the browser login (redirect_uri) needs client_id");
  }
  if (s.scopes.find("openid") == std::string::npos) s.scopes = "openid " + s.scopes;
  return s;
}

struct OidcVerifier::Impl {
  OidcSettings settings;
  std::mutex mutex;
  std::string jwks_uri;
  json discovery;
  std::map<std::string, std::pair<std::string, Pkey>> keys;  // kid -> (kty, key)
  std::chrono::steady_clock::time_point read_at{};
  bool read_once = false;

  // One request, a POST when `form` is given; the body of a 200 answer (Unauthenticated for a
  // refused POST: the provider did not take the code).
  Result<std::string> get(const std::string& url, const std::string& form = "",
                          const std::string& authorization = "") {
    auto t = target_of(url);
    if (!t) return fail(Errc::ConnectorFailed, "the provider gave an address that is not a URL");
    if (!t->tls && !loopback(t->host))
      return fail(Errc::ConnectorFailed, "the provider gave an http:// address; Elva needs https");
    asio::io_context io;
    const auto until = std::chrono::steady_clock::now() + settings.timeout;
    beast::tcp_stream tcp(io);
    ssl::context tls_ctx(ssl::context::tls_client);
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream&>> tls;
    boost::system::error_code ec;
    const std::string where = t->host + ":" + t->port;
    tcp::resolver resolver(io);
    auto resolved = resolver.resolve(t->host, t->port, ec);
    if (ec) return fail(Errc::ConnectorFailed, "cannot resolve the provider " + t->host);
    tcp.expires_at(until);
    tcp.async_connect(resolved,
                      [&ec](const boost::system::error_code& e, const tcp::endpoint&) { ec = e; });
    io.run();
    if (ec) return fail(Errc::ConnectorFailed, "cannot connect to the provider at " + where);
    if (t->tls) {
      tls_ctx.set_default_verify_paths();
      if (!settings.ca_file.empty()) tls_ctx.load_verify_file(settings.ca_file, ec);
      if (ec) return fail(Errc::ConnectorFailed, "ca_file " + settings.ca_file + " is unusable");
      tls_ctx.set_verify_mode(ssl::verify_peer);
      tls = std::make_unique<beast::ssl_stream<beast::tcp_stream&>>(tcp, tls_ctx);
      SSL_set_tlsext_host_name(tls->native_handle(), t->host.c_str());
      SSL_set1_host(tls->native_handle(), t->host.c_str());
      tcp.expires_at(until);
      tls->async_handshake(ssl::stream_base::client,
                           [&ec](const boost::system::error_code& e) { ec = e; });
      io.restart();
      io.run();
      if (ec)
        return fail(Errc::ConnectorFailed,
                    "the TLS handshake with the provider at " + where + " failed");
    }
    http::request<http::string_body> req{form.empty() ? http::verb::get : http::verb::post, t->path,
                                         11};
    if (!form.empty()) {
      req.set(http::field::content_type, "application/x-www-form-urlencoded");
      req.body() = form;
      req.prepare_payload();
    }
    if (!authorization.empty()) req.set(http::field::authorization, authorization);
    const bool default_port = t->port == (t->tls ? "443" : "80");
    const std::string host = t->host.find(':') != std::string::npos ? "[" + t->host + "]" : t->host;
    req.set(http::field::host, default_port ? host : host + ":" + t->port);
    req.set(http::field::user_agent, "Elva");
    req.set(http::field::accept, "application/json");
    http::response_parser<http::string_body> parser;
    parser.body_limit(1u << 20);
    beast::flat_buffer buffer;
    auto on = [&ec](const boost::system::error_code& e, std::size_t) { ec = e; };
    tcp.expires_at(until);
    if (tls) {
      http::async_write(*tls, req, on);
    } else {
      http::async_write(tcp, req, on);
    }
    io.restart();
    io.run();
    if (!ec) {
      if (tls)
        http::async_read(*tls, buffer, parser, on);
      else
        http::async_read(tcp, buffer, parser, on);
      io.restart();
      io.run();
    }
    if (ec) return fail(Errc::ConnectorFailed, "no answer from the provider at " + where);
    const auto status = parser.get().result_int();
    if (!form.empty() && status >= 400 && status < 500) {
      const json e = json::parse(parser.get().body(), nullptr, false);
      const std::string code = e.is_object() ? json_text(e, "error") : "";
      return fail(Errc::Unauthenticated,
                  "the provider refused the login (" +
                      (code.empty() ? std::to_string(status) : code.substr(0, 40)) + ")");
    }
    if (status != 200)
      return fail(Errc::ConnectorFailed, "the provider at " + where + " answered " +
                                             std::to_string(parser.get().result_int()) + " for " +
                                             t->path);
    return parser.get().body();
  }

  // The discovery document, read once. Holds the mutex.
  Result<void> discover() {
    if (!jwks_uri.empty()) return {};
    auto d = get(settings.issuer + "/.well-known/openid-configuration");
    if (!d) return fail(d.error());
    json doc = json::parse(*d, nullptr, false);
    if (!doc.is_object() || !doc.contains("jwks_uri") || !doc["jwks_uri"].is_string())
      return fail(Errc::ConnectorFailed, "the provider's discovery document has no jwks_uri");
    if (json_text(doc, "issuer") != settings.issuer &&
        json_text(doc, "issuer") != settings.issuer + "/")
      return fail(Errc::ConnectorFailed,
                  "the provider at " + settings.issuer + " calls itself " +
                      (json_text(doc, "issuer").empty() ? std::string("nothing")
                                                        : json_text(doc, "issuer")) +
                      "; set issuer to that");
    discovery = doc;
    jwks_uri = doc["jwks_uri"].get<std::string>();
    return {};
  }

  // An endpoint of the discovery document ("" when the provider has none).
  Result<std::string> endpoint(const char* name) {
    std::lock_guard lock(mutex);
    if (auto d = discover(); !d) return fail(d.error());
    auto it = discovery.find(name);
    return it != discovery.end() && it->is_string() ? it->get<std::string>() : std::string();
  }

  // Reads the JWKS (and first the discovery document). Holds the mutex.
  Result<void> read_keys() {
    read_at = std::chrono::steady_clock::now();
    read_once = true;
    if (auto d = discover(); !d) return fail(d.error());
    auto k = get(jwks_uri);
    if (!k) return fail(k.error());
    json set = json::parse(*k, nullptr, false);
    if (!set.is_object() || !set.contains("keys") || !set["keys"].is_array())
      return fail(Errc::ConnectorFailed, "the provider's JWKS is not a key set");
    std::map<std::string, std::pair<std::string, Pkey>> fresh;
    for (const auto& jwk : set["keys"]) {
      if (!jwk.is_object() || (jwk.contains("use") && json_text(jwk, "use") != "sig")) continue;
      auto key = key_of(jwk);
      if (!key) continue;
      fresh[json_text(jwk, "kid")] = {json_text(jwk, "kty"), key};
    }
    keys = std::move(fresh);
    return {};
  }

  // The key for `kid`, reading the keys again when it is not known (at most once per
  // jwks_refresh_min).
  Result<std::pair<std::string, Pkey>> key(const std::string& kid, const std::string& kty) {
    std::lock_guard lock(mutex);
    auto find = [&]() -> std::optional<std::pair<std::string, Pkey>> {
      if (!kid.empty()) {
        auto it = keys.find(kid);
        if (it != keys.end()) return it->second;
        return std::nullopt;
      }
      std::optional<std::pair<std::string, Pkey>> only;
      for (const auto& [_, k] : keys) {
        if (k.first != kty) continue;
        if (only) return std::nullopt;  // without a kid, only a single key of the type will do
        only = k;
      }
      return only;
    };
    if (auto k = find()) return *k;
    if (read_once && std::chrono::steady_clock::now() - read_at < settings.jwks_refresh_min)
      return fail(unauthenticated("it is signed with a key the provider does not publish"));
    if (auto r = read_keys(); !r) return fail(r.error());
    if (auto k = find()) return *k;
    return fail(unauthenticated("it is signed with a key the provider does not publish"));
  }
};

OidcVerifier::OidcVerifier(OidcSettings settings) : impl_(std::make_unique<Impl>()) {
  impl_->settings = std::move(settings);
}
OidcVerifier::~OidcVerifier() = default;

const OidcSettings& OidcVerifier::settings() const { return impl_->settings; }

// The token's claims, when its signature verifies with the provider's key, it names the issuer,
// holds `audience` and has not expired.
Result<json> OidcVerifier::checked_claims(const std::string& token, const std::string& audience) {
  const auto& s = impl_->settings;
  if (!looks_like_jwt(token)) return fail(unauthenticated("it is not a JWT"));
  const auto a = token.find('.'), b = token.find('.', a + 1);
  auto header_text = base64_decode(token.substr(0, a), Base64::Url);
  auto payload_text = base64_decode(token.substr(a + 1, b - a - 1), Base64::Url);
  auto signature = base64_decode(token.substr(b + 1), Base64::Url);
  if (!header_text || !payload_text || !signature)
    return fail(unauthenticated("it is not base64url"));
  const json header = json::parse(*header_text, nullptr, false);
  const json claims = json::parse(*payload_text, nullptr, false);
  if (!header.is_object() || !claims.is_object())
    return fail(unauthenticated("its header or claims are not JSON objects"));
  const std::string alg_name = json_text(header, "alg");
  auto alg = alg_of(alg_name);
  if (!alg)
    return fail(unauthenticated("its algorithm '" + alg_name.substr(0, 10) +
                                "' is not one Elva accepts (RS*, PS*, ES256, ES384)"));
  if (header.contains("crit")) return fail(unauthenticated("it has critical header extensions"));
  const std::string kid = header.contains("kid") && header["kid"].is_string()
                              ? header["kid"].get<std::string>()
                              : std::string();
  auto key = impl_->key(kid, alg->kty);
  if (!key) return fail(key.error());
  if (key->first != alg->kty)
    return fail(unauthenticated("its algorithm does not fit the provider's key"));
  if (!signature_holds(key->second.get(), *alg, token.substr(0, b), *signature))
    return fail(unauthenticated("its signature does not verify"));
  // The claims, only now that they are the provider's.
  if (!claims.contains("iss") || !claims["iss"].is_string() ||
      (claims["iss"].get<std::string>() != s.issuer &&
       claims["iss"].get<std::string>() != s.issuer + "/"))
    return fail(unauthenticated("it was issued by another provider (iss)"));
  bool meant = false;
  if (auto it = claims.find("aud"); it != claims.end()) {
    if (it->is_string()) meant = it->get<std::string>() == audience;
    if (it->is_array())
      for (const auto& x : *it) meant |= x.is_string() && x.get<std::string>() == audience;
  }
  if (!meant) return fail(unauthenticated("it is not meant for Elva (aud)"));
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const auto leeway = s.leeway.count();
  if (!claims.contains("exp") || !claims["exp"].is_number())
    return fail(unauthenticated("it has no expiry (exp)"));
  if (claims["exp"].get<double>() + static_cast<double>(leeway) <= static_cast<double>(now))
    return fail(unauthenticated("it has expired"));
  if (claims.contains("nbf") && claims["nbf"].is_number() &&
      claims["nbf"].get<double>() > static_cast<double>(now + leeway))
    return fail(unauthenticated("it is not valid yet (nbf)"));
  return claims;
}

OidcIdentity OidcVerifier::identity_of(const json& claims) const {
  const auto& s = impl_->settings;
  OidcIdentity who;
  auto text = [&claims](const std::string& k) {
    auto it = claims.find(k);
    return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  who.user = text(s.username_claim);
  if (who.user.empty()) who.user = text("sub");
  // (checked by the callers: an empty user is refused there)
  who.name = text("name");
  who.email = text("email");
  if (auto it = claims.find(s.groups_claim); it != claims.end() && it->is_array()) {
    for (const auto& g : *it) {
      if (!g.is_string()) continue;
      std::string name = g.get<std::string>();
      if (const auto slash = name.rfind('/'); slash != std::string::npos)
        name = name.substr(slash + 1);  // Keycloak's "/staff/hr" is the unit "hr"
      if (!name.empty()) who.groups.push_back(name);
    }
  }
  if (auto it = claims.find(s.roles_claim); it != claims.end() && it->is_array()) {
    for (const auto& r : *it) {
      if (!r.is_string()) continue;
      const std::string role = r.get<std::string>();
      if (role == "admin" || role == "developer" || role == "employee" || role == "worker")
        who.roles.push_back(role);
    }
  }
  return who;
}

Result<OidcIdentity> OidcVerifier::verify(const std::string& token) {
  auto claims = checked_claims(token, impl_->settings.audience);
  if (!claims) return fail(claims.error());
  auto who = identity_of(*claims);
  if (who.user.empty())
    return fail(unauthenticated("it names no user (" + impl_->settings.username_claim + ")"));
  return who;
}

Result<std::string> OidcVerifier::authorization_url(const std::string& state,
                                                    const std::string& nonce,
                                                    const std::string& challenge) {
  const auto& s = impl_->settings;
  if (s.redirect_uri.empty())
    return fail(Errc::InvalidArgument,
                "the browser login is not configured ([oidc] redirect_uri and client_id)");
  auto at = impl_->endpoint("authorization_endpoint");
  if (!at) return fail(at.error());
  if (at->empty())
    return fail(Errc::ConnectorFailed, "the provider names no authorization_endpoint");
  return *at + (at->find('?') == std::string::npos ? "?" : "&") +
         "response_type=code&client_id=" + form_encode(s.client_id) +
         "&redirect_uri=" + form_encode(s.redirect_uri) + "&scope=" + form_encode(s.scopes) +
         "&state=" + state + "&nonce=" + nonce + "&code_challenge=" + challenge +
         "&code_challenge_method=S256";
}

Result<OidcIdentity> OidcVerifier::redeem(const std::string& code, const std::string& verifier,
                                          const std::string& nonce) {
  const auto& s = impl_->settings;
  if (s.redirect_uri.empty())
    return fail(Errc::InvalidArgument,
                "the browser login is not configured ([oidc] redirect_uri and client_id)");
  auto at = impl_->endpoint("token_endpoint");
  if (!at) return fail(at.error());
  if (at->empty()) return fail(Errc::ConnectorFailed, "the provider names no token_endpoint");
  std::string form = "grant_type=authorization_code&code=" + form_encode(code) +
                     "&redirect_uri=" + form_encode(s.redirect_uri) +
                     "&code_verifier=" + form_encode(verifier);
  std::string authorization;
  if (s.client_secret.empty()) {
    form += "&client_id=" + form_encode(s.client_id);
  } else {
    // client_secret_basic (RFC 6749 2.3.1: each part form-encoded first).
    const std::string pair = form_encode(s.client_id) + ":" + form_encode(s.client_secret);
    std::string encoded(4 * ((pair.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                  reinterpret_cast<const unsigned char*>(pair.data()),
                                  static_cast<int>(pair.size()));
    encoded.resize(static_cast<std::size_t>(n));
    authorization = "Basic " + encoded;
  }
  auto answer = impl_->get(*at, form, authorization);
  if (!answer) return fail(answer.error());
  const json tokens = json::parse(*answer, nullptr, false);
  if (!tokens.is_object() || !tokens.contains("id_token") || !tokens["id_token"].is_string())
    return fail(unauthenticated("the provider's answer has no ID token"));
  auto claims = checked_claims(tokens["id_token"].get<std::string>(), s.client_id);
  if (!claims) return fail(claims.error());
  if (json_text(*claims, "nonce") != nonce)
    return fail(unauthenticated("its nonce is not the one this login sent"));
  // Many providers keep profile claims (name, groups, roles) out of the ID token and answer
  // them at the userinfo endpoint: read it when there is one, and take what it says of the
  // same subject (OpenID Connect Core 5.3.2).
  json merged = *claims;
  if (auto access = tokens.find("access_token"); access != tokens.end() && access->is_string()) {
    auto where = impl_->endpoint("userinfo_endpoint");
    if (where && !where->empty()) {
      auto info = impl_->get(*where, "", "Bearer " + access->get<std::string>());
      const json extra = info ? json::parse(*info, nullptr, false) : json();
      if (extra.is_object() && json_text(extra, "sub") == json_text(*claims, "sub") &&
          !json_text(*claims, "sub").empty())
        for (const auto& [k, v] : extra.items())
          if (!merged.contains(k)) merged[k] = v;
    }
  }
  auto who = identity_of(merged);
  if (who.user.empty()) return fail(unauthenticated("it names no user (" + s.username_claim + ")"));
  return who;
}

Result<std::string> OidcVerifier::logout_url() {
  const auto& s = impl_->settings;
  auto at = impl_->endpoint("end_session_endpoint");
  if (!at) return fail(at.error());
  if (at->empty()) return std::string();
  std::string url = *at + (at->find('?') == std::string::npos ? "?" : "&") +
                    "client_id=" + form_encode(s.client_id);
  if (!s.post_logout_redirect_uri.empty())
    url += "&post_logout_redirect_uri=" + form_encode(s.post_logout_redirect_uri);
  return url;
}

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness");
  return base64_encode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes), Base64::Url);
}

std::string pkce_challenge(const std::string& verifier) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(verifier.data(), verifier.size(), digest, &size, EVP_sha256(), nullptr);
  return base64_encode(std::string_view(reinterpret_cast<char*>(digest), size), Base64::Url);
}

}  // namespace elva::server
