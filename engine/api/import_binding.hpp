// elva-binding.toml for `elva import`: read (as JSON, parsed by the CLI) and written as a
// skeleton of what the files leave to code (docs/sharing.md#the-binding-file).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/result.hpp"
#include "parse/binding.hpp"

namespace elva::api {

// {"class": {"<java class>": {"connector" | "topic", "inputs", "outputs"}}, "bean": {...},
// "connector": {...}, "jobType": {...}, "timers": {"time_zone"}}. Errors: InvalidArgument
// naming the entry that is not in that shape.
Result<parse::Binding> binding_from_json(const nlohmann::json& binding);

// A TOML skeleton with one commented entry per delegate found (bound ones say so).
std::string binding_skeleton(const std::vector<parse::DelegateUse>& delegates);

}  // namespace elva::api
