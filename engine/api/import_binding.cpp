// The binding file's shape, checked entry by entry, and its skeleton.
#include "api/import_binding.hpp"

#include <set>

namespace elva::api {
namespace {

using nlohmann::json;

constexpr std::pair<const char*, const char*> kSections[] = {
    {"class", "a Java delegate class (camunda:class)"},
    {"bean", "a bean (camunda:delegateExpression, or the object of camunda:expression)"},
    {"connector", "a camunda:connector id"},
    {"jobType", "a Camunda 8 job type (zeebe:taskDefinition type)"}};

Result<std::vector<std::pair<std::string, std::string>>> mappings(const json& v,
                                                                  const std::string& where) {
  std::vector<std::pair<std::string, std::string>> out;
  if (v.is_null()) return out;
  if (!v.is_object())
    return fail(Errc::InvalidArgument,
                where + " must be a table of variable = \"FEEL expression\" entries");
  for (const auto& [k, s] : v.items()) {
    if (!s.is_string())
      return fail(Errc::InvalidArgument, where + "." + k + " must be a text (a FEEL expression)");
    out.emplace_back(k, s.get<std::string>());
  }
  return out;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string slug(const std::string& name) {
  std::string base =
      name.substr(name.find_last_of('.') == std::string::npos ? 0 : name.find_last_of('.') + 1);
  std::string out;
  for (char c : base) {
    if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out += '-';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out.empty() ? "worker" : out;
}

}  // namespace

Result<parse::Binding> binding_from_json(const json& j) {
  parse::Binding b;
  if (j.is_null()) return b;
  if (!j.is_object()) return fail(Errc::InvalidArgument, "the binding must be a TOML table");
  for (const auto& [section, what] : kSections) {
    if (!j.contains(section)) continue;
    const json& s = j[section];
    if (!s.is_object())
      return fail(Errc::InvalidArgument,
                  std::string("[") + section + "] must hold one table per " + what);
    auto& into = std::string(section) == "class"       ? b.classes
                 : std::string(section) == "bean"      ? b.beans
                 : std::string(section) == "connector" ? b.connectors
                                                       : b.job_types;
    for (const auto& [name, v] : s.items()) {
      const std::string where = std::string("[") + section + "." + quoted(name) + "]";
      if (!v.is_object())
        return fail(Errc::InvalidArgument, where + " must be a table with connector or topic");
      parse::BindingTarget t;
      t.connector = v.value("connector", "");
      t.topic = v.value("topic", "");
      if (t.connector.empty() == t.topic.empty())
        return fail(Errc::InvalidArgument,
                    where +
                        " needs exactly one of connector = \"name.operation\" (an Elva "
                        "connector) or topic = \"...\" (an external worker)");
      if (!t.connector.empty() && t.connector.find('.') == std::string::npos)
        return fail(Errc::InvalidArgument, where + ": connector = \"" + t.connector +
                                               "\" must name an operation, e.g. \"" + t.connector +
                                               ".request\"");
      auto in = mappings(v.contains("inputs") ? v["inputs"] : json(), where + ".inputs");
      if (!in) return fail(in.error());
      auto out = mappings(v.contains("outputs") ? v["outputs"] : json(), where + ".outputs");
      if (!out) return fail(out.error());
      t.inputs = std::move(*in);
      t.outputs = std::move(*out);
      into[name] = std::move(t);
    }
  }
  if (j.contains("timers") && j["timers"].is_object())
    b.time_zone = j["timers"].value("time_zone", "");
  return b;
}

std::string binding_skeleton(const std::vector<parse::DelegateUse>& delegates) {
  std::string out =
      "# elva-binding.toml: how this municipality runs what the imported files leave to Java\n"
      "# code, Camunda connectors and Camunda 8 job workers (docs/sharing.md#the-binding-file).\n"
      "# Give each entry either connector = \"name.operation\" (a connector in elva.toml) or\n"
      "# topic = \"...\" (an external worker), and inputs/outputs as FEEL expressions.\n"
      "# Then run `elva import` again: the bound tasks count as \"runs after configuration\".\n\n"
      "[timers]\n"
      "# time_zone = \"Europe/Stockholm\"  # cron cycles fire in this zone (default: UTC)\n";
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& d : delegates) {
    if (!seen.insert({d.kind, d.name}).second) continue;
    out += "\n# " + d.file + ":" + std::to_string(d.pos.line) + ": element '" + d.element_id + "'" +
           (d.bound ? " (bound)" : "") + "\n";
    out += "[" + d.kind + "." + quoted(d.name) + "]\n";
    out += "# connector = \"http.post\"\n";
    out += "topic = " + quoted(d.kind == "jobType" ? d.name : slug(d.name)) + "\n";
    out += "# inputs = { url = \"=\\\"https://example.org/api\\\"\", body = \"=application\" }\n";
    out += "# outputs = { result = \"=body\" }\n";
  }
  return out;
}

}  // namespace elva::api
