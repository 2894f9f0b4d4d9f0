// Element: one flow node of a process (event, activity or gateway), with what it needs to run.
// Common properties sit on Element; what only one family needs sits in its spec (a variant).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "elva/diagnostic.hpp"
#include "model/element_type.hpp"
#include "model/event_definition.hpp"

namespace elva::model {

using ElementIndex = std::uint32_t;
using FlowIndex = std::uint32_t;
inline constexpr ElementIndex kNoElement = std::numeric_limits<ElementIndex>::max();
inline constexpr FlowIndex kNoFlow = std::numeric_limits<FlowIndex>::max();

// Where an extension property came from, for reports: "elva", "camunda", "zeebe", ...
using Dialect = std::string;

// target := source. `source` is an expression (FEEL, `=expr` or `${expr}`) or a literal; with a
// script_format (camunda:script in a mapping), a script whose value is the mapping's value.
struct IoMapping {
  IoMapping() = default;
  IoMapping(std::string source_, std::string target_, SourcePos pos_ = {},
            std::string script_format_ = {})
      : source(std::move(source_)),
        target(std::move(target_)),
        pos(pos_),
        script_format(std::move(script_format_)) {}
  std::string source;
  std::string target;
  SourcePos pos;
  std::string script_format;  // empty: `source` is an expression or literal
};

// A Camunda 7 / Operaton execution or task listener that only sets variables, run by Elva:
// Start and End (execution listeners), Create and Complete (task listeners on user tasks).
// Either `sets` (execution.setVariable('name', EXPR) calls, EXPR converted to FEEL, in order)
// or a script (`script_format` non-empty, `script` its source; its execution.setVariable calls
// are what it sets).
enum class ListenerEvent { Start, End, Create, Complete };
struct Listener {
  ListenerEvent event = ListenerEvent::Start;
  std::vector<IoMapping> sets;  // target := FEEL source
  std::string script_format;
  std::string script;
  std::string what;  // how the file wrote it, for incidents: "camunda:executionListener start"
  SourcePos pos;
};

struct Property {
  std::string name;
  std::string value;
};

// Work done outside the engine by a connector or an external worker: service tasks, and send,
// script, business-rule tasks or message throw events that name a job type.
struct JobSpec {
  std::string job_type;     // "hr.createEmployment" (connector.operation) or a worker topic
  std::string retries;      // number or expression; empty: engine default
  std::string retry_cycle;  // ISO 8601 repeating interval, e.g. "R5/PT1M"
  std::vector<Property> headers;
  bool connector = false;  // named with elva:connector (an in-engine connector, checked at deploy)
};

// One line of the case an employee sees beside a task (elva:summary): a label and what to show,
// a FEEL expression over the task's variables ("employee.name") or a text with {{...}} in it.
struct SummaryField {
  std::string label;
  std::string value;
  SourcePos pos;
};

struct UserTaskSpec {
  std::string assignee;
  std::string candidate_users;   // comma-separated list or expression
  std::string candidate_groups;  // comma-separated list or expression
  std::string due_date;
  std::string follow_up_date;
  std::string priority;
  std::string form_key;
  // What completing the task may set when it has no form (Engine: PeopleApi::complete_task):
  // the variables named by elva:completionVariables, or any with elva:acceptAnyVariables.
  std::vector<std::string> completion_variables;
  bool accept_any_variables = false;
  // What the worker needs to see of the case (elva:summary on the task; else the process's).
  std::vector<SummaryField> summary;
};

struct ScriptSpec {
  std::string format;  // "feel", "javascript", ...
  std::string body;
  std::string result_variable;
};

// The language a scriptFormat names, in any case: none, "feel" or "juel" (read as FEEL);
// "javascript", "js" or "ecmascript" (run in the JavaScript sandbox, engine/script); else one
// only a worker can run.
enum class ScriptLanguage { Feel, JavaScript, Other };
inline ScriptLanguage script_language(std::string_view format) {
  std::string f(format);
  for (char& c : f)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (f.empty() || f == "feel" || f == "juel") return ScriptLanguage::Feel;
  if (f == "javascript" || f == "js" || f == "ecmascript") return ScriptLanguage::JavaScript;
  return ScriptLanguage::Other;
}

struct DecisionSpec {
  std::string decision_ref;
  std::string result_variable;
  std::string map_result;  // singleResult | singleEntry | collectEntries | resultList
};

struct CallActivitySpec {
  std::string called_element;      // process id
  bool propagate_all_in = false;   // all parent variables go in
  bool propagate_all_out = false;  // all child variables come back
  std::vector<IoMapping> in;
  std::vector<IoMapping> out;
};

struct EventSpec {
  std::vector<EventDefinition> definitions;  // empty: a none event
  ElementIndex attached_to = kNoElement;     // boundary events
  std::string attached_to_id;
  bool cancel_activity = true;  // boundary events
  bool interrupting = true;     // start events of event sub-processes
  bool parallel_multiple = false;
};

struct MessageTaskSpec {
  std::string message_ref;      // receive and send tasks
  std::string message_name;     // resolved from message_ref after reading
  std::string correlation_key;  // the message's correlation key expression
};

struct SubProcessSpec {
  std::vector<ElementIndex> children;  // flow nodes directly inside
};

using ElementSpec = std::variant<std::monostate, UserTaskSpec, ScriptSpec, DecisionSpec,
                                 CallActivitySpec, EventSpec, MessageTaskSpec, SubProcessSpec>;

enum class LoopKind : std::uint8_t { None, Standard, MultiInstance };

struct LoopSpec {
  LoopKind kind = LoopKind::None;
  SourcePos pos;
  // Multi-instance
  bool sequential = false;
  std::string cardinality;
  std::string input_collection;
  std::string input_element;
  std::string output_collection;
  std::string output_element;
  std::string completion_condition;
  // Standard loop
  std::string loop_condition;
  bool test_before = false;
  std::string loop_maximum;
};

struct Element {
  std::string id;
  std::string name;
  ElementType type = ElementType::Task;
  SourcePos pos;
  ElementIndex index = kNoElement;
  ElementIndex scope = kNoElement;  // enclosing sub-process; kNoElement at process level
  std::vector<FlowIndex> incoming;
  std::vector<FlowIndex> outgoing;
  FlowIndex default_flow = kNoFlow;
  std::string default_flow_id;  // as written, for diagnostics when it does not resolve
  std::vector<ElementIndex> boundary_events;
  bool is_for_compensation = false;
  // For an activity with a compensation boundary event: the handler the boundary is associated
  // with (bpmn:association), resolved after reading.
  ElementIndex compensation_handler = kNoElement;
  std::string documentation;
  std::vector<IoMapping> inputs;
  std::vector<IoMapping> outputs;
  std::vector<Listener> listeners;   // in document order
  std::vector<Property> properties;  // camunda:properties, zeebe:properties, elva:property
  LoopSpec loop;
  ElementSpec spec;
  std::optional<JobSpec> job;  // set when the element's work is done by a connector or worker
  // The file gives the work to code Elva cannot run (camunda:class, delegateExpression, a
  // built-in task type): reported once, when read, so validation does not add "no connector".
  bool vendor_code = false;

  template <typename Spec>
  const Spec* as() const noexcept {
    return std::get_if<Spec>(&spec);
  }
  const EventSpec* event() const noexcept { return as<EventSpec>(); }
};

}  // namespace elva::model
