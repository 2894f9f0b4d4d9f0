// Data classes of files on disk (privacy_files.hpp) and privacy_report_files (elva/privacy.hpp).
#include "api/privacy_files.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "elva/privacy.hpp"
#include "exec/deployer.hpp"
#include "model/data_class.hpp"
#include "parse/data_classes.hpp"
#include "parse/reader.hpp"

namespace elva::api {

namespace fs = std::filesystem;
using nlohmann::json;

privacy::FormLookup disk_forms(const std::string& bpmn_file) {
  const fs::path dir = fs::path(bpmn_file).parent_path();
  auto cache = std::make_shared<std::map<std::string, json>>();
  return [dir, cache](const std::string& key) -> json {
    if (auto it = cache->find(key); it != cache->end()) return it->second;
    json found;
    for (const fs::path& base : {dir, dir / "forms"}) {
      for (const std::string& name : {key, key + ".form", key + ".form.json"}) {
        std::error_code ec;
        const fs::path p = base / name;
        if (key.find("..") != std::string::npos || !fs::is_regular_file(p, ec)) continue;
        std::ifstream in(p, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        found = json::parse(s.str(), nullptr, false);
        if (found.is_discarded()) found = json();
        break;
      }
      if (!found.is_null()) break;
    }
    return (*cache)[key] = found;
  };
}

void check_form_data_classes(const model::Definitions& defs, FileReport& report) {
  auto forms = disk_forms(defs.file);
  for (const auto& p : defs.processes) {
    std::set<std::string> declared;
    for (const auto& d : p.data_declarations) declared.insert(d.variable);
    std::set<std::string> warned;
    for (const auto& e : p.elements) {
      const auto* t = e.as<model::UserTaskSpec>();
      if (!t || t->form_key.empty()) continue;
      const json schema = forms(t->form_key);
      for (const auto& f : privacy::form_fields(schema)) {
        auto at = [&](Severity s, std::string msg) {
          Diagnostic d{s,
                       defs.file,
                       e.pos,
                       e.id,
                       std::string(model::bpmn_name(e.type)),
                       "form '" + t->form_key + "' field '" + f.key + "': " + std::move(msg)};
          (s == Severity::Error ? report.errors : report.warnings).push_back(std::move(d));
        };
        if (!f.data_class.empty() && !model::data_class_from(f.data_class)) {
          at(Severity::Error, "properties.dataClass \"" + f.data_class +
                                  "\" is not a data class (personal, sensitive, record, working)");
          continue;
        }
        if (!f.retention.empty() && !parse::retention_interval(f.retention)) {
          at(Severity::Error, "properties.retention \"" + f.retention +
                                  "\" is not an ISO 8601 duration (P5Y, P30D) or whole days");
          continue;
        }
        const std::string root = f.key.substr(0, f.key.find('.'));
        if (!f.data_class.empty() || declared.count(root) || warned.count(root) ||
            f.type == "checkbox")
          continue;
        const auto looks = parse::looks_personal(f.key);
        if (looks == parse::Looks::Plain) continue;
        warned.insert(root);
        const char* cls = looks == parse::Looks::Sensitive ? "sensitive" : "personal";
        at(Severity::Warning, std::string("looks like ") +
                                  (looks == parse::Looks::Sensitive ? "sensitive " : "") +
                                  "personal data but has no data class: give the field "
                                  "\"properties\": {\"dataClass\": \"" +
                                  cls + "\"} or declare <elva:data name=\"" + root + "\" class=\"" +
                                  cls + "\"/> (docs/privacy.md)");
      }
    }
  }
}

}  // namespace elva::api

namespace elva {

Result<nlohmann::json> privacy_report_files(const std::vector<std::string>& paths,
                                            const ReadOptions& options) {
  namespace fs = std::filesystem;
  using nlohmann::json;
  auto files = expand_bpmn_paths(paths);
  if (!files) return fail(files.error());
  json processes = json::array();
  for (const auto& file : *files) {
    if (!exec::is_bpmn_file(fs::path(file).filename().string())) continue;
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(Errc::NotFound, file + ": cannot be read");
    std::ostringstream s;
    s << in.rdbuf();
    auto read = parse::read_bpmn(file, s.str(), options.max_file_bytes);
    if (!read.definitions) {
      return fail(Error{Errc::ParseError, read.diagnostics.front().to_string(), {}});
    }
    auto forms = api::disk_forms(file);
    for (const auto& p : read.definitions->processes) {
      if (!p.executable) continue;
      processes.push_back(privacy::to_json(privacy::map_process(p, file, forms)));
    }
  }
  return json{{"processes", std::move(processes)}};
}

}  // namespace elva
