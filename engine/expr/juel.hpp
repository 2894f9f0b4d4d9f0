// JUEL written for Camunda 7, Operaton, Flowable and Activiti, converted to what Elva's
// evaluator reads: calls on `execution` that only read (getVariable, hasVariable,
// getProcessInstanceId, getBusinessKey) and text templates ("Hej ${name}"). What cannot be
// converted (execution.setVariable, bean and method calls) is an error saying why
// (docs/sharing.md#juel). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "elva/result.hpp"

namespace elva::expr {

struct JuelConversion {
  std::string text;                // what compiles: one "${...}" (or the input unchanged)
  std::string shown;               // how it reads in FEEL, for reports
  std::vector<std::string> notes;  // each conversion made, e.g. "execution.getVariable('x') -> x"
  bool changed = false;
};

// True when `text` holds "${" or "#{" somewhere: JUEL, whole or as a template.
bool has_juel(std::string_view text);

// Converts `text`. Unchanged when it is a plain ${...} that needs nothing (changed = false).
// Errors: ExpressionError naming what cannot be converted and what to do instead.
Result<JuelConversion> convert_juel(std::string_view text);

}  // namespace elva::expr
