// Timer due times (ISO 8601 date, duration, cycle; or an expression giving one) and
// message/signal subscriptions, computed from the injected clock and the variables.
#pragma once

#include <cstdint>
#include <string>

#include "elva/result.hpp"
#include "model/event_definition.hpp"
#include "runtime/context.hpp"

namespace elva::runtime {

// The same over a timer's literal text, without an instance (timer start events). A cycle that
// repeats more often than every `min_cycle_ms` is refused (RuntimeLimits::min_cycle_ms).
Result<std::int64_t> first_due_of(model::TimerKind kind, const std::string& text, std::int64_t now,
                                  std::int64_t min_cycle_ms = RuntimeLimits{}.min_cycle_ms);
Result<std::int64_t> next_due_of(const std::string& cycle, std::int64_t previous, int fired,
                                 std::int64_t min_cycle_ms = RuntimeLimits{}.min_cycle_ms);

// The first time the timer is due, in ms since the epoch.
Result<std::int64_t> first_due(const model::EventDefinition& timer, Key instance, StepContext& ctx);
// For cycles: the next due time after `previous`, or an error when the cycle is exhausted.
// `fired` counts the firings so far (including the one at `previous`).
Result<std::int64_t> next_due(const model::EventDefinition& timer, std::int64_t previous, int fired,
                              Key instance, StepContext& ctx);

// A subscription (key and element left for the caller) with the correlation key evaluated.
Result<Subscription> subscription_for(const model::EventDefinition& event, Key instance,
                                      StepContext& ctx);

}  // namespace elva::runtime
