// The data map of a process (data_map.hpp).
#include "privacy/data_map.hpp"

#include <algorithm>
#include <set>

#include "parse/data_classes.hpp"

namespace elva::privacy {
namespace {

using nlohmann::json;
using namespace model;

void walk(const json& components, std::vector<FormField>& out) {
  if (!components.is_array()) return;
  for (const auto& c : components) {
    if (!c.is_object()) continue;
    if (auto k = c.find("key"); k != c.end() && k->is_string() && !k->get<std::string>().empty()) {
      FormField f;
      f.key = k->get<std::string>();
      f.label = c.value("label", std::string());
      f.type = c.value("type", std::string());
      if (auto p = c.find("properties"); p != c.end() && p->is_object()) {
        if (auto d = p->find("dataClass"); d != p->end() && d->is_string()) f.data_class = *d;
        if (auto r = p->find("retention"); r != p->end() && r->is_string()) f.retention = *r;
      }
      out.push_back(std::move(f));
    }
    if (auto inner = c.find("components"); inner != c.end()) walk(*inner, out);
  }
}

std::string root_of(const std::string& path) { return path.substr(0, path.find('.')); }

}  // namespace

std::vector<FormField> form_fields(const json& schema) {
  std::vector<FormField> out;
  if (schema.is_object()) walk(schema.value("components", json::array()), out);
  return out;
}

ProcessMap map_process(const ProcessDefinition& p, const std::string& file,
                       const FormLookup& forms) {
  ProcessMap m;
  m.process_id = p.id;
  m.name = p.name;
  m.file = file;
  m.purpose = p.purpose.empty() ? p.documentation : p.purpose;
  if (!p.history_time_to_live.empty())
    m.retention = parse::retention_interval(p.history_time_to_live).value_or("");
  std::set<std::string> seen;
  for (const auto& d : p.data_declarations) {
    m.variables.push_back({d.variable, std::string(data_class_name(d.data_class)),
                           parse::retention_interval(d.retention).value_or(""), d.subject,
                           d.purpose, "bpmn"});
    seen.insert(d.variable);
  }
  for (const auto& e : p.elements) {
    if (const auto* t = e.as<UserTaskSpec>(); t && !t->form_key.empty()) {
      if (std::find(m.forms.begin(), m.forms.end(), t->form_key) == m.forms.end())
        m.forms.push_back(t->form_key);
    }
    if (!e.job) continue;
    Recipient r{e.id, e.name, e.job->job_type, e.job->connector, e.inputs.empty(), {}};
    std::set<std::string> vars;
    for (const auto& in : e.inputs) {
      // A literal is the process author's text; only what it fills in ({{...}}) is data.
      for (const auto& path : parse::variable_paths(in.source)) vars.insert(root_of(path));
    }
    r.variables.assign(vars.begin(), vars.end());
    m.recipients.push_back(std::move(r));
  }
  if (forms) {
    for (const auto& key : m.forms) {
      const json schema = forms(key);
      for (const auto& f : form_fields(schema)) {
        const std::string var = root_of(f.key);
        if (f.data_class.empty() || seen.count(var)) continue;
        m.variables.push_back({var, f.data_class,
                               parse::retention_interval(f.retention).value_or(""), false, "",
                               "form " + key});
        seen.insert(var);
      }
    }
  }
  return m;
}

const std::vector<std::string>& storage_tables() {
  static const std::vector<std::string> tables = {"instances (variables, state)",
                                                  "history (variables rows)",
                                                  "user_tasks (name)",
                                                  "jobs (input, while the job waits)",
                                                  "eservice_submissions (payload)",
                                                  "attachments (content)"};
  return tables;
}

json to_json(const ProcessMap& m) {
  json classes = json::object();
  json variables = json::array();
  for (const auto& v : m.variables) {
    classes[v.data_class].push_back(v.variable);
    json j{{"variable", v.variable}, {"class", v.data_class}, {"declaredIn", v.declared_in}};
    const std::string retention = !v.retention.empty()        ? v.retention
                                  : v.data_class == "working" ? std::string("PT0S")
                                                              : m.retention;
    j["retention"] = retention.empty() ? json() : json(retention);
    if (v.subject) j["subject"] = true;
    if (!v.purpose.empty()) j["purpose"] = v.purpose;
    variables.push_back(std::move(j));
  }
  json recipients = json::array();
  std::set<std::string> classified;
  for (const auto& v : m.variables)
    if (v.data_class != "working") classified.insert(v.variable);
  for (const auto& r : m.recipients) {
    json j{{"element", r.element_id},
           {"name", r.element_name},
           {"jobType", r.job_type},
           {"kind", r.connector ? "connector" : "worker"}};
    if (r.all_variables) {
      j["variables"] = "all";
      j["classified"] = json(std::vector<std::string>(classified.begin(), classified.end()));
    } else {
      j["variables"] = r.variables;
      json c = json::array();
      for (const auto& v : r.variables)
        if (classified.count(v)) c.push_back(v);
      j["classified"] = std::move(c);
    }
    recipients.push_back(std::move(j));
  }
  return {{"process", m.process_id},
          {"name", m.name},
          {"file", m.file},
          {"purpose", m.purpose},
          {"retention", m.retention.empty() ? json() : json(m.retention)},
          {"dataClasses", classes},
          {"variables", variables},
          {"recipients", recipients},
          {"forms", m.forms},
          {"storedIn", storage_tables()}};
}

}  // namespace elva::privacy
