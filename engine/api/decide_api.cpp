// elva/decide.hpp over engine/dmn.
#include "elva/decide.hpp"

#include <fstream>
#include <sstream>

#include "dmn/dmn.hpp"

namespace elva {
namespace {

nlohmann::json result_json(const dmn::DecisionResult& r) {
  nlohmann::json out = {{"decision", r.decision}, {"kind", r.table ? "decisionTable" : "literalExpression"}, {"value", r.value}, {"entries", r.entries}, {"matched", nlohmann::json::array()},
                        {"required", nlohmann::json::array()}};
  for (const auto& m : r.matched) {
    out["matched"].push_back({{"row", m.index + 1}, {"rule", m.id}, {"annotation", m.annotation}, {"outputs", m.outputs}});
  }
  for (const auto& q : r.required) out["required"].push_back(result_json(q));
  return out;
}

}  // namespace

Result<nlohmann::json> decide(const std::string& file, const std::string& decision, const nlohmann::json& variables,
                              std::int64_t now_millis) {
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
  for (const auto& d : diagnostics) if (d.severity == Severity::Error) errors += (errors.empty() ? "" : "\n") + d.to_string();
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
