// Instance migration (MigrateInstance, commands.hpp): the one function that decides whether an
// instance can move onto another version of its process, and emits the events that move it.
// The dry run runs it on a copy of the state (exec/migration.cpp), so it and the real run agree.
#pragma once

#include "elva/result.hpp"
#include "runtime/commands.hpp"
#include "runtime/context.hpp"

namespace elva::runtime {

// Checks every token, join, trigger, job and call of `state` against `command.to` and emits,
// when all fit: the old triggers (and jobs of renamed elements) closed, InstanceMigrated, the
// moved triggers and jobs opened again, and the triggers only the new version has armed.
// Errors (nothing emitted): InvalidArgument with context "verdict" = "needs-mapping" (a token
// sits on an element the new version lacks) or "refused" (it cannot move: the reasons, joined
// by "; "), never variable values.
Result<void> migrate_instance(const MigrateInstance& command, StepContext& ctx);

// Compatible element kinds for migration: the same element type, and for events the same kinds
// of event definitions. (Loops are checked against the live instances.)
bool migration_compatible(const model::Element& from, const model::Element& to);

}  // namespace elva::runtime
