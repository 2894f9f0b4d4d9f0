// Validation rules, one small function each. Rules that only matter for running a process
// (connectors, start events, unsupported constructs) apply to isExecutable="true" processes.
#include "parse/validate.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "common/iso8601.hpp"
#include "expr/cron.hpp"
#include "expr/feel.hpp"
#include "model/flow_graph.hpp"
#include "parse/data_classes.hpp"
#include "parse/read_context.hpp"

namespace elva::parse {
namespace {

using namespace model;

bool has_kind(const EventSpec& ev, EventKind kind) {
  return std::any_of(ev.definitions.begin(), ev.definitions.end(),
                     [&](const EventDefinition& d) { return d.kind == kind; });
}

class Checker {
 public:
  Checker(const Definitions& defs, DiagnosticSink& sink) : defs_(defs), sink_(sink) {}

  void run() {
    bool any_executable = false;
    for (const auto& p : defs_.processes) {
      any_executable |= p.executable;
      check_process(p);
    }
    check_collaborations();
    if (!defs_.processes.empty() && !any_executable) {
      sink_.warning({}, {}, {},
                    "no process is marked isExecutable=\"true\": Elva will not run any process "
                    "from this file");
    }
  }

 private:
  void err(const Element& e, std::string msg) {
    sink_.error(e.pos, e.id, bpmn_name(e.type), std::move(msg));
  }
  void warn(const Element& e, std::string msg) {
    sink_.warning(e.pos, e.id, bpmn_name(e.type), std::move(msg));
  }
  // Executable processes get an error, others a warning: a descriptive model may be incomplete.
  void need(const ProcessDefinition& p, const Element& e, std::string msg) {
    sink_.report(p.executable ? Severity::Error : Severity::Warning, e.pos, e.id, bpmn_name(e.type),
                 std::move(msg));
  }
  std::string describe(const ProcessDefinition& p, ElementIndex scope) const {
    if (scope == kNoElement) return "process '" + p.id + "'";
    return "sub-process '" + p.elements[scope].id + "'";
  }

  void check_process(const ProcessDefinition& p) {
    for (const auto& flow : p.flows) check_flow(p, flow);
    for (const auto& e : p.elements) {
      check_connections(p, e);
      check_boundary(p, e);
      if (const auto* ev = e.event()) check_event(p, e, *ev);
      if (is_gateway(e.type)) check_gateway(p, e);
      check_default_flow(p, e);
      check_expressions(p, e);
      if (p.executable) check_executable(p, e);
    }
    check_lanes(p);
    check_data_classes(p, sink_);
    check_links(p);
    check_scopes(p);
    if (p.executable) check_reachability(p);
    if (p.executable) check_loops_without_wait_state(p);
  }

  void check_flow(const ProcessDefinition& p, const SequenceFlow& f) {
    auto report = [&](std::string msg) {
      sink_.error(f.pos, f.id, "sequenceFlow", std::move(msg));
    };
    if (f.source_id.empty() || f.target_id.empty()) {
      return report("sequence flow needs both sourceRef and targetRef");
    }
    if (f.source == kNoElement) {
      return report("sourceRef '" + f.source_id + "' is not a flow node of process '" + p.id + "'");
    }
    if (f.target == kNoElement) {
      return report("targetRef '" + f.target_id + "' is not a flow node of process '" + p.id + "'");
    }
    const Element& s = p.elements[f.source];
    const Element& t = p.elements[f.target];
    if (s.scope != t.scope || s.scope != f.scope) {
      report("sequence flow leaves its scope: '" + s.id + "' is in " + describe(p, s.scope) +
             " but '" + t.id + "' is in " + describe(p, t.scope) +
             "; a sequence flow cannot cross a sub-process boundary");
    }
    if (!f.condition.empty() && s.type == ElementType::ParallelGateway) {
      sink_.warning(f.pos, f.id, "sequenceFlow",
                    "condition on a flow out of a parallel gateway is ignored: parallel gateways "
                    "take every outgoing flow");
    }
  }

  void check_connections(const ProcessDefinition& p, const Element& e) {
    (void)p;
    if (e.type == ElementType::StartEvent && !e.incoming.empty()) {
      err(e, "a start event cannot have incoming sequence flows");
    }
    if (e.type == ElementType::EndEvent && !e.outgoing.empty()) {
      err(e, "an end event cannot have outgoing sequence flows");
    }
    if (e.type == ElementType::BoundaryEvent && !e.incoming.empty()) {
      err(e, "a boundary event cannot have incoming sequence flows");
    }
    if (e.type == ElementType::EventSubProcess && (!e.incoming.empty() || !e.outgoing.empty())) {
      err(e,
          "an event sub-process cannot have incoming or outgoing sequence flows; it starts "
          "through its start event");
    }
  }

  void check_boundary(const ProcessDefinition& p, const Element& e) {
    const auto* ev = e.event();
    if (!ev || e.type != ElementType::BoundaryEvent) return;
    if (ev->attached_to_id.empty()) return err(e, "boundary event has no attachedToRef");
    if (ev->attached_to == kNoElement) {
      return err(e, "attachedToRef '" + ev->attached_to_id + "' is not a flow node of process '" +
                        p.id + "'");
    }
    const Element& host = p.elements[ev->attached_to];
    if (!is_activity(host.type)) {
      return err(e, "boundary events can only be attached to activities, but '" + host.id +
                        "' is a " + std::string(bpmn_name(host.type)));
    }
    if (host.scope != e.scope) {
      err(e, "boundary event must be declared in the same scope as '" + host.id + "'");
    }
    if (e.outgoing.empty() && !has_kind(*ev, EventKind::Compensation)) {
      warn(e, "boundary event has no outgoing sequence flow: when it triggers, the path ends here");
    }
    if (has_kind(*ev, EventKind::Cancel) && host.type != ElementType::Transaction) {
      err(e, "cancel boundary events can only be attached to transaction sub-processes");
    }
  }

  // Whether the message, signal, error or escalation `ref` is declared in this file.
  bool declared(EventKind kind, const std::string& ref) const {
    switch (kind) {
      case EventKind::Message:
        return find_by_id(defs_.messages, ref) != nullptr;
      case EventKind::Signal:
        return find_by_id(defs_.signals, ref) != nullptr;
      case EventKind::Error:
        return find_by_id(defs_.errors, ref) != nullptr;
      case EventKind::Escalation:
        return find_by_id(defs_.escalations, ref) != nullptr;
      default:
        return false;
    }
  }

  void check_event(const ProcessDefinition& p, const Element& e, const EventSpec& ev) {
    if (ev.definitions.size() > 1) {
      need(p, e,
           "events with several event definitions (BPMN 'multiple' events) are not "
           "supported; split it into one event per trigger");
    }
    const bool is_catch = e.type == ElementType::StartEvent ||
                          e.type == ElementType::BoundaryEvent ||
                          e.type == ElementType::IntermediateCatchEvent;
    for (const auto& d : ev.definitions) {
      const std::string what(bpmn_name(d.kind));
      if (!d.ref.empty() && !declared(d.kind, d.ref)) {
        err(e, what + " refers to '" + d.ref + "', which is not declared in this file");
        continue;
      }
      switch (d.kind) {
        case EventKind::Timer:
          check_timer(p, e, d);
          break;
        case EventKind::Message: {
          const auto* m = find_by_id(defs_.messages, d.ref);
          const bool job_sends = e.job && !is_catch;  // Zeebe: a worker sends the message
          if (d.ref.empty() && e.type == ElementType::IntermediateCatchEvent) {
            warn(e,
                 "message catch event has no messageRef: it waits until completed by `elva "
                 "complete` or the REST API (Camunda 7 trigger), no message reaches it");
          } else if (!m && !job_sends && !e.vendor_code) {
            need(p, e,
                 std::string("message event has no messageRef: which message does it ") +
                     (is_catch ? "wait for?" : "send?"));
          } else if (m && m->name.empty()) {
            need(p, e, "message '" + d.ref + "' has no name; messages are correlated by name");
          }
          break;
        }
        case EventKind::Signal: {
          const auto* s = find_by_id(defs_.signals, d.ref);
          if (!s)
            need(p, e, "signal event has no signalRef");
          else if (s->name.empty())
            need(p, e, "signal '" + d.ref + "' has no name; signals are broadcast by name");
          break;
        }
        case EventKind::Error: {
          if (is_catch) break;  // a catch without errorRef catches every error
          const auto* def = find_by_id(defs_.errors, d.ref);
          if (!def)
            need(p, e, "error end event has no errorRef: which error does it throw?");
          else if (def->code.empty())
            need(p, e, "error '" + d.ref + "' has no errorCode; catching events match on the code");
          break;
        }
        case EventKind::Escalation:
          if (d.ref.empty() && !is_catch) need(p, e, "escalation event has no escalationRef");
          break;
        case EventKind::Conditional:
          if (d.condition.empty()) need(p, e, "conditional event has no condition");
          break;
        case EventKind::Link:
          if (d.link_name.empty()) err(e, "link event has no name; throw and catch pair by name");
          break;
        case EventKind::Compensation:
          if (!d.activity_ref.empty() && !p.find(d.activity_ref)) {
            err(e, "compensation refers to activity '" + d.activity_ref +
                       "', which is not in process '" + p.id + "'");
          }
          break;
        default:
          break;
      }
    }
    if (e.type == ElementType::StartEvent) check_start_trigger(p, e, ev);
  }

  void check_timer(const ProcessDefinition& p, const Element& e, const EventDefinition& d) {
    if (d.timer_kind == TimerKind::None) {
      return need(p, e, "timer has no timeDate, timeDuration or timeCycle: when should it fire?");
    }
    if (d.timer_value.empty()) return need(p, e, "timer has an empty value");
    if (expr::looks_like_expression(d.timer_value)) return;
    bool ok = true;
    std::string expected;
    switch (d.timer_kind) {
      case TimerKind::Date:
        ok = iso8601::parse_date_time(d.timer_value).has_value();
        expected = "an ISO 8601 date-time such as 2026-03-01T09:00:00Z";
        break;
      case TimerKind::Duration:
        ok = iso8601::parse_duration(d.timer_value).has_value();
        expected = "an ISO 8601 duration such as P3D or PT15M";
        break;
      case TimerKind::Cycle:
        if (expr::looks_like_cron(d.timer_value)) {
          if (auto cron = expr::parse_cron(d.timer_value); !cron)
            return need(p, e,
                        "timer cycle '" + d.timer_value + "' (cron): " + cron.error().message);
          return;
        }
        ok = iso8601::parse_cycle(d.timer_value).has_value();
        expected =
            "an ISO 8601 repeating interval such as R3/PT10M or R/2026-01-01T08:00:00Z/P1D, or a "
            "cron expression such as 0 0 2 * * ?";
        break;
      case TimerKind::None:
        break;
    }
    if (!ok) need(p, e, "timer value '" + d.timer_value + "' is not " + expected);
  }

  void check_start_trigger(const ProcessDefinition& p, const Element& e, const EventSpec& ev) {
    const bool in_event_sub =
        e.scope != kNoElement && p.elements[e.scope].type == ElementType::EventSubProcess;
    for (const auto& d : ev.definitions) {
      const bool sub_only = d.kind == EventKind::Error || d.kind == EventKind::Escalation ||
                            d.kind == EventKind::Compensation;
      if (sub_only && !in_event_sub) {
        err(e, std::string(bpmn_name(d.kind)) +
                   " start events are only allowed in event sub-processes");
      }
      if (d.kind == EventKind::Terminate || d.kind == EventKind::Link ||
          d.kind == EventKind::Cancel) {
        err(e, std::string(bpmn_name(d.kind)) + " is not a valid trigger for a start event");
      }
    }
  }

  void check_gateway(const ProcessDefinition& p, const Element& e) {
    if (e.outgoing.empty()) {
      return err(e, "gateway has no outgoing sequence flow: a token that reaches it cannot go on");
    }
    if (e.incoming.empty()) warn(e, "gateway has no incoming sequence flow: no token can reach it");
    if (e.type == ElementType::EventBasedGateway) return check_event_gateway(p, e);
    const bool decides =
        e.type == ElementType::ExclusiveGateway || e.type == ElementType::InclusiveGateway;
    if (!decides || e.outgoing.size() < 2) return;
    std::vector<std::string> unconditional;
    for (FlowIndex f : e.outgoing) {
      if (f != e.default_flow && p.flows[f].condition.empty())
        unconditional.push_back(p.flows[f].id);
    }
    if (!unconditional.empty()) {
      std::string list;
      for (const auto& id : unconditional) list += (list.empty() ? "'" : ", '") + id + "'";
      warn(e, "outgoing flow " + list +
                  " has no condition and is not the default flow; give it "
                  "a condition or make it the gateway's default");
    } else if (e.default_flow == kNoFlow) {
      warn(e,
           "no default flow: if no condition holds, the instance stops with an incident here; "
           "add a default flow");
    }
  }

  void check_event_gateway(const ProcessDefinition& p, const Element& e) {
    if (e.outgoing.size() < 2) warn(e, "an event-based gateway should offer at least two events");
    for (FlowIndex f : e.outgoing) {
      const auto& flow = p.flows[f];
      if (flow.target == kNoElement) continue;
      const Element& t = p.elements[flow.target];
      bool ok = t.type == ElementType::ReceiveTask;
      if (const auto* ev = t.event(); ev && t.type == ElementType::IntermediateCatchEvent) {
        ok = ev->definitions.size() == 1 && (ev->definitions[0].kind == EventKind::Message ||
                                             ev->definitions[0].kind == EventKind::Timer ||
                                             ev->definitions[0].kind == EventKind::Signal ||
                                             ev->definitions[0].kind == EventKind::Conditional);
      }
      if (!ok) {
        err(e, "flow '" + flow.id + "' leads to '" + t.id + "' (" + std::string(bpmn_name(t.type)) +
                   "); after an event-based gateway only message, timer, signal or conditional "
                   "catch events and receive tasks may follow");
      }
    }
  }

  void check_default_flow(const ProcessDefinition& p, const Element& e) {
    if (e.default_flow_id.empty()) return;
    if (e.default_flow == kNoFlow) {
      return err(
          e, "default flow '" + e.default_flow_id + "' is not an outgoing flow of this element");
    }
    if (!p.flows[e.default_flow].condition.empty()) {
      warn(e, "default flow '" + e.default_flow_id + "' has a condition, which is ignored");
    }
  }

  void check_executable(const ProcessDefinition& p, const Element& e) {
    switch (e.type) {
      case ElementType::ComplexGateway:
        err(e, "complex gateways are not supported; use inclusive or parallel gateways");
        break;
      case ElementType::AdHocSubProcess:
        err(e, "ad-hoc sub-processes are not supported; use an embedded sub-process");
        break;
      case ElementType::ServiceTask:
        if ((!e.job || e.job->job_type.empty()) && !e.vendor_code) {
          err(e,
              "service task has no connector: set elva:connector=\"connector.operation\" (or "
              "zeebe:taskDefinition type, or camunda:type=\"external\" with camunda:topic)");
        }
        break;
      case ElementType::SendTask:
        if ((!e.job || e.job->job_type.empty()) && !e.vendor_code &&
            e.as<MessageTaskSpec>()->message_ref.empty()) {
          err(e, "send task has neither a connector (elva:connector) nor a messageRef");
        }
        break;
      case ElementType::ReceiveTask: {
        const auto& ref = e.as<MessageTaskSpec>()->message_ref;
        if (ref.empty())
          warn(e,
               "receive task has no messageRef: it waits until completed by `elva complete` or "
               "the REST API (Camunda 7 trigger), no message reaches it");
        else if (!declared(EventKind::Message, ref))
          err(e, "messageRef '" + ref + "' is not declared in this file");
        break;
      }
      case ElementType::ScriptTask:
        if (const auto* s = e.as<ScriptSpec>(); s && !e.job) {
          if (s->body.empty()) err(e, "script task has no script");
          if (script_language(s->format) == ScriptLanguage::Other) {
            err(e, "script format '" + s->format +
                       "' needs a worker: Elva runs FEEL and JavaScript scripts itself; for "
                       "another language give the task a job type for an external worker "
                       "(camunda:type=\"external\" camunda:topic=\"...\", or "
                       "zeebe:taskDefinition type)");
          }
        }
        break;
      case ElementType::BusinessRuleTask:
        if (const auto* d = e.as<DecisionSpec>();
            d && d->decision_ref.empty() && !e.job && !e.vendor_code) {
          err(e, "business rule task has no decision: set elva:decisionRef (or a connector)");
        }
        break;
      case ElementType::CallActivity:
        if (e.as<CallActivitySpec>()->called_element.empty()) {
          err(e, "call activity has no calledElement: which process does it call?");
        }
        break;
      default:
        break;
    }
    if (e.loop.kind == LoopKind::MultiInstance && e.loop.cardinality.empty() &&
        e.loop.input_collection.empty()) {
      err(e,
          "multi-instance activity has neither a loopCardinality nor an input collection: "
          "how many instances should run?");
    }
    for (FlowIndex f : e.outgoing) {
      const auto& flow = p.flows[f];
      if (flow.condition.empty() || supported_language(flow)) continue;
      const bool inherited = flow.condition_language.empty();
      sink_.error(flow.pos, flow.id, "sequenceFlow",
                  "condition language '" + language_of(flow) + "'" +
                      (inherited ? " (declared by expressionLanguage on <definitions>)" : "") +
                      " is not supported; write conditions in FEEL (or ${...} expressions)");
    }
  }

  // Expressions are compiled here, at validation, so that a syntax error is found before
  // deployment rather than as an incident at run time.
  std::string syntax_error(std::string_view text) {
    auto compiled = expr::Expression::compile(text);
    if (compiled) return {};
    std::string col;
    for (const auto& [k, v] : compiled.error().context)
      if (k == "col") col = v;
    return "syntax error" + (col.empty() ? "" : " at column " + col) + ": " +
           compiled.error().message + " in '" + std::string(text) + "'";
  }

  void check_expression(const ProcessDefinition& p, const Element& e, const char* what,
                        const std::string& text, bool always) {
    if (text.empty() || (!always && !expr::looks_like_expression(text))) return;
    if (auto msg = syntax_error(text); !msg.empty()) need(p, e, std::string(what) + ": " + msg);
  }

  const std::string& language_of(const SequenceFlow& flow) const {
    return flow.condition_language.empty() ? defs_.expression_language : flow.condition_language;
  }

  // FEEL and JUEL are Elva's; XPath, JavaScript, Groovy ... are not. A ${...} condition under
  // expressionLanguage="...XPath" on <definitions> is JUEL all the same: modelers (Activiti,
  // Flowable, Signavio exports) write that attribute as boilerplate, and the engines it was
  // made for read ${...} as JUEL whatever it says. Noted once per file.
  bool supported_language(const SequenceFlow& flow) {
    std::string lang = language_of(flow);
    std::transform(lang.begin(), lang.end(), lang.begin(), ::tolower);
    if (lang.empty() || lang.find("feel") != std::string::npos ||
        lang.find("juel") != std::string::npos)
      return true;
    const auto at = flow.condition.find_first_not_of(" \t\r\n");
    const bool juel = at != std::string::npos && (flow.condition.compare(at, 2, "${") == 0 ||
                                                  flow.condition.compare(at, 2, "#{") == 0);
    if (!juel || !flow.condition_language.empty()) return false;
    if (!boilerplate_noted_) {
      boilerplate_noted_ = true;
      sink_.warning(flow.pos, flow.id, "sequenceFlow",
                    "expressionLanguage=\"" + defs_.expression_language +
                        "\" on <definitions> is taken as modeler boilerplate: conditions "
                        "written as ${...} are read as JUEL");
    }
    return true;
  }

  void check_expressions(const ProcessDefinition& p, const Element& e) {
    for (FlowIndex f : e.outgoing) {
      const auto& flow = p.flows[f];
      if (flow.condition.empty() || !supported_language(flow)) continue;
      if (auto msg = syntax_error(flow.condition); !msg.empty()) {
        sink_.report(p.executable ? Severity::Error : Severity::Warning, flow.pos, flow.id,
                     "sequenceFlow", "condition: " + msg);
      }
    }
    if (const auto* ev = e.event()) {
      for (const auto& d : ev->definitions) {
        check_expression(p, e, "condition", d.condition, true);
        check_expression(p, e, "timer", d.timer_value, false);
      }
    }
    check_expression(p, e, "loop cardinality", e.loop.cardinality, true);
    check_expression(p, e, "completion condition", e.loop.completion_condition, true);
    check_expression(p, e, "loop condition", e.loop.loop_condition, true);
    check_expression(p, e, "input collection", e.loop.input_collection, false);
    for (const auto& m : e.inputs)
      if (m.script_format.empty())
        check_expression(p, e, ("input '" + m.target + "'").c_str(), m.source, false);
    for (const auto& m : e.outputs)
      if (m.script_format.empty())
        check_expression(p, e, ("output '" + m.target + "'").c_str(), m.source, false);
    for (const auto& l : e.listeners)
      for (const auto& m : l.sets)
        check_expression(p, e, (l.what + " listener, variable '" + m.target + "'").c_str(),
                         m.source, false);
    if (const auto* t = e.as<UserTaskSpec>()) {
      check_expression(p, e, "assignee", t->assignee, false);
      check_expression(p, e, "candidateUsers", t->candidate_users, false);
      check_expression(p, e, "candidateGroups", t->candidate_groups, false);
      check_expression(p, e, "dueDate", t->due_date, false);
      check_expression(p, e, "followUpDate", t->follow_up_date, false);
      check_expression(p, e, "priority", t->priority, false);
      for (const auto& f : t->summary)
        check_expression(p, e, ("summary '" + f.label + "'").c_str(), f.value, false);
    }
    if (const auto* s = e.as<ScriptSpec>()) {
      std::string fmt = s->format;
      std::transform(fmt.begin(), fmt.end(), fmt.begin(), ::tolower);
      if (fmt == "feel") check_expression(p, e, "script", s->body, true);
    }
    if (const auto* c = e.as<CallActivitySpec>()) {
      for (const auto& m : c->in) check_expression(p, e, "call input", m.source, false);
      for (const auto& m : c->out) check_expression(p, e, "call output", m.source, false);
    }
  }

  void check_lanes(const ProcessDefinition& p) {
    for (const auto& lane : p.lanes) {
      for (const auto& ref : lane.flow_node_refs) {
        if (!p.find(ref)) {
          sink_.error(lane.pos, lane.id, "lane",
                      "flowNodeRef '" + ref + "' is not a flow node of process '" + p.id + "'");
        }
      }
    }
  }

  void check_links(const ProcessDefinition& p) {
    std::map<std::pair<ElementIndex, std::string>, int> catches;
    for (const auto& e : p.elements) {
      const auto* ev = e.event();
      if (!ev || e.type != ElementType::IntermediateCatchEvent) continue;
      for (const auto& d : ev->definitions) {
        if (d.kind == EventKind::Link && ++catches[{e.scope, d.link_name}] == 2) {
          err(e, "another link catch event in this scope is also named '" + d.link_name + "'");
        }
      }
    }
    for (const auto& e : p.elements) {
      const auto* ev = e.event();
      if (!ev || e.type != ElementType::IntermediateThrowEvent) continue;
      for (const auto& d : ev->definitions) {
        if (d.kind == EventKind::Link && !d.link_name.empty() &&
            !catches.count({e.scope, d.link_name})) {
          err(e, "no link catch event named '" + d.link_name + "' in the same scope");
        }
      }
    }
  }

  // elva:withdrawMessage names a message (by name) that the process catches: a boundary event,
  // an event sub-process's start, an intermediate catch or a receive task.
  void check_withdraw(const ProcessDefinition& p) {
    if (p.withdraw_message.empty()) return;
    for (const auto& e : p.elements) {
      std::vector<std::string> refs;
      if (const auto* ev = e.event();
          ev && e.type != ElementType::EndEvent && e.type != ElementType::IntermediateThrowEvent) {
        if (e.type == ElementType::StartEvent && e.scope == kNoElement) continue;
        for (const auto& d : ev->definitions)
          if (d.kind == EventKind::Message) refs.push_back(d.ref);
      }
      if (const auto* task = std::get_if<MessageTaskSpec>(&e.spec);
          task && e.type == ElementType::ReceiveTask)
        refs.push_back(task->message_ref);
      for (const auto& ref : refs) {
        const auto* m = find_by_id(defs_.messages, ref);
        if (m && m->name == p.withdraw_message) return;
      }
    }
    sink_.error(p.withdraw_pos, p.id, "process",
                "elva:withdrawMessage=\"" + p.withdraw_message +
                    "\" names no message this process waits for: add a message boundary event, "
                    "an event sub-process or a catch event for a message with that name");
  }

  void check_scopes(const ProcessDefinition& p) {
    if (!p.executable) return;
    // Starts per scope: kNoElement is the process itself.
    std::map<ElementIndex, std::vector<const Element*>> none_starts, starts;
    for (const auto& e : p.elements) {
      if (e.type != ElementType::StartEvent) continue;
      starts[e.scope].push_back(&e);
      if (e.event()->definitions.empty()) none_starts[e.scope].push_back(&e);
    }
    if (starts[kNoElement].empty()) {
      sink_.error(p.pos, p.id, "process", "executable process has no start event");
    }
    // The case summary every task shows (elva:summary on the process), read at its line.
    for (const auto& f : p.summary) {
      if (!expr::looks_like_expression(f.value)) continue;
      if (auto msg = syntax_error(f.value); !msg.empty())
        sink_.error(f.pos, p.id, "process", "summary '" + f.label + "': " + msg);
    }
    check_withdraw(p);
    if (none_starts[kNoElement].size() > 1) {
      err(*none_starts[kNoElement][1], "a process can have only one none start event (also '" +
                                           none_starts[kNoElement][0]->id + "')");
    }
    for (const auto& e : p.elements) {
      if (e.type == ElementType::SubProcess || e.type == ElementType::Transaction) {
        if (none_starts[e.index].size() != 1 || starts[e.index].size() != 1) {
          err(e,
              "an embedded sub-process needs exactly one start event, and it must be a none "
              "start event (found " +
                  std::to_string(starts[e.index].size()) + ")");
        }
      } else if (e.type == ElementType::EventSubProcess) {
        if (starts[e.index].size() != 1 || !none_starts[e.index].empty()) {
          err(e,
              "an event sub-process needs exactly one start event with a trigger (message, "
              "timer, signal, error, escalation, conditional or compensation)");
        }
      }
    }
  }

  void check_reachability(const ProcessDefinition& p) {
    std::vector<ElementIndex> roots;
    for (const auto& e : p.elements) {
      const auto* ev = e.event();
      const bool link_catch =
          ev && e.type == ElementType::IntermediateCatchEvent && has_kind(*ev, EventKind::Link);
      if (e.type == ElementType::StartEvent || link_catch || e.is_for_compensation) {
        roots.push_back(e.index);
      }
    }
    const auto reached = p.graph().reachable_from(roots);
    for (const auto& e : p.elements) {
      const bool container = is_scope(e.type);  // reached through its own start event
      if (!reached[e.index] && !container && e.type != ElementType::BoundaryEvent) {
        warn(e, "cannot be reached from any start event");
      }
    }
  }

  // Elements that finish in the same step that starts them: a token passes through without the
  // unit ever committing (gateways, FEEL scripts, decisions evaluated in the engine, none and
  // link throws). A job, a timer, a message, a person or a child instance makes a wait state.
  static bool never_waits(const Element& e) {
    switch (e.type) {
      case ElementType::ExclusiveGateway:
      case ElementType::ParallelGateway:
      case ElementType::InclusiveGateway:
      case ElementType::ComplexGateway:
        return true;
      case ElementType::ScriptTask:
        return e.as<ScriptSpec>() != nullptr;
      case ElementType::BusinessRuleTask:
        return e.as<DecisionSpec>() != nullptr;
      case ElementType::IntermediateThrowEvent: {
        const auto* ev = e.event();
        return ev && (ev->definitions.empty() || has_kind(*ev, EventKind::Link));
      }
      default:
        return false;
    }
  }

  // A cycle of such elements runs inside one unit (one transaction) until its exit condition
  // holds; if it never does, the step limit stops it with an incident. Valid BPMN, so a
  // warning, once per cycle, on its first element.
  void check_loops_without_wait_state(const ProcessDefinition& p) {
    const auto cycles = p.graph().cycles();
    std::map<int, std::vector<const Element*>> members;
    for (const auto& e : p.elements) members[cycles.component[e.index]].push_back(&e);
    for (const auto& [component, elements] : members) {
      const bool cycle = elements.size() > 1 || cycles.self_loop[elements.front()->index];
      if (!cycle || !std::all_of(elements.begin(), elements.end(),
                                 [](const Element* e) { return never_waits(*e); }))
        continue;
      std::string path;
      for (std::size_t i = 0; i < elements.size() && i < 6; ++i)
        path += (i ? ", '" : "'") + elements[i]->id + "'";
      if (elements.size() > 6) path += ", ...";
      warn(*elements.front(),
           "is on a loop with no wait state (" + path +
               "): each pass runs in the same transaction, and if the loop's exit "
               "condition never holds the instance stops with an incident at the step "
               "limit; put a wait state in the loop (a timer, a user or receive task, a "
               "service task) or make sure its condition ends it");
    }
  }

  void check_collaborations() {
    std::unordered_set<std::string> known;
    for (const auto& p : defs_.processes) {
      for (const auto& e : p.elements) known.insert(e.id);
    }
    for (const auto& c : defs_.collaborations) {
      for (const auto& part : c.participants) {
        known.insert(part.id);
        if (!part.process_ref.empty() && !defs_.find_process(part.process_ref)) {
          sink_.error(part.pos, part.id, "participant",
                      "processRef '" + part.process_ref + "' is not a process in this file");
        }
      }
    }
    for (const auto& c : defs_.collaborations) {
      for (const auto& mf : c.message_flows) {
        for (const auto* ref : {&mf.source_ref, &mf.target_ref}) {
          if (!ref->empty() && !known.count(*ref)) {
            sink_.error(mf.pos, mf.id, "messageFlow",
                        "'" + *ref + "' is neither a participant nor a flow node in this file");
          }
        }
      }
    }
  }

  const Definitions& defs_;
  DiagnosticSink& sink_;
  bool boilerplate_noted_ = false;
};

}  // namespace

std::vector<Diagnostic> validate(const Definitions& definitions) {
  DiagnosticSink sink(definitions.file);
  Checker(definitions, sink).run();
  return std::move(sink.diagnostics());
}

std::vector<Diagnostic> validate_across(const std::vector<const Definitions*>& files) {
  std::vector<Diagnostic> out;
  std::map<std::string, const Definitions*> owner;
  for (const auto* defs : files) {
    for (const auto& p : defs->processes) {
      auto [it, fresh] = owner.emplace(p.id, defs);
      if (!fresh && it->second != defs) {
        out.push_back({Severity::Error, defs->file, p.pos, p.id, "process",
                       "process id is also defined in " + it->second->file +
                           "; deployed together, one would replace the other"});
      }
    }
  }
  for (const auto* defs : files) {
    for (const auto& p : defs->processes) {
      if (!p.executable) continue;
      for (const auto& e : p.elements) {
        const auto* call = e.as<CallActivitySpec>();
        if (!call || call->called_element.empty() ||
            expr::looks_like_expression(call->called_element))
          continue;
        if (!owner.count(call->called_element)) {
          out.push_back({Severity::Warning, defs->file, e.pos, e.id, "callActivity",
                         "calls process '" + call->called_element +
                             "', which is in none of the files given; deploy it before this "
                             "process runs"});
        }
      }
    }
  }
  return out;
}

}  // namespace elva::parse
