// The scenario runner behind `elva test` (elva/scenario.hpp): the command pipeline
// (exec::Processor) over a store, a manual clock and mocked connectors. Internal to the engine:
// the engine's own tests run it over decorated stores (tests/unit/exec).
#pragma once

#include <string>

#include "elva/result.hpp"
#include "elva/scenario.hpp"
#include "store/store.hpp"

namespace elva::testkit {

// Runs one scenario file over `store`, which must be empty (a fresh memory store, or a fresh
// database). Counts and failures go into the report; errors as run_scenario's.
Result<ScenarioReport> run_scenario_on(const std::string& path, store::Store& store,
                                       const ScenarioOptions& options);

// The golden trace comparison of run_scenario (adds a failure to `report` when it differs).
void check_golden(const std::string& path, const ScenarioOptions& options, ScenarioReport& report);

}  // namespace elva::testkit
