// elva.toml (connectors.hpp). TOML through toml++; each section becomes JSON Settings.
#include "elva/connectors.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "eservice/eservice_connector.hpp"
#include "hr/hr_connector.hpp"
#include "http/http_connector.hpp"
#include "lottery/lottery_connector.hpp"
#include "mail/mail_connector.hpp"
#include "plugin/connector_plugin.hpp"
#include "support/settings.hpp"

namespace elva::connectors {
namespace {

using nlohmann::json;

json to_json(const toml::node& node) {
  if (auto t = node.as_table()) {
    json out = json::object();
    for (const auto& [k, v] : *t) out[std::string(k.str())] = to_json(v);
    return out;
  }
  if (auto a = node.as_array()) {
    json out = json::array();
    for (const auto& v : *a) out.push_back(to_json(v));
    return out;
  }
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return i->get();
  if (auto f = node.as_floating_point()) return f->get();
  if (auto b = node.as_boolean()) return b->get();
  std::ostringstream text;
  if (auto d = node.as_date())
    text << *d;
  else if (auto tm = node.as_time())
    text << *tm;
  else if (auto dt = node.as_date_time())
    text << *dt;
  return text.str();
}

bool is_secret_ref(const json& v) {
  return v.is_object() && v.size() == 1 && (v.contains("env") || v.contains("file"));
}

bool sounds_secret(const std::string& key) {
  for (const char* word : {"password", "token", "secret", "api_key", "apikey", "private_key"}) {
    if (key.find(word) != std::string::npos) return true;
  }
  return false;
}

// Resolves secret references in place; `shown` gets where each came from instead.
Result<void> resolve(json& values, json& shown, const std::string& where) {
  for (auto& [k, v] : values.items()) {
    if (is_secret_ref(v)) {
      auto secret = read_secret(v);
      if (!secret)
        return fail(Errc::InvalidArgument, where + ": " + k + ": " + secret.error().message);
      shown[k] = v.contains("env") ? "(secret from $" + v["env"].get<std::string>() + ")"
                                   : "(secret from " + v["file"].get<std::string>() + ")";
      v = *secret;
    } else if (v.is_string() && sounds_secret(k)) {
      return fail(Errc::InvalidArgument,
                  where + ": " + k +
                      " is written into the file; read it from the environment or a file "
                      "instead: " +
                      k + " = { env = \"ELVA_" + k + "\" } or { file = \"/run/secrets/...\" }");
    } else if (v.is_object()) {
      if (auto r = resolve(v, shown[k], where); !r) return r;
    }
  }
  return {};
}

// The settings each kind reads (docs/connectors.md, docs/security.md). Any other name is
// refused: a typo such as `deny_privat = true` would otherwise switch a protection off without a
// word. Plugins take any settings (they are handed to the plugin).
const std::map<std::string, std::vector<std::string>>& known_settings() {
  static const std::vector<std::string> kEgress = {"deny_private", "allowed_networks",
                                                   "denied_networks"};
  static const std::map<std::string, std::vector<std::string>> kKnown = [] {
    std::map<std::string, std::vector<std::string>> k = {
        {"http",
         {"base_url", "headers", "bearer_token", "username", "password", "error_codes", "ca_file",
          "verify_tls", "allowed_hosts", "denied_hosts"}},
        {"hr", {"url", "token", "page_size", "ca_file", "verify_tls"}},
        {"eservice", {"portal_url", "token", "ca_file", "verify_tls"}},
        {"mail",
         {"host", "port", "tls", "username", "password", "from", "templates", "ca_file",
          "verify_tls"}},
        {"lottery", {}}};
    for (const char* kind : {"http", "hr", "eservice"})
      k[kind].insert(k[kind].end(), kEgress.begin(), kEgress.end());
    for (const char* kind : {"http", "hr", "eservice", "mail"}) k[kind].push_back("max_in_flight");
    for (auto& [_, keys] : k) {
      keys.push_back("kind");
      keys.push_back("timeout");
    }
    return k;
  }();
  return kKnown;
}

Result<void> check_settings(const std::string& kind, const Settings& s) {
  const auto known = known_settings().find(kind);
  if (known == known_settings().end()) return {};  // plugin, or a kind make() refuses
  for (const auto& [key, _] : s.values.items()) {
    if (std::find(known->second.begin(), known->second.end(), key) != known->second.end()) continue;
    std::string list;
    for (const auto& k : known->second) list += (list.empty() ? "" : ", ") + k;
    return fail(
        s.error("unknown setting '" + key + "' for a " + kind + " connector; it takes " + list));
  }
  return {};
}

Result<std::shared_ptr<connector::Connector>> make(const std::string& kind, const Settings& s) {
  if (auto r = check_settings(kind, s); !r) return fail(r.error());
  if (kind == "http") return make_http_connector(s);
  if (kind == "hr") return make_hr_connector(s);
  if (kind == "mail") return make_mail_connector(s);
  if (kind == "eservice") return make_eservice_connector(s);
  if (kind == "plugin") return load_plugin_connector(s);
  if (kind == "lottery") return make_lottery_connector(s);
  return fail(
      s.error("kind = \"" + kind +
              "\" is not a connector kind; use http, hr, mail, eservice, lottery or plugin"));
}

}  // namespace

Result<std::string> read_secret(const json& ref) {
  if (ref.contains("env")) {
    const std::string name = ref["env"].is_string() ? ref["env"].get<std::string>() : "";
    const char* v = std::getenv(name.c_str());
    if (!v) return fail(Errc::InvalidArgument, "the environment variable " + name + " is not set");
    return std::string(v);
  }
  const std::string path = ref["file"].is_string() ? ref["file"].get<std::string>() : "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::InvalidArgument, "the secret file " + path + " cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

namespace {

// The configuration file's path ("" = $ELVA_CONFIG, else none) and its contents as JSON.
Result<std::pair<std::string, json>> read_document(const std::string& given) {
  std::string path = given;
  if (path.empty()) {
    if (const char* env = std::getenv("ELVA_CONFIG"); env && *env) path = env;
  }
  json doc = json::object();
  if (!path.empty()) {
    std::ifstream probe(path);
    if (!probe)
      return fail(Errc::InvalidArgument, path + ": the configuration file cannot be read");
    auto read = read_toml_file(path);
    if (!read) return fail(read.error());
    doc = std::move(*read);
  }
  return std::make_pair(path, std::move(doc));
}

}  // namespace

Result<json> read_toml_file(const std::string& path) {
  std::ifstream probe(path);
  if (!probe) return fail(Errc::InvalidArgument, path + ": cannot be read");
  try {
    return to_json(toml::parse_file(path));
  } catch (const toml::parse_error& e) {
    return fail(Errc::InvalidArgument, path + ":" + std::to_string(e.source().begin.line) + ":" +
                                           std::to_string(e.source().begin.column) + ": " +
                                           std::string(e.description()));
  }
}

Result<json> load_calendar(const std::string& given) {
  auto doc = read_document(given);
  if (!doc) return fail(doc.error());
  return doc->second.value("calendar", json::object());
}

Result<Config> load_config(const std::string& given) {
  Config c;
  c.registry = std::make_shared<connector::Registry>();
  c.registry->add(connector::builtin_connector("elva"));
  auto read = read_document(given);
  if (!read) return fail(read.error());
  const std::string path = read->first;
  c.file = path;
  const json doc = std::move(read->second);
  for (const auto& [key, _] : doc.items()) {
    if (key != "connectors" && key != "eservice" && key != "notifications" && key != "calendar" &&
        key != "oidc") {
      return fail(Errc::InvalidArgument, path + ": unknown section [" + key +
                                             "]; Elva reads [connectors.NAME], [eservice.FORM], "
                                             "[notifications], [calendar] and [oidc]");
    }
  }
  json sections = doc.value("connectors", json::object());
  // Connectors that need no settings are always there.
  if (!sections.contains("http")) sections["http"] = json::object();
  if (!sections.contains("lottery")) sections["lottery"] = json::object();
  for (auto& [name, section] : sections.items()) {
    const std::string where =
        (path.empty() ? std::string("built-in") : path) + " [connectors." + name + "]";
    if (!section.is_object()) return fail(Errc::InvalidArgument, where + " must be a table");
    if (name == "elva")
      return fail(Errc::InvalidArgument,
                  where + ": the name elva is reserved for the built-in connector");
    if (name.find('.') != std::string::npos)
      return fail(Errc::InvalidArgument, where + ": a connector name cannot contain a dot");
    Settings s;
    s.name = name;
    s.where = where;
    s.values = section;
    s.shown = section;
    if (auto r = resolve(s.values, s.shown, where); !r) return fail(r.error());
    const std::string kind = s.text("kind", name);
    auto made = make(kind, s);
    if (!made) return fail(made.error());
    c.registry->add(std::move(*made));
  }
  c.eservice = doc.value("eservice", json::object());
  c.notifications = doc.value("notifications", json::object());
  c.calendar = doc.value("calendar", json::object());
  c.oidc = doc.value("oidc", json::object());
  if (!c.oidc.is_object()) return fail(Errc::InvalidArgument, path + ": [oidc] must be a table");
  json shown = c.oidc;
  if (auto r = resolve(c.oidc, shown, path + " [oidc]"); !r) return fail(r.error());
  return c;
}

}  // namespace elva::connectors
