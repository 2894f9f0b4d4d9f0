// The element-instance lifecycle as one table (described in lifecycle.md): for each event, what
// it needs of the element instance it names and what it makes of it. apply() checks every
// event against it, so an event for an element instance that already ended (a job, timer or
// incident left on a finished element, say) is caught where it happens.
#pragma once

#include <array>
#include <cstdint>
#include <variant>

#include "runtime/events.hpp"

namespace elva::runtime {

enum class Needs : std::uint8_t {
  Nothing,        // names no element instance (or one that may be gone: a handler that just ended)
  Absent,         // a new element instance: its key is not in use
  Live,           // an active element instance
  LiveOrProcess,  // an active element instance, or 0 for the process scope
};
enum class Makes : std::uint8_t { Same, Live, Gone };

struct Transition {
  Needs needs;
  Makes makes;
};

// Indexed by Event::index().
inline constexpr std::array<Transition, std::variant_size_v<Event>> kLifecycle = {{
    {Needs::Nothing, Makes::Same},        // InstanceStarted
    {Needs::Absent, Makes::Live},         // ElementActivated
    {Needs::Live, Makes::Gone},           // ElementCompleted
    {Needs::Live, Makes::Gone},           // ElementTerminated
    {Needs::LiveOrProcess, Makes::Same},  // FlowTaken (in its scope)
    {Needs::LiveOrProcess, Makes::Same},  // JoinReset
    {Needs::LiveOrProcess, Makes::Same},  // JoinsCleared
    {Needs::Nothing, Makes::Same},        // VariablesSet
    {Needs::Live, Makes::Same},           // LocalVariablesSet
    {Needs::Live, Makes::Same},           // LoopStarted
    {Needs::Live, Makes::Same},           // IterationStarted (its body)
    {Needs::Live, Makes::Same},           // IterationCompleted (its body)
    {Needs::Live, Makes::Same},           // JobCreated
    {Needs::Nothing, Makes::Same},        // JobRemoved
    {Needs::LiveOrProcess, Makes::Same},  // TimerScheduled (owner)
    {Needs::Nothing, Makes::Same},        // TimerRemoved
    {Needs::LiveOrProcess, Makes::Same},  // SubscriptionOpened (owner)
    {Needs::Nothing, Makes::Same},        // SubscriptionClosed
    {Needs::Nothing, Makes::Same},        // ConditionChanged
    {Needs::LiveOrProcess, Makes::Same},  // CompensableRecorded (its scope)
    {Needs::Live, Makes::Same},           // CompensationQueued (the thrower)
    {Needs::Live, Makes::Same},           // CompensationHandlerStarted (the handler)
    {Needs::Nothing, Makes::Same},  // CompensationHandlerDone (the handler has just completed)
    {Needs::Live, Makes::Same},     // TransactionCancelling (the thrower)
    {Needs::Live, Makes::Same},     // CallRequested (the call activity)
    {Needs::Live, Makes::Same},     // CallClosed
    {Needs::Nothing, Makes::Same},  // ErrorEscaped
    {Needs::Nothing, Makes::Same},  // MessagePublished
    {Needs::Nothing, Makes::Same},  // SignalPublished
    {Needs::Live, Makes::Same},     // UserTaskCreated
    {Needs::LiveOrProcess,
     Makes::Same},                  // IncidentRaised (on an element, or a process-level trigger)
    {Needs::Nothing, Makes::Same},  // IncidentResolved
    {Needs::Nothing, Makes::Same},  // InstanceCompleted
    {Needs::Nothing, Makes::Same},  // InstanceTerminated
    {Needs::Nothing, Makes::Same},  // InstanceMigrated (renumbers every element instance)
    {Needs::LiveOrProcess, Makes::Same},  // VariablesRemoved (its scope)
    {Needs::Nothing, Makes::Same},        // OperatorActed
}};

// The element instance an event names (0 for the process scope or none).
Key subject_of(const Event& event);

// REQUIRES: the event fits the state (else an internal error naming the event).
void check_lifecycle(const Event& event, const InstanceState& state);

}  // namespace elva::runtime
