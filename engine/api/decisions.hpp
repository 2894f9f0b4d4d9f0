// The runtime's DecisionService over DMN models read from files (elva test, elva decide).
#pragma once

#include <memory>
#include <vector>

#include "dmn/dmn.hpp"
#include "runtime/env.hpp"

namespace elva {

class ModelDecisions : public runtime::DecisionService {
 public:
  void add(std::shared_ptr<const dmn::Model> model) { models_.push_back(std::move(model)); }
  bool empty() const { return models_.empty(); }
  const dmn::Model* model_of(const std::string& decision_id) const {
    for (const auto& m : models_)
      if (m->find(decision_id)) return m.get();
    return nullptr;
  }
  Result<nlohmann::json> evaluate(const std::string& decision_id, const nlohmann::json& variables,
                                  const std::string& map_result,
                                  std::int64_t now_millis) const override {
    const dmn::Model* m = model_of(decision_id);
    if (!m) return fail(Errc::NotFound, "no DMN decision '" + decision_id + "' in the files given");
    return dmn::evaluate_mapped(*m, decision_id, variables, map_result, now_millis);
  }

 private:
  std::vector<std::shared_ptr<const dmn::Model>> models_;
};

}  // namespace elva
