// The namespace URIs Elva reads. Matching is by URI only: files bind them to any prefix.
#pragma once

#include <string_view>

namespace elva::parse {

inline constexpr std::string_view kBpmnNs = "http://www.omg.org/spec/BPMN/20100524/MODEL";
inline constexpr std::string_view kBpmnDiNs = "http://www.omg.org/spec/BPMN/20100524/DI";
inline constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";
// Elva's own extension namespace (see docs/bpmn-extensions.md).
inline constexpr std::string_view kElvaNs = "urn:elva:bpmn:1.0";
inline constexpr std::string_view kCamundaNs = "http://camunda.org/schema/1.0/bpmn";
inline constexpr std::string_view kZeebeNs = "http://camunda.org/schema/zeebe/1.0";
inline constexpr std::string_view kModelerNs = "http://camunda.org/schema/modeler/1.0";
inline constexpr std::string_view kActivitiNs = "http://activiti.org/bpmn";
inline constexpr std::string_view kFlowableNs = "http://flowable.org/bpmn";
// Operaton, the community fork of Camunda 7: the same vocabulary under its own URI.
inline constexpr std::string_view kOperatonNs = "http://operaton.org/schema/1.0/bpmn";

// Execution dialects whose extensions Elva maps (Camunda 7, Operaton, Activiti and Flowable share
// one vocabulary; Zeebe is Camunda 8).
enum class Dialect { None, Elva, Camunda, Operaton, Activiti, Flowable, Zeebe, CamundaModeler };

Dialect dialect_of(std::string_view uri) noexcept;
std::string_view dialect_prefix(Dialect dialect) noexcept;  // "camunda", "zeebe", ...
inline bool is_camunda_family(Dialect d) {
  return d == Dialect::Camunda || d == Dialect::Operaton || d == Dialect::Activiti ||
         d == Dialect::Flowable;
}

}  // namespace elva::parse
