// InstanceState <-> JSON, the form the store keeps (instances.state, JSONB). Elements and flows
// are written by id, not by index, so a snapshot still reads after the parser changes.
#pragma once

#include <nlohmann/json.hpp>

#include "elva/result.hpp"
#include "runtime/state.hpp"

namespace elva::runtime {

// Everything but the process (the store keeps its definition id) and the in-memory completion
// list (the store's history has it).
nlohmann::json state_to_json(const InstanceState& state);

// REQUIRES: state.process is set to the definition the snapshot was written for.
// Errors: InvalidArgument when the snapshot names elements or flows the definition lacks.
Result<void> state_from_json(const nlohmann::json& json, InstanceState& state);

}  // namespace elva::runtime
