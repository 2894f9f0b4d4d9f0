// diff(): what changed between two versions of a process, element by element and flow by flow,
// matched by id. The answer behind `elva diff` (docs/operations.md#versions); a migration plan
// starts from the same matching. Pure and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/process.hpp"

namespace elva::model {

// One aspect of an element or flow that differs. `aspect` is one of: type, name, scope,
// attachedTo, interrupting, event, timer, message, signal, error, escalation, condition,
// conditionEvent, link, compensation, default, source, target, assignment, form, connector,
// retries, headers, inputs, outputs, loop, script, decision, call, called, correlation.
// `before` and `after` are the values as text ("" when absent).
struct Change {
  std::string aspect;
  std::string before;
  std::string after;
};

struct ItemDiff {
  enum class Kind { Element, Flow };
  Kind kind = Kind::Element;
  std::string id;
  std::string type;  // the BPMN name ("userTask", "sequenceFlow"): the newer one when changed
  std::vector<Change> changes;  // empty for added and removed items
};

struct ProcessDiff {
  std::vector<Change> process;                    // the process itself: name, versionTag
  std::vector<ItemDiff> added, removed, changed;  // each sorted by kind (elements first), then id
  bool empty() const {
    return process.empty() && added.empty() && removed.empty() && changed.empty();
  }
};

// Compares `from` (the older) with `to`. Elements and flows with the same id are the same item;
// positions in the file (lines) and diagram layout are not compared.
ProcessDiff diff(const ProcessDefinition& from, const ProcessDefinition& to);

}  // namespace elva::model
