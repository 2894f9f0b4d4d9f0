// The single ElementType -> behaviour switch: every element type that runs maps to the behaviour
// that runs it.
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {

const ElementBehavior& behavior_for(const model::Element& element, Role role) {
  using T = model::ElementType;
  if (role == Role::Body) return multi_instance_body_behavior();
  // Work done outside the engine: a job for a connector or worker, whatever the element (Zeebe
  // lets send, script, business rule tasks and message throw events name a job type).
  if (element.job) {
    switch (element.type) {
      case T::ServiceTask:
      case T::SendTask:
      case T::ScriptTask:
      case T::BusinessRuleTask:
      case T::IntermediateThrowEvent:
      case T::EndEvent:
        return service_task_behavior();
      default:
        break;
    }
  }
  switch (element.type) {
    case T::StartEvent:
      return start_event_behavior();
    case T::EndEvent:
      return end_event_behavior();
    case T::IntermediateCatchEvent:
      return intermediate_catch_event_behavior();
    case T::IntermediateThrowEvent:
      return intermediate_throw_event_behavior();
    case T::BoundaryEvent:
      return boundary_event_behavior();
    case T::UserTask:
      return user_task_behavior();
    case T::Task:
    case T::ManualTask:
      return wait_task_behavior();
    case T::ReceiveTask:
      return receive_task_behavior();
    case T::ServiceTask:
      return service_task_behavior();
    case T::ScriptTask:
      return script_task_behavior();
    case T::BusinessRuleTask:
      return business_rule_task_behavior();
    case T::SendTask:
      return send_task_behavior();
    case T::SubProcess:
    case T::Transaction:
      return sub_process_behavior();
    case T::EventSubProcess:
      return event_sub_process_behavior();
    case T::CallActivity:
      return call_activity_behavior();
    case T::ExclusiveGateway:
      return exclusive_gateway_behavior();
    case T::ParallelGateway:
      return parallel_gateway_behavior();
    case T::InclusiveGateway:
      return inclusive_gateway_behavior();
    case T::EventBasedGateway:
      return event_based_gateway_behavior();
    case T::AdHocSubProcess:
    case T::ComplexGateway:
      return unsupported_behavior();
  }
  return unsupported_behavior();
}

namespace {

class UnsupportedBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    ctx.raise_incident(instance, std::string(model::bpmn_name(e.type)) +
                                     " is not supported by this version of Elva yet");
  }
};

}  // namespace

const ElementBehavior& unsupported_behavior() {
  static const UnsupportedBehavior b;
  return b;
}

void raise_nothing_to_do(Key instance, StepContext& ctx) {
  ctx.raise_incident(
      instance, "the task has no connector or job type (a send task may name a message instead)");
}

}  // namespace elva::runtime
