// Multi-instance (parallel, sequential) and standard loops: the body instance creates one inner
// instance per iteration, collects outputs, and completes when all are done or the completion
// condition holds.
#pragma once

#include "runtime/context.hpp"

namespace elva::runtime {

// The body was activated: work out the iterations and start the first (or all, in parallel).
void start_loop(StepContext& ctx, Key body);
// An inner instance finished its work: collect its output, then start the next iteration,
// finish early on the completion condition, or complete the body when the last one is done.
void finish_iteration(StepContext& ctx, Key inner);

}  // namespace elva::runtime
