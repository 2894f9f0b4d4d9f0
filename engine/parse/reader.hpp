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
};

// Reads `bytes` as the contents of `file` (the name is used in diagnostics only).
// Never throws for bad input.
ReadResult read_bpmn(const std::string& file, std::string bytes, std::size_t max_bytes);

}  // namespace elva::parse
