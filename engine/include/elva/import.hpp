// Import of another engine's files (Camunda 7, Operaton, Camunda 8, Flowable, Activiti): the
// import report behind `elva import` (docs/sharing.md). The report is made by the deployer's own
// checks (read, validate, connector contracts; no database), so what it says runs deploys.
// Thread-safe (no shared state); never throws for bad input.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "elva/bpmn.hpp"
#include "elva/connector.hpp"
#include "elva/result.hpp"

namespace elva {

struct ImportOptions {
  ReadOptions read;
  // The parsed elva-binding.toml (docs/sharing.md#the-binding-file); empty: no binding.
  nlohmann::json binding = nlohmann::json::object();
  std::string binding_file;  // where it came from, for the report
  // The connectors deployment would check service tasks against (elva.toml); null: the
  // built-in ones (elva, http).
  const connector::Registry* connectors = nullptr;
};

struct ImportResult {
  // {"files": [{"file", "dialect", "verdict", "elements": [{"id", "type", "line", "class",
  // "notes"}], ...}], "configure": {...}, "conversions": [...], "summary": {...},
  // "deployable": bool, "errors": [...]}; "class" and "verdict" are "runs",
  // "runs after configuration", "degraded", "does not run" (elements also "dropped").
  nlohmann::json report;
  std::string binding_skeleton;  // elva-binding.toml listing every delegate, connector, job type
  // The files as they would be deployed (the binding applied), as (name, content).
  std::vector<std::pair<std::string, std::string>> files;
};

// Reads `files` (BPMN, DMN, forms; expand directories with expand_bpmn_paths first).
// Errors: InvalidArgument for a binding that is not in the expected shape (naming the entry),
// NotFound/InvalidArgument for a file that cannot be read.
Result<ImportResult> import_files(const std::vector<std::string>& files,
                                  const ImportOptions& options);

// The report for people: one line per element that does not simply run, as
// "file:line: element 'id' (type): class: why", then what to configure and the shares.
std::string import_report_text(const nlohmann::json& report);

}  // namespace elva
