// The data map of a process (docs/privacy.md): which variables hold which class of data, how
// long they are kept, who receives them (connectors and workers, from the tasks' input
// mappings), its purpose and forms. Built from the model alone (pure); the records of
// processing (`elva privacy report`) and the retention rules are made from it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/process.hpp"

namespace elva::privacy {

struct ClassedVariable {
  std::string variable;
  std::string data_class;  // personal, sensitive, record, working
  std::string retention;   // as an interval ("P5Y"); "" = the process's
  bool subject = false;
  std::string purpose;
  std::string declared_in;  // "bpmn" or "form <key>"
};

struct Recipient {
  std::string element_id, element_name;
  std::string job_type;        // "hr.createUser" (connector.operation) or a worker's topic
  bool connector = false;      // an in-engine connector (elva:connector), else an external worker
  bool all_variables = false;  // no input mappings: the job gets every variable in scope
  std::vector<std::string> variables;  // the variables its input mappings read
};

struct ProcessMap {
  std::string process_id, name, file;
  std::string purpose;    // elva:purpose, else the process's documentation
  std::string retention;  // the process's retention as an interval; "" = kept
  std::vector<ClassedVariable> variables;
  std::vector<Recipient> recipients;
  std::vector<std::string> forms;  // form keys of its user tasks
};

// A form's schema by key (null when it is not known): the data classes of its fields
// (properties.dataClass / properties.retention on a form-js component) join the process's.
using FormLookup = std::function<nlohmann::json(const std::string& key)>;

// One component of a form-js schema with a key.
struct FormField {
  std::string key, label;
  std::string type;        // form-js component type: a checkbox holds yes/no, never a name
  std::string data_class;  // properties.dataClass, "" when not given
  std::string retention;   // properties.retention
};
std::vector<FormField> form_fields(const nlohmann::json& schema);

ProcessMap map_process(const model::ProcessDefinition& p, const std::string& file,
                       const FormLookup& forms);

// {"process", "name", "file", "purpose", "retention", "dataClasses": {class: [variables...]},
//  "variables": [...], "recipients": [...], "forms": [...], "storedIn": [tables...]}
nlohmann::json to_json(const ProcessMap& m);

// Where an instance's data is kept in PostgreSQL (the tables the cleanup removes it from).
const std::vector<std::string>& storage_tables();

}  // namespace elva::privacy
