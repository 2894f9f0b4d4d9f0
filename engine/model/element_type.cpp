// Names and families of element types: one table, so names and types cannot drift apart.
#include "model/element_type.hpp"

#include <array>

namespace elva::model {
namespace {

struct TypeInfo {
  ElementType type;
  std::string_view name;
};

constexpr std::array kTypes{
    TypeInfo{ElementType::StartEvent, "startEvent"},
    TypeInfo{ElementType::EndEvent, "endEvent"},
    TypeInfo{ElementType::IntermediateCatchEvent, "intermediateCatchEvent"},
    TypeInfo{ElementType::IntermediateThrowEvent, "intermediateThrowEvent"},
    TypeInfo{ElementType::BoundaryEvent, "boundaryEvent"},
    TypeInfo{ElementType::Task, "task"},
    TypeInfo{ElementType::UserTask, "userTask"},
    TypeInfo{ElementType::ServiceTask, "serviceTask"},
    TypeInfo{ElementType::ScriptTask, "scriptTask"},
    TypeInfo{ElementType::BusinessRuleTask, "businessRuleTask"},
    TypeInfo{ElementType::SendTask, "sendTask"},
    TypeInfo{ElementType::ReceiveTask, "receiveTask"},
    TypeInfo{ElementType::ManualTask, "manualTask"},
    TypeInfo{ElementType::CallActivity, "callActivity"},
    TypeInfo{ElementType::SubProcess, "subProcess"},
    TypeInfo{ElementType::EventSubProcess, "subProcess"},
    TypeInfo{ElementType::Transaction, "transaction"},
    TypeInfo{ElementType::AdHocSubProcess, "adHocSubProcess"},
    TypeInfo{ElementType::ExclusiveGateway, "exclusiveGateway"},
    TypeInfo{ElementType::ParallelGateway, "parallelGateway"},
    TypeInfo{ElementType::InclusiveGateway, "inclusiveGateway"},
    TypeInfo{ElementType::EventBasedGateway, "eventBasedGateway"},
    TypeInfo{ElementType::ComplexGateway, "complexGateway"},
};

}  // namespace

std::string_view bpmn_name(ElementType type) noexcept {
  for (const auto& info : kTypes) {
    if (info.type == type) return info.name;
  }
  return "unknown";
}

std::optional<ElementType> element_type_from_bpmn(std::string_view local_name) noexcept {
  for (const auto& info : kTypes) {
    if (info.name == local_name) return info.type;  // SubProcess comes before EventSubProcess
  }
  return std::nullopt;
}

bool is_event(ElementType type) noexcept { return type <= ElementType::BoundaryEvent; }

bool is_gateway(ElementType type) noexcept { return type >= ElementType::ExclusiveGateway; }

bool is_activity(ElementType type) noexcept { return !is_event(type) && !is_gateway(type); }

bool is_scope(ElementType type) noexcept {
  return type == ElementType::SubProcess || type == ElementType::EventSubProcess ||
         type == ElementType::Transaction || type == ElementType::AdHocSubProcess;
}

}  // namespace elva::model
