// The JSON shape of `elva inspect` (documented in docs/cli.md).
#pragma once

#include <nlohmann/json.hpp>

#include "model/definitions.hpp"

namespace elva::api {

nlohmann::json to_json(const model::Definitions& definitions);

}  // namespace elva::api
