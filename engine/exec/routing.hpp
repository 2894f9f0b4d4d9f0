// The one router: where messages, signals, call activities and buffered messages go, for
// `elva serve` and `elva test` alike. Rules (docs/durable.md, docs/scenarios.md):
// - A message goes to the oldest waiting subscription (lowest key) with its name whose
//   correlation key is the message's or empty, in any instance but the thrower's; else it starts
//   the first process (by id) with that message start event (the key becomes the business
//   key); else it is buffered for its time to live, or refused (NotFound) without one.
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
