// elva/decide.hpp over engine/dmn.
#include "elva/decide.hpp"

#include <fstream>
#include <sstream>

#include "dmn/dmn.hpp"

namespace elva {

nlohmann::json inspect_dmn(const std::string& file, std::string bytes, std::size_t max_bytes);

namespace {

nlohmann::json result_json(const dmn::DecisionResult& r) {
  nlohmann::json out = {{"decision", r.decision},
                        {"kind", r.table ? "decisionTable" : "literalExpression"},
                        {"value", r.value},
                        {"entries", r.entries},
                        {"matched", nlohmann::json::array()},
                        {"required", nlohmann::json::array()}};
  for (const auto& m : r.matched) {
    out["matched"].push_back({{"row", m.index + 1},
                              {"rule", m.id},
                              {"annotation", m.annotation},
                              {"outputs", m.outputs}});
  }
  for (const auto& q : r.required) out["required"].push_back(result_json(q));
  out["rowsMatching"] = nlohmann::json::array();
  for (auto i : r.rows_matching) out["rowsMatching"].push_back(i + 1);
  return out;
}

const char* hit_policy_name(dmn::HitPolicy h) {
  switch (h) {
    case dmn::HitPolicy::Unique:
      return "UNIQUE";
    case dmn::HitPolicy::First:
      return "FIRST";
    case dmn::HitPolicy::Priority:
      return "PRIORITY";
    case dmn::HitPolicy::Any:
      return "ANY";
    case dmn::HitPolicy::Collect:
      return "COLLECT";
    case dmn::HitPolicy::RuleOrder:
      return "RULE ORDER";
    case dmn::HitPolicy::OutputOrder:
      return "OUTPUT ORDER";
  }
  return "UNIQUE";
}

}  // namespace

nlohmann::json inspect_dmn(const std::string& file, std::string bytes, std::size_t max_bytes) {
  auto read = dmn::read_dmn(file, std::move(bytes), max_bytes);
  nlohmann::json out = {
      {"file", file},
      {"decisions", nlohmann::json::array()},
      {"diagnostics",
       {{"errors", nlohmann::json::array()}, {"warnings", nlohmann::json::array()}}}};
  auto diagnostics = read.diagnostics;
  if (read.model) {
    auto more = dmn::validate(*read.model);
    diagnostics.insert(diagnostics.end(), more.begin(), more.end());
    out["id"] = read.model->id;
    out["name"] = read.model->name;
    static const char* kAgg[] = {"", "SUM", "MIN", "MAX", "COUNT"};
    for (const auto& d : read.model->decisions) {
      nlohmann::json j = {{"id", d.id},
                          {"name", d.name},
                          {"line", d.pos.line},
                          {"required", d.required},
                          {"kind", d.table ? "decisionTable" : "literalExpression"}};
      if (!d.table) {
        j["expression"] = d.literal;
      } else {
        j["hitPolicy"] = hit_policy_name(d.hit_policy);
        if (d.aggregation != dmn::Aggregation::None)
          j["aggregation"] = kAgg[static_cast<int>(d.aggregation)];
        j["inputs"] = nlohmann::json::array();
        for (const auto& in : d.inputs)
          j["inputs"].push_back(
              {{"id", in.id}, {"label", in.label}, {"expression", in.expression}});
        j["outputs"] = nlohmann::json::array();
        for (const auto& o : d.outputs) j["outputs"].push_back({{"id", o.id}, {"name", o.name}});
        j["rules"] = nlohmann::json::array();
        for (const auto& r : d.rules) {
          j["rules"].push_back({{"id", r.id},
                                {"inputEntries", r.input_entries},
                                {"outputEntries", r.output_entries},
                                {"line", r.pos.line}});
        }
      }
      out["decisions"].push_back(std::move(j));
    }
  }
  for (const auto& d : diagnostics) {
    out["diagnostics"][d.severity == Severity::Error ? "errors" : "warnings"].push_back(
        d.to_string());
  }
  return out;
}

Result<nlohmann::json> decide(const std::string& file, const std::string& decision,
                              const nlohmann::json& variables, std::int64_t now_millis) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(Errc::NotFound, file + ": cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  auto read = dmn::read_dmn(file, s.str());
  std::string errors;
  auto diagnostics = read.diagnostics;
  if (read.model) {
    auto more = dmn::validate(*read.model);
    diagnostics.insert(diagnostics.end(), more.begin(), more.end());
  }
  for (const auto& d : diagnostics)
    if (d.severity == Severity::Error) errors += (errors.empty() ? "" : "\n") + d.to_string();
  if (!errors.empty() && !read.model) return fail(Errc::ValidationError, errors);
  auto r = dmn::evaluate(*read.model, decision, variables, now_millis);
  if (!r) {
    if (r.error().code == Errc::NotFound) {
      std::string known;
      for (const auto& d : read.model->decisions) known += (known.empty() ? "" : ", ") + d.id;
      return fail(Errc::NotFound, r.error().message + " (decisions: " + known + ")");
    }
    return fail(r.error());
  }
  return result_json(*r);
}

}  // namespace elva
