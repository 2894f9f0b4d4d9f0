// read_bpmn: BPMN 2.0 XML -> model::Definitions plus the diagnostics found while reading.
// Structural rules are checked separately by validate() (validate.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "elva/diagnostic.hpp"
#include "model/definitions.hpp"

namespace elva::parse {

struct ReadResult {
  // Null when the file is not a readable BPMN document; diagnostics then say why.
  std::shared_ptr<const model::Definitions> definitions;
  std::vector<Diagnostic> diagnostics;
  // What the reader converted from another engine's dialect so that it runs in Elva (a Camunda
  // http-connector onto the http connector, a camunda:map onto a FEEL context, ...), at its
  // line: an import report lists them (docs/sharing.md). Not findings.
  std::vector<Diagnostic> conversions{};
};

// Reads `bytes` as the contents of `file` (the name is used in diagnostics only).
// Never throws for bad input.
ReadResult read_bpmn(const std::string& file, std::string bytes, std::size_t max_bytes);

}  // namespace elva::parse
