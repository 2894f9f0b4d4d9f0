// The binding of an imported file set (elva-binding.toml, docs/sharing.md#the-binding-file): how
// the receiving municipality runs what the files leave to Java code or to another engine's
// workers. Applied to the BPMN text before it is read, so that what is deployed (and parsed
// again at run time) is the bound file, with the same lines as the original.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "elva/diagnostic.hpp"
#include "elva/result.hpp"

namespace elva::parse {

struct BindingTarget {
  std::string connector;  // an Elva connector operation ("http.post"), or
  std::string topic;      // an external-worker topic
  std::vector<std::pair<std::string, std::string>> inputs, outputs;  // target -> FEEL source
};

struct Binding {
  // By what the files name: a Java class, a bean (delegateExpression or a method call's
  // object), a camunda:connector id, a zeebe job type.
  std::map<std::string, BindingTarget> classes, beans, connectors, job_types;
  std::string time_zone;  // cron timer cycles without CRON_TZ fire in this zone (default UTC)
  bool empty() const {
    return classes.empty() && beans.empty() && connectors.empty() && job_types.empty() &&
           time_zone.empty();
  }
};

// Something a file leaves to code or to a worker, found while binding (for the skeleton).
struct DelegateUse {
  std::string kind;  // "class", "bean", "connector", "jobType"
  std::string name;
  std::string file;
  SourcePos pos;
  std::string element_id;
  bool bound = false;
};

struct BoundFile {
  std::string bytes;                // the file with the binding applied (lines unchanged)
  std::vector<Diagnostic> applied;  // what the binding changed, at its line
  std::vector<DelegateUse> delegates;
};

// Applies `binding` to one BPMN file's text. A file that is not well-formed XML is returned
// unchanged (the reader reports it). Never throws.
BoundFile apply_binding(const std::string& file, const std::string& bytes, const Binding& binding);

}  // namespace elva::parse
