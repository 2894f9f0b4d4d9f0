// What an operator does to a running instance by hand: modification (cancel, start before,
// start after) and repair (jobs, variables). Each is one step like any other command, audited by
// an OperatorActed event; the rules are in docs/operations.md and lifecycle.md.
#pragma once

#include "elva/result.hpp"
#include "runtime/commands.hpp"
#include "runtime/context.hpp"

namespace elva::runtime {

// Errors (nothing is emitted then): InvalidArgument for an instruction that does not fit the
// instance (an unknown element, one that is not active, a scope that is ambiguous or cannot be
// created), with the reason.
Result<void> modify(StepContext& ctx, const ModifyInstance& command);
// Errors: NotFound (no such job, scope or variable), InvalidArgument (retries < 1, no reason).
Result<void> set_job_retries(StepContext& ctx, const SetJobRetries& command);
Result<void> remove_variables(StepContext& ctx, const RemoveVariables& command);

}  // namespace elva::runtime
