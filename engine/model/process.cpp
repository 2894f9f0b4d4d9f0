// ProcessDefinition lookups and the one-time index built after reading.
#include "model/process.hpp"

#include "elva/error.hpp"
#include "model/definitions.hpp"
#include "model/flow_graph.hpp"

namespace elva::model {

ProcessDefinition::ProcessDefinition() = default;
ProcessDefinition::~ProcessDefinition() = default;
ProcessDefinition::ProcessDefinition(ProcessDefinition&&) noexcept = default;
ProcessDefinition& ProcessDefinition::operator=(ProcessDefinition&&) noexcept = default;

void ProcessDefinition::index() {
  by_id_.clear();
  flow_by_id_.clear();
  by_id_.reserve(elements.size());
  for (ElementIndex i = 0; i < elements.size(); ++i) by_id_.emplace(elements[i].id, i);
  for (FlowIndex i = 0; i < flows.size(); ++i) flow_by_id_.emplace(flows[i].id, i);
  graph_ = std::make_unique<FlowGraph>(*this);
}

const Element* ProcessDefinition::find(std::string_view element_id) const {
  auto it = by_id_.find(element_id);
  return it == by_id_.end() ? nullptr : &elements[it->second];
}

const SequenceFlow* ProcessDefinition::find_flow(std::string_view flow_id) const {
  auto it = flow_by_id_.find(flow_id);
  return it == flow_by_id_.end() ? nullptr : &flows[it->second];
}

std::vector<ElementIndex> ProcessDefinition::children(ElementIndex scope) const {
  std::vector<ElementIndex> out;
  for (const auto& element : elements) {
    if (element.scope == scope) out.push_back(element.index);
  }
  return out;
}

const std::string& ProcessDefinition::scope_id(ElementIndex scope) const {
  return scope == kNoElement ? id : elements[scope].id;
}

const FlowGraph& ProcessDefinition::graph() const {
  ELVA_ASSERT(graph_ != nullptr, "ProcessDefinition::index() must run before graph()");
  return *graph_;
}

const ProcessDefinition* Definitions::find_process(std::string_view process_id) const {
  return find_by_id(processes, process_id);
}

std::string_view bpmn_name(EventKind kind) noexcept {
  switch (kind) {
    case EventKind::Message:
      return "messageEventDefinition";
    case EventKind::Timer:
      return "timerEventDefinition";
    case EventKind::Signal:
      return "signalEventDefinition";
    case EventKind::Error:
      return "errorEventDefinition";
    case EventKind::Escalation:
      return "escalationEventDefinition";
    case EventKind::Terminate:
      return "terminateEventDefinition";
    case EventKind::Conditional:
      return "conditionalEventDefinition";
    case EventKind::Link:
      return "linkEventDefinition";
    case EventKind::Compensation:
      return "compensateEventDefinition";
    case EventKind::Cancel:
      return "cancelEventDefinition";
  }
  return "unknown";
}

}  // namespace elva::model
