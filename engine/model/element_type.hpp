// ElementType: every BPMN flow node kind Elva knows, with its BPMN local name and family.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace elva::model {

enum class ElementType : std::uint8_t {
  // Events
  StartEvent,
  EndEvent,
  IntermediateCatchEvent,
  IntermediateThrowEvent,
  BoundaryEvent,
  // Tasks
  Task,  // abstract task
  UserTask,
  ServiceTask,
  ScriptTask,
  BusinessRuleTask,
  SendTask,
  ReceiveTask,
  ManualTask,
  // Containers and calls
  CallActivity,
  SubProcess,
  EventSubProcess,  // <subProcess triggeredByEvent="true">
  Transaction,
  AdHocSubProcess,
  // Gateways
  ExclusiveGateway,
  ParallelGateway,
  InclusiveGateway,
  EventBasedGateway,
  ComplexGateway,
};

// The BPMN XML local name, e.g. "userTask". EventSubProcess answers "subProcess".
std::string_view bpmn_name(ElementType type) noexcept;
// The type for a BPMN local name; nullopt for names that are not flow nodes.
std::optional<ElementType> element_type_from_bpmn(std::string_view local_name) noexcept;

bool is_event(ElementType type) noexcept;
bool is_gateway(ElementType type) noexcept;
bool is_activity(ElementType type) noexcept;  // tasks, call activities and sub-processes
bool is_scope(ElementType type) noexcept;     // elements that contain other flow elements

}  // namespace elva::model
