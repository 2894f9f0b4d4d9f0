// The behaviour singletons, one accessor per element type (each defined in its own file under
// event/, task/, gateway/, container/). Only registry.cpp needs this list.
#pragma once

#include "runtime/behaviors/element_behavior.hpp"

namespace elva::runtime {

const ElementBehavior& start_event_behavior();
const ElementBehavior& end_event_behavior();
const ElementBehavior& intermediate_catch_event_behavior();
const ElementBehavior& intermediate_throw_event_behavior();
const ElementBehavior& boundary_event_behavior();

const ElementBehavior& user_task_behavior();
const ElementBehavior& wait_task_behavior();  // abstract and manual tasks
const ElementBehavior& receive_task_behavior();
const ElementBehavior& service_task_behavior();  // and every element worked as a job
const ElementBehavior& script_task_behavior();
const ElementBehavior& business_rule_task_behavior();
const ElementBehavior& send_task_behavior();

const ElementBehavior& exclusive_gateway_behavior();
const ElementBehavior& parallel_gateway_behavior();
const ElementBehavior& inclusive_gateway_behavior();
const ElementBehavior& event_based_gateway_behavior();

const ElementBehavior& sub_process_behavior();  // and transactions
const ElementBehavior& event_sub_process_behavior();
const ElementBehavior& call_activity_behavior();
const ElementBehavior& multi_instance_body_behavior();  // and standard loops

// Element types that do not run (refused by validation in executable processes): an incident.
const ElementBehavior& unsupported_behavior();

// A task with nothing to do it (no connector, job type, script, decision or message): an
// incident that says what is missing.
void raise_nothing_to_do(Key instance, StepContext& ctx);

}  // namespace elva::runtime
