// diff_json (diff_json.hpp).
#include "api/diff_json.hpp"

namespace elva::api {
namespace {

nlohmann::json changes_json(const std::vector<model::Change>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : changes)
    out.push_back({{"aspect", c.aspect}, {"before", c.before}, {"after", c.after}});
  return out;
}

nlohmann::json items_json(const std::vector<model::ItemDiff>& items, bool with_changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : items) {
    nlohmann::json j = {{"kind", i.kind == model::ItemDiff::Kind::Flow ? "flow" : "element"},
                        {"id", i.id},
                        {"type", i.type}};
    if (with_changes) j["changes"] = changes_json(i.changes);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

nlohmann::json diff_json(const model::ProcessDiff& diff) {
  return {{"processChanges", changes_json(diff.process)},
          {"added", items_json(diff.added, false)},
          {"removed", items_json(diff.removed, false)},
          {"changed", items_json(diff.changed, true)},
          {"identical", diff.empty()}};
}

}  // namespace elva::api
