// What the cockpit asks of the durable engine (Engine::search_instances;
// docs/operations.md#cockpit): an instance search read from its query and checked, each wrong field
// named.
#pragma once

#include <nlohmann/json.hpp>

#include "elva/result.hpp"
#include "store/pg/pg_store.hpp"

namespace elva::api {

// query as Engine::search_instances takes it. Errors: InvalidArgument with field.NAME.
Result<store::InstanceSearch> instance_search(const nlohmann::json& query);

}  // namespace elva::api
