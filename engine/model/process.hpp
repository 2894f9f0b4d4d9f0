// ProcessDefinition: one <process>, immutable once read. Elements and sequence flows are stored
// in vectors and addressed by index; FlowGraph (Boost.Graph) answers questions about paths.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "elva/diagnostic.hpp"
#include "model/data_class.hpp"
#include "model/element.hpp"

namespace elva::model {

class FlowGraph;

struct SequenceFlow {
  std::string id;
  std::string name;
  SourcePos pos;
  std::string source_id;
  std::string target_id;
  ElementIndex source = kNoElement;  // kNoElement when the reference does not resolve
  ElementIndex target = kNoElement;
  ElementIndex scope = kNoElement;  // container the flow is declared in
  std::string condition;            // empty: unconditional
  std::string condition_language;   // empty: the definitions' expressionLanguage
};

struct Association {
  std::string id;
  std::string source_ref;
  std::string target_ref;
};

struct Lane {
  std::string id;
  std::string name;
  SourcePos pos;
  std::string parent_lane;  // empty for top-level lanes
  std::vector<std::string> flow_node_refs;
};

// dataObject, dataObjectReference, dataStoreReference.
struct DataElement {
  std::string id;
  std::string name;
  std::string type;
  SourcePos pos;
  ElementIndex scope = kNoElement;
  std::string ref;  // dataObjectRef / dataStoreRef
  bool is_collection = false;
};

class ProcessDefinition {
 public:
  ProcessDefinition();
  ~ProcessDefinition();
  ProcessDefinition(ProcessDefinition&&) noexcept;
  ProcessDefinition& operator=(ProcessDefinition&&) noexcept;

  std::string id;
  std::string name;
  SourcePos pos;
  bool executable = false;
  std::string version_tag;
  // elva:deadline: how long a case may take from its start (ISO 8601 duration; "" none). The
  // stats measure the share of cases that met it and list those at risk.
  std::string deadline;
  std::string history_time_to_live;  // historyTimeToLive / elva:retention, as written
  // Data classes of its variables (<elva:data>) and why it processes them (elva:purpose;
  // else the process documentation): docs/privacy.md.
  std::vector<DataDeclaration> data_declarations;
  std::string purpose;
  // Who may start the process from the API (elva:/camunda:candidateStarterGroups, -Users on
  // <process>; literal lists). Both empty: any employee (administrators and developers always).
  std::vector<std::string> candidate_starter_groups;
  std::vector<std::string> candidate_starter_users;
  // The message that withdraws a request (elva:withdrawMessage): the one who started an
  // instance may send it to that instance while the instance waits for it (PeopleApi::withdraw).
  std::string withdraw_message;
  SourcePos withdraw_pos;
  std::string documentation;
  // The case summary every user task of the process shows, unless the task declares its own.
  std::vector<SummaryField> summary;
  std::vector<Element> elements;
  std::vector<SequenceFlow> flows;
  std::vector<Lane> lanes;
  std::vector<DataElement> data;
  std::vector<Association> associations;
  std::vector<Property> properties;
  // Forms embedded in the process by older Camunda 8 modelers (zeebe:userTaskForm): a user task
  // refers to one as formKey "camunda-forms:bpmn:<id>". The JSON is checked at deploy.
  struct EmbeddedForm {
    std::string id;
    std::string json;
    SourcePos pos;
  };
  std::vector<EmbeddedForm> embedded_forms;

  const Element* find(std::string_view element_id) const;
  const SequenceFlow* find_flow(std::string_view flow_id) const;
  // Flow nodes directly at process level or directly inside `scope`.
  std::vector<ElementIndex> children(ElementIndex scope) const;
  // Id of an element's scope: the enclosing sub-process id, or this process's id.
  const std::string& scope_id(ElementIndex scope) const;

  // Built once by the reader after all elements and flows are in place.
  void index();
  const FlowGraph& graph() const;

 private:
  std::unordered_map<std::string_view, ElementIndex> by_id_;
  std::unordered_map<std::string_view, FlowIndex> flow_by_id_;
  std::unique_ptr<FlowGraph> graph_;
};

}  // namespace elva::model
