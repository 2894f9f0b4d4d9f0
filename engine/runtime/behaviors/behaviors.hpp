// The behaviour singletons, one accessor per element family (defined beside each behaviour).
#pragma once

#include "runtime/behaviors/element_behavior.hpp"

namespace elva::runtime {

const ElementBehavior& start_event_behavior();
const ElementBehavior& boundary_event_behavior();
const ElementBehavior& end_event_behavior();
const ElementBehavior& intermediate_catch_behavior();
const ElementBehavior& intermediate_throw_behavior();
const ElementBehavior& wait_task_behavior();
const ElementBehavior& job_task_behavior();
const ElementBehavior& exclusive_gateway_behavior();
const ElementBehavior& parallel_gateway_behavior();
const ElementBehavior& inclusive_gateway_behavior();
const ElementBehavior& sub_process_behavior();
const ElementBehavior& call_activity_behavior();
const ElementBehavior& event_based_gateway_behavior();
const ElementBehavior& unsupported_behavior();

}  // namespace elva::runtime
