// Scenario tests for process developers (`elva test`): run a process in memory against a
// JSON scenario with a virtual clock and mocked connectors, no database. Format: docs/scenarios.md.
#pragma once

#include <string>
#include <vector>

#include "elva/result.hpp"

namespace elva {

struct ScenarioOptions {
  bool strict = false;  // a job whose connector has no mock fails the scenario
  // After every command, each instance is written to its store snapshot and read back, as the
  // durable engine does: the trace must not change (a test of the snapshot format).
  bool through_snapshots = false;
};

struct ScenarioReport {
  std::string file;
  std::string name;
  bool passed = false;
  std::vector<std::string> failures;  // readable: what was expected, what happened
  std::vector<std::string> unmocked;  // job types completed with no output for lack of a mock
  std::vector<std::string> trace;     // the instance's events, one line each (deterministic)
};

// Runs one scenario file. Errors: NotFound / InvalidArgument when the scenario or a BPMN file it
// names cannot be read or is not valid JSON (the message says which).
Result<ScenarioReport> run_scenario(const std::string& path, const ScenarioOptions& options = {});

}  // namespace elva
