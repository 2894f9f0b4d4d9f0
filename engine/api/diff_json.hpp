// model::ProcessDiff as the JSON `elva diff --format json` and GET /api/definitions/{process}/diff
// answer (docs/operations.md#versions).
#pragma once

#include <nlohmann/json.hpp>

#include "model/diff.hpp"

namespace elva::api {

// {"processChanges": [{aspect, before, after}] (name, versionTag), "added": [{kind, id, type}],
// "removed": [...],
//  "changed": [{kind, id, type, changes: [{aspect, before, after}]}], "identical": bool}
nlohmann::json diff_json(const model::ProcessDiff& diff);

}  // namespace elva::api
