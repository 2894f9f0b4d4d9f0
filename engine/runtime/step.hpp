// step(): (state, command) -> events, applied to the state as they are produced.
// Deterministic: no I/O, no clock but the Env's. Failures of the process (an expression error,
// no matching flow) become incidents inside the events; a Result error means the command
// itself does not fit the instance (unknown job key, instance not active).
#pragma once

#include <vector>

#include "elva/result.hpp"
#include "runtime/commands.hpp"
#include "runtime/env.hpp"
#include "runtime/events.hpp"

namespace elva::runtime {

struct StepResult {
  std::vector<Event> events;
};

// REQUIRES: state.process is set. For StartInstance, state is fresh.
Result<StepResult> step(InstanceState& state, const Command& command, Env& env);

}  // namespace elva::runtime
