// Definitions: everything one BPMN file declares (<definitions>): processes, the messages,
// signals, errors and escalations they refer to, and collaborations.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "elva/diagnostic.hpp"
#include "model/process.hpp"

namespace elva::model {

struct Message {
  std::string id;
  std::string name;
  SourcePos pos;
  std::string correlation_key;  // zeebe:subscription / elva:correlationKey
};

struct Signal {
  std::string id;
  std::string name;
  SourcePos pos;
};

// Both <error> and <escalation>: an id, a name and the code a catch matches on.
struct ThrowableDef {
  std::string id;
  std::string name;
  std::string code;
  SourcePos pos;
};

struct Participant {
  std::string id;
  std::string name;
  std::string process_ref;
  SourcePos pos;
};

struct MessageFlow {
  std::string id;
  std::string name;
  std::string source_ref;
  std::string target_ref;
  std::string message_ref;
  SourcePos pos;
};

struct Collaboration {
  std::string id;
  std::string name;
  SourcePos pos;
  std::vector<Participant> participants;
  std::vector<MessageFlow> message_flows;
};

struct Definitions {
  std::string file;
  std::string id;
  std::string target_namespace;
  std::string exporter;
  std::string exporter_version;
  std::string expression_language;
  std::vector<ProcessDefinition> processes;
  std::vector<Message> messages;
  std::vector<Signal> signals;
  std::vector<ThrowableDef> errors;
  std::vector<ThrowableDef> escalations;
  std::vector<Collaboration> collaborations;
  std::vector<std::string> foreign_namespaces;  // vendor namespaces seen and not interpreted

  const ProcessDefinition* find_process(std::string_view process_id) const;
};

using DefinitionsPtr = std::shared_ptr<const Definitions>;

// The item of `list` (messages, signals, errors, ...) with this id, or null.
template <typename T>
const T* find_by_id(const std::vector<T>& list, std::string_view id) {
  for (const auto& item : list) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

}  // namespace elva::model
