// Projection: what one step's events mean outside the instance: rows into the batch (jobs,
// timers, subscriptions, incidents, user tasks), history rows, and follow-ups for the router,
// as plain data. Pure: it reads nothing from the store. Internal to engine/exec.
#pragma once

#include <deque>
#include <string>

#include "exec/followup.hpp"
#include "exec/unit.hpp"

namespace elva::exec {

// How long a message thrown by a process waits for a catch that opens later.
inline constexpr std::int64_t kThrownMessageTtl = 3'600'000;  // PT1H
// Timers due sooner than this after the unit's time wake the schedulers when it commits.
inline constexpr std::int64_t kWakeHorizon = 2'000;

// REQUIRES: `result` is the step just applied to `l.state`.
void project(const Loaded& l, const runtime::StepResult& result, const std::string& actor,
             std::int64_t now, store::Batch& batch, std::deque<FollowUp>& follow_ups);

}  // namespace elva::exec
