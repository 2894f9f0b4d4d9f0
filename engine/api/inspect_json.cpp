// Model -> JSON for `elva inspect`. Types are BPMN local names; references are ids.
#include "api/inspect_json.hpp"

namespace elva::api {
namespace {

using nlohmann::json;
using namespace model;

void put(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

json event_definition(const EventDefinition& d) {
  json j{{"type", bpmn_name(d.kind)}};
  put(j, "id", d.id);
  put(j, "ref", d.ref);
  if (d.timer_kind != TimerKind::None) {
    static const char* kinds[] = {"", "timeDate", "timeDuration", "timeCycle"};
    j[kinds[static_cast<int>(d.timer_kind)]] = d.timer_value;
  }
  put(j, "condition", d.condition);
  put(j, "linkName", d.link_name);
  put(j, "activityRef", d.activity_ref);
  return j;
}

json mappings(const std::vector<IoMapping>& list) {
  json out = json::array();
  for (const auto& m : list) {
    json j = {{"source", m.source}, {"target", m.target}};
    if (!m.script_format.empty()) j["scriptFormat"] = m.script_format;
    out.push_back(std::move(j));
  }
  return out;
}

json properties(const std::vector<Property>& list) {
  json out = json::object();
  for (const auto& p : list) out[p.name] = p.value;
  return out;
}

// Execution properties, whatever dialect they were written in.
json element_properties(const Element& e) {
  json j = json::object();
  if (const auto* t = e.as<UserTaskSpec>()) {
    put(j, "assignee", t->assignee);
    put(j, "candidateUsers", t->candidate_users);
    put(j, "candidateGroups", t->candidate_groups);
    put(j, "dueDate", t->due_date);
    put(j, "followUpDate", t->follow_up_date);
    put(j, "priority", t->priority);
    put(j, "formKey", t->form_key);
  } else if (const auto* s = e.as<ScriptSpec>()) {
    put(j, "scriptFormat", s->format);
    put(j, "script", s->body);
    put(j, "resultVariable", s->result_variable);
  } else if (const auto* d = e.as<DecisionSpec>()) {
    put(j, "decisionRef", d->decision_ref);
    put(j, "resultVariable", d->result_variable);
    put(j, "mapDecisionResult", d->map_result);
  } else if (const auto* c = e.as<CallActivitySpec>()) {
    put(j, "calledElement", c->called_element);
    if (c->propagate_all_in) j["propagateAllParentVariables"] = true;
    if (c->propagate_all_out) j["propagateAllChildVariables"] = true;
    if (!c->in.empty()) j["in"] = mappings(c->in);
    if (!c->out.empty()) j["out"] = mappings(c->out);
  } else if (const auto* m = e.as<MessageTaskSpec>()) {
    put(j, "messageRef", m->message_ref);
  }
  if (e.job) {
    json job{{"type", e.job->job_type}};
    put(job, "retries", e.job->retries);
    put(job, "retryCycle", e.job->retry_cycle);
    if (!e.job->headers.empty()) job["headers"] = properties(e.job->headers);
    j["job"] = std::move(job);
  }
  if (!e.inputs.empty()) j["inputs"] = mappings(e.inputs);
  if (!e.outputs.empty()) j["outputs"] = mappings(e.outputs);
  if (!e.properties.empty()) j["properties"] = properties(e.properties);
  return j;
}

json loop(const LoopSpec& l) {
  json j;
  if (l.kind == LoopKind::Standard) {
    j = {{"type", "standardLoopCharacteristics"}, {"testBefore", l.test_before}};
    put(j, "loopCondition", l.loop_condition);
    put(j, "loopMaximum", l.loop_maximum);
  } else {
    j = {{"type", "multiInstanceLoopCharacteristics"}, {"isSequential", l.sequential}};
    put(j, "loopCardinality", l.cardinality);
    put(j, "inputCollection", l.input_collection);
    put(j, "inputElement", l.input_element);
    put(j, "outputCollection", l.output_collection);
    put(j, "outputElement", l.output_element);
    put(j, "completionCondition", l.completion_condition);
  }
  return j;
}

json element(const ProcessDefinition& p, const Element& e) {
  json incoming = json::array(), outgoing = json::array();
  for (FlowIndex f : e.incoming) incoming.push_back(p.flows[f].id);
  for (FlowIndex f : e.outgoing) outgoing.push_back(p.flows[f].id);
  json j{{"id", e.id},           {"type", bpmn_name(e.type)},
         {"name", e.name},       {"scope", p.scope_id(e.scope)},
         {"incoming", incoming}, {"outgoing", outgoing},
         {"line", e.pos.line},   {"col", e.pos.col}};
  json defs = json::array();
  if (const auto* ev = e.event()) {
    for (const auto& d : ev->definitions) defs.push_back(event_definition(d));
    if (e.type == ElementType::BoundaryEvent) {
      j["attachedTo"] = ev->attached_to_id;
      j["cancelActivity"] = ev->cancel_activity;
    }
    if (e.type == ElementType::StartEvent && !ev->interrupting) j["isInterrupting"] = false;
  }
  j["eventDefinitions"] = std::move(defs);
  if (e.type == ElementType::EventSubProcess) j["triggeredByEvent"] = true;
  if (e.default_flow != kNoFlow) j["default"] = p.flows[e.default_flow].id;
  if (e.is_for_compensation) j["isForCompensation"] = true;
  if (e.loop.kind != LoopKind::None) j["loop"] = loop(e.loop);
  if (auto props = element_properties(e); !props.empty()) j["properties"] = std::move(props);
  return j;
}

json process(const ProcessDefinition& p) {
  json elements = json::array(), flows = json::array(), lanes = json::array(), data = json::array();
  for (const auto& e : p.elements) elements.push_back(element(p, e));
  for (const auto& f : p.flows) {
    json jf{{"id", f.id},
            {"sourceRef", f.source_id},
            {"targetRef", f.target_id},
            {"scope", p.scope_id(f.scope)},
            {"line", f.pos.line},
            {"col", f.pos.col}};
    put(jf, "name", f.name);
    put(jf, "condition", f.condition);
    flows.push_back(std::move(jf));
  }
  for (const auto& l : p.lanes) {
    json jl{{"id", l.id}, {"name", l.name}, {"flowNodeRefs", l.flow_node_refs}};
    put(jl, "parentLane", l.parent_lane);
    lanes.push_back(std::move(jl));
  }
  for (const auto& d : p.data) {
    json jd{{"id", d.id}, {"type", d.type}, {"name", d.name}, {"scope", p.scope_id(d.scope)}};
    put(jd, "ref", d.ref);
    data.push_back(std::move(jd));
  }
  json j{{"id", p.id},
         {"name", p.name},
         {"isExecutable", p.executable},
         {"line", p.pos.line},
         {"col", p.pos.col},
         {"elements", elements},
         {"sequenceFlows", flows},
         {"lanes", lanes},
         {"dataElements", data}};
  put(j, "versionTag", p.version_tag);
  put(j, "historyTimeToLive", p.history_time_to_live);
  put(j, "purpose", p.purpose);
  if (!p.data_declarations.empty()) {
    json classes = json::array();
    for (const auto& d : p.data_declarations) {
      json jd{{"variable", d.variable}, {"class", std::string(data_class_name(d.data_class))}};
      put(jd, "retention", d.retention);
      if (d.subject) jd["subject"] = true;
      put(jd, "purpose", d.purpose);
      jd["line"] = d.pos.line;
      classes.push_back(std::move(jd));
    }
    j["dataClasses"] = std::move(classes);
  }
  if (!p.properties.empty()) j["properties"] = properties(p.properties);
  return j;
}

}  // namespace

json to_json(const Definitions& d) {
  json processes = json::array(), messages = json::array(), signals = json::array(),
       errors = json::array(), escalations = json::array(), collaborations = json::array();
  for (const auto& p : d.processes) processes.push_back(process(p));
  for (const auto& m : d.messages) {
    json jm{{"id", m.id}, {"name", m.name}};
    put(jm, "correlationKey", m.correlation_key);
    messages.push_back(std::move(jm));
  }
  for (const auto& s : d.signals) signals.push_back({{"id", s.id}, {"name", s.name}});
  for (const auto& e : d.errors)
    errors.push_back({{"id", e.id}, {"name", e.name}, {"errorCode", e.code}});
  for (const auto& e : d.escalations) {
    escalations.push_back({{"id", e.id}, {"name", e.name}, {"escalationCode", e.code}});
  }
  for (const auto& c : d.collaborations) {
    json parts = json::array(), flows = json::array();
    for (const auto& p : c.participants) {
      parts.push_back({{"id", p.id}, {"name", p.name}, {"processRef", p.process_ref}});
    }
    for (const auto& f : c.message_flows) {
      flows.push_back({{"id", f.id}, {"sourceRef", f.source_ref}, {"targetRef", f.target_ref}});
    }
    collaborations.push_back({{"id", c.id}, {"participants", parts}, {"messageFlows", flows}});
  }
  json j{{"file", d.file},
         {"id", d.id},
         {"processes", processes},
         {"messages", messages},
         {"signals", signals},
         {"errors", errors},
         {"escalations", escalations},
         {"collaborations", collaborations},
         {"foreignNamespaces", d.foreign_namespaces}};
  put(j, "exporter", d.exporter);
  put(j, "exporterVersion", d.exporter_version);
  return j;
}

}  // namespace elva::api
