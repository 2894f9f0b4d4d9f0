// The single ElementType -> behaviour switch.
#include "runtime/behaviors/behaviors.hpp"

namespace elva::runtime {


const ElementBehavior& behavior_for(const model::Element& element) {
  // A message throw event with a job type is worked by a connector or worker (Zeebe style).
  if (element.job && (element.type == model::ElementType::IntermediateThrowEvent ||
                      element.type == model::ElementType::EndEvent)) {
    return job_task_behavior();
  }
  return behavior_for(element.type);
}

const ElementBehavior& behavior_for(model::ElementType type) {
  using T = model::ElementType;
  switch (type) {
    case T::StartEvent: return start_event_behavior();
    case T::EndEvent: return end_event_behavior();
    case T::IntermediateCatchEvent: return intermediate_catch_behavior();
    case T::IntermediateThrowEvent: return intermediate_throw_behavior();
    case T::BoundaryEvent: return boundary_event_behavior();
    case T::Task:
    case T::UserTask:
    case T::ManualTask:
    case T::ReceiveTask: return wait_task_behavior();
    case T::ServiceTask:
    case T::SendTask:
    case T::ScriptTask:
    case T::BusinessRuleTask: return job_task_behavior();
    case T::SubProcess:
    case T::Transaction: return sub_process_behavior();
    case T::CallActivity: return call_activity_behavior();
    case T::ExclusiveGateway: return exclusive_gateway_behavior();
    case T::ParallelGateway: return parallel_gateway_behavior();
    case T::InclusiveGateway: return inclusive_gateway_behavior();
    case T::EventBasedGateway: return event_based_gateway_behavior();
    case T::EventSubProcess:
    case T::AdHocSubProcess:
    case T::ComplexGateway: return unsupported_behavior();
  }
  return unsupported_behavior();
}

}  // namespace elva::runtime
