// Process packages: build, sign, verify, fill in parameters (elva/package.hpp).
#include "elva/package.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "dmn/dmn.hpp"
#include "elva/json_limits.hpp"
#include "exec/deployer.hpp"
#include "forms/translations.hpp"
#include "identity/signing.hpp"
#include "model/element.hpp"

namespace elva {
namespace {

using json = nlohmann::json;

constexpr const char* kFormat = "elva-package/1";
constexpr std::string_view kOpen = "{{param:";

std::string ends(const std::string& name, std::size_t n) {
  return name.size() >= n ? name.substr(name.size() - n) : "";
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool deployable_file(const std::string& path) {
  const std::string name = base_name(path);
  return exec::is_bpmn_file(name) || exec::is_dmn_file(name) || exec::is_form_file(name) ||
         (!forms::translation_language(path).empty() && ends(name, 14) != ".scenario.json");
}

// A path inside the package: relative, '/'-separated, without empty, "." or ".." parts.
bool safe_path(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos || path.size() > 512)
    return false;
  std::stringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return path.back() != '/';
}

bool valid_name(const std::string& name, bool package) {
  if (name.empty() || name.size() > 100) return false;
  for (char c : name) {
    const bool ok =
        package ? (std::islower(static_cast<unsigned char>(c)) ||
                   std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.')
                : (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
    if (!ok) return false;
  }
  return std::isalnum(static_cast<unsigned char>(name.front()));
}

// The names in {{param:NAME}} placeholders of `text`, in order of first use.
std::vector<std::string> placeholders(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t at = text.find(kOpen); at != std::string::npos; at = text.find(kOpen, at + 1)) {
    const auto close = text.find("}}", at);
    if (close == std::string::npos) break;
    std::string name = text.substr(at + kOpen.size(), close - at - kOpen.size());
    if (valid_name(name, false) && std::find(out.begin(), out.end(), name) == out.end())
      out.push_back(std::move(name));
  }
  return out;
}

std::string fill(const std::string& text, const json& values) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t at = text.find(kOpen); at != std::string::npos; at = text.find(kOpen, from)) {
    const auto close = text.find("}}", at);
    if (close == std::string::npos) break;
    const std::string name = text.substr(at + kOpen.size(), close - at - kOpen.size());
    if (!valid_name(name, false)) {  // not a placeholder ("{{param:...}}" in a comment)
      out.append(text, from, at + kOpen.size() - from);
      from = at + kOpen.size();
      continue;
    }
    out.append(text, from, at - from);
    out += values.value(name, std::string());
    from = close + 2;
  }
  out.append(text, from, std::string::npos);
  return out;
}

struct Version {
  long major = 0, minor = 0, patch = 0;
  auto key() const { return std::tie(major, minor, patch); }
};

// "1", "1.2", "1.2.3", "1.2.3-rc.1" (the pre-release part is not compared).
std::optional<Version> read_version(std::string text, bool partial) {
  const auto dash = text.find_first_of("-+");
  if (dash != std::string::npos) text.resize(dash);
  Version v;
  long* parts[] = {&v.major, &v.minor, &v.patch};
  std::stringstream in(text);
  std::string part;
  int n = 0;
  while (std::getline(in, part, '.')) {
    if (n == 3 || part.empty() || part.size() > 9 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(c); }))
      return std::nullopt;
    *parts[n++] = std::stol(part);
  }
  if (n == 0 || (!partial && n != 3) || text.back() == '.') return std::nullopt;
  return v;
}

std::string manifest_text(const json& manifest) {
  return std::string(kFormat) + "\n" + manifest.dump();
}

Result<void> check_source(const json& s) {
  auto text = [&](const char* key, bool required) -> Result<void> {
    if (!s.contains(key)) {
      if (required) return fail(Errc::InvalidArgument, std::string(key) + ": missing");
      return {};
    }
    if (!s[key].is_string() || (required && s[key].get<std::string>().empty()))
      return fail(Errc::InvalidArgument, std::string(key) + ": must be a text");
    return {};
  };
  for (auto [key, required] : {std::pair{"name", true},
                               {"version", true},
                               {"license", true},
                               {"elva", true},
                               {"description", false}})
    if (auto r = text(key, required); !r) return r;
  if (!valid_name(s["name"], true))
    return fail(Errc::InvalidArgument,
                "name: lower-case letters, digits, '-' and '.', starting with a letter or digit");
  if (!read_version(s["version"], false))
    return fail(Errc::InvalidArgument, "version: a semantic version such as 1.0.0");
  if (auto r = version_satisfies("0.0.0", s["elva"]); !r)
    return fail(Errc::InvalidArgument, "elva: " + r.error().message);
  if (s.contains("authors") &&
      !(s["authors"].is_array() && std::all_of(s["authors"].begin(), s["authors"].end(),
                                               [](const json& a) { return a.is_string(); })))
    return fail(Errc::InvalidArgument, "authors: must be a list of texts");
  if (s.contains("parameters")) {
    if (!s["parameters"].is_object())
      return fail(Errc::InvalidArgument, "parameters: must be a table of parameters");
    for (const auto& [name, p] : s["parameters"].items()) {
      const std::string where = "parameters." + name;
      if (!valid_name(name, false))
        return fail(Errc::InvalidArgument, where + ": letters, digits, '_', '-' and '.'");
      if (!p.is_object() || !p.contains("description") || !p["description"].is_string())
        return fail(Errc::InvalidArgument, where + ": needs a description (a text)");
      if (!p.contains("example") || !p["example"].is_string())
        return fail(Errc::InvalidArgument,
                    where + ": needs an example (a text; the package's scenarios run with it)");
      for (const auto& [k, v] : p.items())
        if (k != "description" && k != "example")
          return fail(Errc::InvalidArgument, where + "." + k + ": not a parameter setting");
    }
  }
  if (s.contains("provenance")) {
    if (!s["provenance"].is_object())
      return fail(Errc::InvalidArgument, "provenance: must be a table (repository, commit)");
    for (const auto& [k, v] : s["provenance"].items())
      if ((k != "repository" && k != "commit") || !v.is_string())
        return fail(Errc::InvalidArgument, "provenance." + k + ": repository and commit, as texts");
  }
  static const std::set<std::string> known{"name",    "version",    "license",    "elva",
                                           "authors", "parameters", "provenance", "description"};
  for (const auto& [k, v] : s.items())
    if (!known.count(k)) return fail(Errc::InvalidArgument, k + ": not a package setting");
  return {};
}

}  // namespace

bool is_package_file(const std::string& path) {
  std::string name = base_name(path);
  std::string upper = name;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return deployable_file(path) || ends(name, 14) == ".scenario.json" || ends(name, 6) == ".trace" ||
         upper.rfind("README", 0) == 0 || upper.rfind("LICENSE", 0) == 0 ||
         upper.rfind("LICENCE", 0) == 0;
}

Result<bool> version_satisfies(const std::string& version, const std::string& range) {
  auto v = read_version(version, false);
  if (!v) return fail(Errc::InvalidArgument, "'" + version + "' is not a version such as 1.0.0");
  const std::string bad = "'" + range +
                          "' is not a version range (such as \">=0.1.0 <2.0.0\", \"^1.2\", "
                          "\"~0.1.0\")";
  if (range.find_first_not_of(" \t") == std::string::npos) return fail(Errc::InvalidArgument, bad);
  bool any = false;
  std::size_t from = 0;
  while (from <= range.size()) {
    auto bar = range.find("||", from);
    const std::string alternative =
        range.substr(from, bar == std::string::npos ? std::string::npos : bar - from);
    std::stringstream words(alternative);
    std::string word;
    bool all = true, empty = true;
    while (words >> word) {
      empty = false;
      std::string op;
      while (!word.empty() && std::string("<>=^~").find(word.front()) != std::string::npos) {
        op += word.front();
        word.erase(0, 1);
      }
      if (word.empty()) words >> word;  // ">= 1.0": the operator stands alone
      auto r = read_version(word, true);
      if (!r || (!op.empty() && op != ">=" && op != ">" && op != "<=" && op != "<" && op != "=" &&
                 op != "^" && op != "~"))
        return fail(Errc::InvalidArgument, bad);
      const auto k = v->key(), rk = r->key();
      bool ok = false;
      if (op == ">=")
        ok = k >= rk;
      else if (op == ">")
        ok = k > rk;
      else if (op == "<=")
        ok = k <= rk;
      else if (op == "<")
        ok = k < rk;
      else if (op == "^") {  // the same left-most non-zero part, not older
        Version top = *r;
        if (r->major > 0)
          top = {r->major + 1, 0, 0};
        else if (r->minor > 0)
          top = {0, r->minor + 1, 0};
        else
          top = {0, 0, r->patch + 1};
        ok = k >= rk && k < top.key();
      } else if (op == "~") {  // the same minor version, not older
        ok = k >= rk && k < Version{r->major, r->minor + 1, 0}.key();
      } else {
        ok = k == rk;
      }
      all = all && ok;
    }
    if (empty) return fail(Errc::InvalidArgument, bad);
    any = any || all;
    if (bar == std::string::npos) break;
    from = bar + 2;
  }
  return any;
}

Result<nlohmann::json> build_package(const PackageFiles& files,
                                     const PackageBuildOptions& options) {
  const json& s = options.source;
  if (!s.is_object()) return fail(Errc::InvalidArgument, "the package settings must be a table");
  if (auto r = check_source(s); !r) return fail(r.error());
  const json parameters = s.value("parameters", json::object());
  json examples = json::object();
  for (const auto& [name, p] : parameters.items()) examples[name] = p["example"];

  json manifest = {{"name", s["name"]},
                   {"version", s["version"]},
                   {"description", s.value("description", "")},
                   {"license", s["license"]},
                   {"authors", s.value("authors", json::array())},
                   {"elva", s["elva"]},
                   {"parameters", parameters},
                   {"provenance", s.value("provenance", json::object())},
                   {"built", {{"by", options.built_by}, {"at", options.built_at}}}};
  json listed = json::array(), content = json::object(), scenarios = json::array(),
       translations = json::array();
  PackageFiles deployable;
  std::set<std::string> used;
  std::set<std::string> seen;
  for (const auto& [path, text] : files) {
    if (!safe_path(path))
      return fail(Errc::InvalidArgument,
                  "'" + path + "': a package holds files by relative paths inside it");
    if (!seen.insert(path).second)
      return fail(Errc::InvalidArgument, "'" + path + "' is given twice");
    try {
      (void)json(text).dump();
    } catch (const json::exception&) {
      return fail(Errc::InvalidArgument, path + ": not UTF-8 text (a package holds text files)");
    }
    for (const auto& name : placeholders(text)) {
      if (!parameters.contains(name))
        return fail(Errc::InvalidArgument,
                    path + ": {{param:" + name + "}} is not declared under [parameters]");
      used.insert(name);
    }
    listed.push_back({{"path", path},
                      {"sha256", identity::sha256_hex(text)},
                      {"bytes", static_cast<std::int64_t>(text.size())}});
    content[path] = text;
    const std::string name = base_name(path);
    if (ends(name, 14) == ".scenario.json")
      scenarios.push_back(path);
    else if (deployable_file(path)) {
      if (!forms::translation_language(path).empty() && !exec::is_form_file(name) &&
          !exec::is_bpmn_file(name) && !exec::is_dmn_file(name))
        translations.push_back(path);
      deployable.emplace_back(path, fill(text, examples));
    }
  }
  for (const auto& [name, p] : parameters.items())
    if (!used.count(name))
      return fail(Errc::InvalidArgument, "parameters." + name +
                                             " is used by no file (write {{param:" + name +
                                             "}} where its value belongs, or remove it)");
  std::sort(listed.begin(), listed.end(),
            [](const json& a, const json& b) { return a["path"] < b["path"]; });

  auto plan = exec::plan_deployment(deployable, options.connectors);
  if (!plan.ok()) return fail(Errc::ValidationError, plan.error_text());
  if (plan.bpmn.empty() && plan.decisions.empty())
    return fail(Errc::InvalidArgument, "no BPMN or DMN file: a package shares processes");
  json processes = json::array(), decisions = json::array(), forms = json::array();
  std::map<std::string, json> contracts;
  std::map<std::string, json> topics;
  for (const auto& f : plan.bpmn)
    for (const auto& p : f.definitions->processes) {
      if (!p.executable) continue;
      processes.push_back({{"id", p.id}, {"name", p.name}, {"file", f.file}});
      for (const auto& e : p.elements) {
        if (!e.job) continue;
        const std::string where = f.file + ":" + std::to_string(e.pos.line) + " '" + e.id + "'";
        if (!e.job->connector) {
          topics[e.job->job_type]["topic"] = e.job->job_type;
          topics[e.job->job_type]["usedBy"].push_back(where);
          continue;
        }
        json& c = contracts[e.job->job_type];
        c["operation"] = e.job->job_type;
        if (!c.contains("inputs")) c["inputs"] = json::array();
        if (!c.contains("outputs")) c["outputs"] = json::array();
        for (const auto& m : e.inputs)
          if (std::find(c["inputs"].begin(), c["inputs"].end(), m.target) == c["inputs"].end())
            c["inputs"].push_back(m.target);
        for (const auto& m : e.outputs)
          if (std::find(c["outputs"].begin(), c["outputs"].end(), m.target) == c["outputs"].end())
            c["outputs"].push_back(m.target);
        c["usedBy"].push_back(where);
      }
    }
  for (const auto& d : plan.decisions)
    for (const auto& dec : d.model->decisions)
      decisions.push_back({{"id", dec.id}, {"name", dec.name}, {"file", d.file}});
  for (const auto& f : plan.forms) forms.push_back({{"id", f.form.id}, {"file", f.file}});
  manifest["processes"] = processes;
  manifest["decisions"] = decisions;
  manifest["forms"] = forms;
  manifest["translations"] = translations;
  manifest["scenarios"] = scenarios;
  manifest["connectors"] = json::array();
  for (auto& [op, c] : contracts) manifest["connectors"].push_back(std::move(c));
  manifest["workerTopics"] = json::array();
  for (auto& [t, c] : topics) manifest["workerTopics"].push_back(std::move(c));
  manifest["files"] = listed;
  return json{{"format", kFormat}, {"manifest", manifest}, {"files", content}};
}

PublisherKeys new_publisher_keys() {
  auto keys = identity::new_signing_keys();
  return {std::move(keys.public_key), std::move(keys.secret_key)};
}

Result<nlohmann::json> sign_package(nlohmann::json package, const std::string& publisher,
                                    const std::string& secret_key) {
  if (!package.is_object() || package.value("format", "") != kFormat ||
      !package["manifest"].is_object())
    return fail(Errc::InvalidArgument, "not an Elva package");
  if (publisher.empty()) return fail(Errc::InvalidArgument, "the publisher has no name");
  auto public_key = identity::public_key_of(secret_key);
  auto value = identity::sign(manifest_text(package["manifest"]), secret_key);
  if (!public_key || !value)
    return fail(Errc::InvalidArgument, "not an Ed25519 secret key (elva package keygen makes one)");
  package["signature"] = {{"algorithm", "ed25519"},
                          {"publisher", publisher},
                          {"publicKey", *public_key},
                          {"value", *value}};
  return package;
}

PackageCheck verify_package(const nlohmann::json& package, const nlohmann::json& trust,
                            const std::string& today) {
  PackageCheck out;
  const json& manifest = package["manifest"];
  const json& files = package["files"];
  bool files_ok = true;
  std::set<std::string> listed;
  for (const auto& f : manifest.value("files", json::array())) {
    const std::string path = f.value("path", "");
    listed.insert(path);
    if (!files.contains(path)) {
      out.problems.push_back("file '" + path + "' is in the manifest but not in the package");
      files_ok = false;
    } else if (!files[path].is_string() ||
               identity::sha256_hex(files[path].get<std::string>()) != f.value("sha256", "")) {
      out.problems.push_back("file '" + path +
                             "' does not match its digest in the manifest: it was changed after "
                             "the package was built");
      files_ok = false;
    }
  }
  for (const auto& [path, text] : files.items())
    if (!listed.count(path)) {
      out.problems.push_back("file '" + path +
                             "' is not in the manifest: it was added after the "
                             "package was built");
      files_ok = false;
    }
  bool signature_ok = true;
  const json& sig = package.contains("signature") ? package["signature"] : json();
  if (!sig.is_object()) {
    out.problems.push_back("the package is not signed (elva package sign)");
  } else {
    out.is_signed = true;
    out.publisher = sig.value("publisher", "");
    const std::string key = sig.value("publicKey", "");
    if (sig.value("algorithm", "") != "ed25519" ||
        !identity::verify_signature(manifest_text(manifest), sig.value("value", ""), key)) {
      signature_ok = false;
      out.problems.push_back(
          "the signature does not match the manifest: the package was changed after it was "
          "signed");
    }
    const json publishers = trust.is_object() ? trust.value("publisher", json::object()) : json();
    if (!publishers.is_object() || !publishers.contains(out.publisher)) {
      out.problems.push_back("publisher '" + out.publisher +
                             "' is not in the trust file: add their public key if you trust "
                             "them (elva package keygen prints the entry)");
    } else {
      const json& entry = publishers[out.publisher];
      out.expires = entry.value("expires", "");
      if (entry.value("public_key", "") != key) {
        out.problems.push_back("signed with a key that is not the trusted key of '" +
                               out.publisher + "' (the package's key is " + key.substr(0, 20) +
                               "..., the trust file's " +
                               entry.value("public_key", "").substr(0, 20) + "...)");
      } else if (!out.expires.empty() && out.expires < today) {
        out.problems.push_back("the trust file's key for '" + out.publisher + "' expired on " +
                               out.expires);
      }
    }
  }
  out.intact = files_ok && signature_ok;
  out.trusted = out.intact && out.is_signed && out.problems.empty();
  return out;
}

Result<PackageFiles> package_files(const nlohmann::json& package, const nlohmann::json& values) {
  const json parameters = package["manifest"].value("parameters", json::object());
  std::vector<std::string> missing;
  for (const auto& [name, p] : parameters.items())
    if (!values.is_object() || !values.contains(name) || !values[name].is_string())
      missing.push_back(name + " (" + p.value("description", "") + ")");
  if (!missing.empty()) {
    std::string text = "set these parameters under [parameters] in elva-binding.toml:";
    for (const auto& m : missing) text += "\n  " + m;
    return fail(Errc::InvalidArgument, text);
  }
  PackageFiles out;
  const json& content = package["files"];
  for (const auto& f : package["manifest"].value("files", json::array())) {
    const std::string path = f.value("path", "");
    const auto it = content.find(path);
    if (it == content.end() || !it->is_string())
      return fail(Errc::InvalidArgument,
                  "file '" + path + "' is in the manifest but not in the package");
    out.emplace_back(path, fill(it->get<std::string>(), values));
  }
  return out;
}

nlohmann::json package_examples(const nlohmann::json& package) {
  json out = json::object();
  const json parameters = package["manifest"].value("parameters", json::object());
  for (const auto& [name, p] : parameters.items()) out[name] = p.value("example", "");
  return out;
}

namespace {

bool strings(const json& a) {
  return a.is_array() &&
         std::all_of(a.begin(), a.end(), [](const json& x) { return x.is_string(); });
}

// Each entry of the array `key` (when there) is an object whose `texts` are texts and whose
// `lists` are lists of texts.
bool entries(const json& m, const char* key, std::initializer_list<const char*> texts,
             std::initializer_list<const char*> lists = {}) {
  if (!m.contains(key)) return true;
  if (!m[key].is_array()) return false;
  for (const auto& e : m[key]) {
    if (!e.is_object()) return false;
    for (const char* t : texts)
      if (e.contains(t) && !e[t].is_string()) return false;
    for (const char* l : lists)
      if (e.contains(l) && !strings(e[l])) return false;
  }
  return true;
}

// The manifest as build_package writes it, field by field: a package from elsewhere is read by
// code that expects these shapes (a number where a text belongs is refused here, not thrown
// later). Fields Elva does not know are left alone.
std::optional<std::string> manifest_shape(const json& m) {
  for (const char* key : {"name", "version", "elva", "license"})
    if (!m.contains(key) || !m[key].is_string()) return std::string("the manifest has no ") + key;
  if (m.contains("description") && !m["description"].is_string())
    return "the manifest's description is not a text";
  if (m.contains("authors") && !strings(m["authors"]))
    return "the manifest's authors are not a list of texts";
  for (const char* key : {"translations", "scenarios"})
    if (m.contains(key) && !strings(m[key]))
      return std::string("the manifest's ") + key + " are not a list of texts";
  for (const char* key : {"provenance", "built"})
    if (m.contains(key)) {
      if (!m[key].is_object()) return std::string("the manifest's ") + key + " is not an object";
      for (const auto& [k, v] : m[key].items())
        if (k == "uncommittedChanges" ? !v.is_boolean() : !v.is_string())
          return std::string("the manifest's ") + key + "." + k + " is not in the expected shape";
    }
  if (m.contains("parameters")) {
    if (!m["parameters"].is_object()) return "the manifest's parameters are not a table";
    for (const auto& [name, p] : m["parameters"].items())
      if (!valid_name(name, false) || !p.is_object() ||
          !p.value("description", json()).is_string() || !p.value("example", json()).is_string())
        return "the manifest's parameter '" + name + "' has no description and example texts";
  }
  if (!entries(m, "processes", {"id", "name", "file"}) ||
      !entries(m, "decisions", {"id", "name", "file"}) || !entries(m, "forms", {"id", "file"}) ||
      !entries(m, "connectors", {"operation"}, {"inputs", "outputs", "usedBy"}) ||
      !entries(m, "workerTopics", {"topic"}, {"usedBy"}))
    return "the manifest's processes, decisions, forms, connectors or worker topics are not in "
           "the expected shape";
  if (!m.contains("files") || !m["files"].is_array()) return "the manifest lists no files";
  for (const auto& f : m["files"])
    if (!f.is_object() || !f.value("path", json()).is_string() ||
        !f.value("sha256", json()).is_string() ||
        (f.contains("bytes") && !f["bytes"].is_number_integer()))
      return "the manifest's files are not in the expected shape (path, sha256, bytes)";
  return std::nullopt;
}

}  // namespace

Result<nlohmann::json> parse_package(const std::string& text) {
  JsonLimits limits;
  limits.max_bytes = 64u << 20;
  limits.max_string_bytes = 16u << 20;
  auto doc = parse_json(text, limits, "the package");
  if (!doc) return fail(doc.error());
  const json& p = *doc;
  if (!p.is_object() || p.value("format", json()) != kFormat)
    return fail(Errc::InvalidArgument,
                std::string("not an Elva package (no \"format\": \"") + kFormat + "\")");
  if (!p.contains("manifest") || !p["manifest"].is_object() || !p.contains("files") ||
      !p["files"].is_object())
    return fail(Errc::InvalidArgument, "the package has no manifest or no files");
  const json& m = p["manifest"];
  if (auto wrong = manifest_shape(m)) return fail(Errc::InvalidArgument, *wrong);
  for (const auto& f : m["files"])
    if (!safe_path(f["path"].get<std::string>()))
      return fail(Errc::InvalidArgument,
                  "the manifest names a file outside the package (an absolute path or '..')");
  for (const auto& [path, content] : p["files"].items())
    if (!safe_path(path) || !content.is_string())
      return fail(Errc::InvalidArgument,
                  "the package holds a file outside it (an absolute path or '..') or one that is "
                  "not text");
  if (p.contains("signature")) {
    const json& sig = p["signature"];
    if (!sig.is_object())
      return fail(Errc::InvalidArgument, "the package's signature is not an object");
    for (const auto& [k, v] : sig.items())
      if (!v.is_string())
        return fail(Errc::InvalidArgument, "the package's signature." + k + " is not a text");
  }
  return *doc;
}

}  // namespace elva
