// Validation: the rules a BPMN file must follow before Elva deploys it. Errors block
// deployment; warnings point at likely mistakes. Every finding names file, line and element.
#pragma once

#include <vector>

#include "elva/diagnostic.hpp"
#include "model/definitions.hpp"

namespace elva::parse {

// Rules within one file: references, scopes, event definitions, gateways, executability.
std::vector<Diagnostic> validate(const model::Definitions& definitions);

// Rules across the files deployed together: call activities find their called process,
// a process id is defined once.
std::vector<Diagnostic> validate_across(const std::vector<const model::Definitions*>& files);

}  // namespace elva::parse
