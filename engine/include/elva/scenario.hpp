// Scenario tests for process developers (`elva test`): run a process against a JSON scenario
// with a virtual clock and mocked connectors, through the same command pipeline as `elva serve`,
// in memory (or on PostgreSQL with --db). Format: docs/scenarios.md.
#pragma once

#include <string>
#include <vector>

#include "elva/result.hpp"

namespace elva {

struct ScenarioOptions {
  bool strict = false;  // a job whose connector has no mock fails the scenario
  // Empty: the scenario runs on the memory store. Else a PostgreSQL server (`elva test --db
  // URL`) where each scenario gets a throwaway database of its own (the URL's user needs the
  // right to create databases); the traces are the same as in memory.
  // The golden trace beside the scenario (`x.scenario.json` -> `x.trace`): compared line by
  // line (a difference fails the scenario), written anew, or left alone. A missing golden
  // trace fails only with `require_trace`.
  enum class Golden { Compare, Update, Ignore };
  Golden golden = Golden::Compare;
  bool require_trace = false;
  std::string database_url;
};

// The golden trace file of a scenario file ("a/b.scenario.json" -> "a/b.trace").
std::string golden_trace_path(const std::string& scenario_path);

struct ScenarioReport {
  std::string file;
  std::string name;
  bool passed = false;
  std::vector<std::string> failures;  // readable: what was expected, what happened
  std::vector<std::string> unmocked;  // job types completed with no output for lack of a mock
  std::vector<std::string> trace;     // the instance's events, one line each (deterministic)
  bool trace_written = false;         // Golden::Update wrote (or rewrote) the golden trace
};

// Runs one scenario file. Errors: NotFound / InvalidArgument when the scenario or a BPMN file it
// names cannot be read or is not valid JSON (the message says which).
Result<ScenarioReport> run_scenario(const std::string& path, const ScenarioOptions& options = {});

}  // namespace elva
