// JavaScript for script tasks (scriptFormat="javascript"), as Camunda 7 runs them: Duktape 2
// (ECMAScript 5.1 with parts of ES2015+) in a sandbox.
//
// Each run forks a child process that only interprets: it gets the variables as JSON, closes
// every other file descriptor, and answers through a pipe; the parent kills it at the time limit.
// Duktape has no file, network or process API, and the child's global object offers none (no
// require, print or Duktape object), so a script can compute and set variables, nothing else.
//
// What the script sees:
//   - each variable as a global (a copy), unless a global of that name exists already (JSON,
//     Math, execution, ...): then through execution.getVariable only;
//   - `execution`: getVariable(name) and getVariableLocal(name) (null when unset),
//     hasVariable(name), setVariable(name, value) and setVariableLocal(name, value) (collected
//     into ScriptOutcome::set_variables; later getVariable calls see them), and
//     getProcessInstanceId(), getBusinessKey(), getCurrentActivityId(),
//     getCurrentActivityName(), getProcessDefinitionId() from `execution_info`;
//   - `new Date()` and `Date.now()` give execution_info's "now" when there is one (the engine's
//     clock, so a scenario's fixed time holds in scripts too).
// Values cross as JSON: numbers become doubles (integers beyond 2^53 lose digits), dates are ISO
// texts, functions and undefined inside objects disappear as in JSON.stringify.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/result.hpp"

namespace elva::script {

struct ScriptLimits {
  std::int64_t time_ms = 1'000;                  // wall time, from fork to answer
  std::size_t memory_bytes = 32u * 1024 * 1024;  // the interpreter's heap, variables included
};

struct ScriptOutcome {
  // The completion value (the last expression statement's value) as JSON; null for undefined.
  nlohmann::json value;
  // What execution.setVariable set, by name (an object; a later set of a name wins).
  nlohmann::json set_variables = nlohmann::json::object();
};

// Runs `source` once. `variables` is an object (name -> value); `execution_info` an object with
// any of processInstanceId, businessKey, currentActivityId, currentActivityName,
// processDefinitionId (texts) and now (milliseconds since 1970). Failures are for a process
// developer to read and never contain variable values (Duktape's own messages are stripped of
// the values they quote):
//   Timeout          "the script ran longer than 1000 ms and was stopped"
//   ExpressionError  "the script needed more than 32 MiB of memory"
//                    "line 3: ReferenceError: identifier 'foo' undefined" (and SyntaxError,
//                    thrown errors: "line N: Error: <the script's message>")
//                    "the script's value cannot be stored as a variable (a function)"
//   Internal         the child could not be started, or died of a signal.
// Never leaves a child process behind. Thread-safe; each call forks its own child.
Result<ScriptOutcome> run_javascript(const std::string& source, const nlohmann::json& variables,
                                     const nlohmann::json& execution_info,
                                     const ScriptLimits& limits = {});

}  // namespace elva::script
