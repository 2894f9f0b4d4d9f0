// The one router: where messages, signals, call activities and buffered messages go, for
// `elva serve` and `elva test` alike. Rules (docs/durable.md, docs/scenarios.md):
// - A message goes to the one instance (not the thrower) waiting for it: a subscription with its
//   name and exactly its correlation key (none reaches only subscriptions without a key), in an
//   instance with the business key and process variables it is addressed to, if any; there, to
//   the oldest such subscription. Several instances: refused (InvalidArgument, HTTP 409) naming
//   them, nothing delivered; one thrown by an instance is then noted in the thrower's history.
//   No instance: it starts the first process (by id) with that message start event (the business
//   key, else the correlation key, becomes the business key; not when addressed by variables);
//   else it is buffered for its time to live, or refused (NotFound) without one.
// - A signal goes to every waiting instance but the thrower's (which caught it itself), in
//   ascending instance order, and starts every process with that signal start event.
// - A call activity starts the latest version of the called process; one that is not deployed
//   is an incident on the call activity. A child's end answers its call activity; an
//   interrupted call activity cancels its child.
// Internal to engine/exec.
#pragma once

#include "exec/followup.hpp"
#include "exec/unit.hpp"

namespace elva::exec {

// Carries out one follow-up in the unit. A follow-up that no longer fits (the instance moved
// on) answers NotFound or InvalidArgument, which the unit skips.
Result<void> route(Unit& unit, const FollowUp& follow_up);

}  // namespace elva::exec
