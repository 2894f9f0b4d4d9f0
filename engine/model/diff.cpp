// diff() of two process versions (diff.hpp): items matched by id, each aspect rendered as text
// and compared, so that a report says what changed in the words a modeler used.
#include "model/diff.hpp"

#include <algorithm>
#include <map>

namespace elva::model {
namespace {

std::string type_name(ElementType t) {
  if (t == ElementType::EventSubProcess) return "subProcess (triggeredByEvent)";
  return std::string(bpmn_name(t));
}

std::string join(const std::vector<std::string>& parts, const char* sep = "; ") {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    out += (out.empty() ? "" : sep) + p;
  }
  return out;
}

std::string field(const char* name, const std::string& value) {
  return value.empty() ? std::string() : std::string(name) + "=" + value;
}

std::string mappings(const std::vector<IoMapping>& m) {
  std::vector<std::string> parts;
  for (const auto& x : m)
    parts.push_back(x.target + " := " +
                    (x.script_format.empty() ? "" : "script(" + x.script_format + ") ") + x.source);
  return join(parts);
}

std::string listeners(const std::vector<Listener>& ls) {
  std::vector<std::string> parts;
  for (const auto& l : ls)
    parts.push_back(l.what + ": " +
                    (l.script_format.empty() ? mappings(l.sets)
                                             : "script(" + l.script_format + ") " + l.script));
  return join(parts);
}

std::string properties(const std::vector<Property>& p) {
  std::vector<std::string> parts;
  for (const auto& x : p) parts.push_back(x.name + "=" + x.value);
  return join(parts);
}

// One event definition as the text its aspect compares.
std::string definition_text(const EventDefinition& d) {
  switch (d.kind) {
    case EventKind::Timer: {
      const char* k = d.timer_kind == TimerKind::Date       ? "timeDate"
                      : d.timer_kind == TimerKind::Duration ? "timeDuration"
                      : d.timer_kind == TimerKind::Cycle    ? "timeCycle"
                                                            : "timer";
      return std::string(k) + " " + d.timer_value;
    }
    case EventKind::Message:
      return join(
          {d.resolved.empty() ? d.ref : d.resolved, field("correlationKey", d.correlation_key)},
          " ");
    case EventKind::Signal:
    case EventKind::Error:
    case EventKind::Escalation:
      return d.resolved.empty() ? d.ref : d.resolved;
    case EventKind::Conditional:
      return d.condition;
    case EventKind::Link:
      return d.link_name;
    case EventKind::Compensation:
      return join({field("activityRef", d.activity_ref),
                   d.wait_for_completion ? "" : "waitForCompletion=false"},
                  " ");
    default:
      return "";
  }
}

const char* aspect_of(EventKind k) {
  switch (k) {
    case EventKind::Timer:
      return "timer";
    case EventKind::Message:
      return "message";
    case EventKind::Signal:
      return "signal";
    case EventKind::Error:
      return "error";
    case EventKind::Escalation:
      return "escalation";
    case EventKind::Conditional:
      return "conditionEvent";
    case EventKind::Link:
      return "link";
    case EventKind::Compensation:
      return "compensation";
    default:
      return "event";
  }
}

// aspect -> text, for every aspect an element has; absent aspects are left out, so that an
// aspect that appears or disappears shows as "" on one side.
using Aspects = std::map<std::string, std::string>;

void event_aspects(const EventSpec& ev, Aspects& a) {
  std::vector<std::string> kinds;
  for (const auto& d : ev.definitions) {
    kinds.emplace_back(bpmn_name(d.kind));
    const std::string text = definition_text(d);
    auto& slot = a[aspect_of(d.kind)];
    slot = join({slot, text});
  }
  a["event"] = join(kinds, ", ");
  if (!ev.attached_to_id.empty()) a["attachedTo"] = ev.attached_to_id;
  if (!ev.attached_to_id.empty() && !ev.cancel_activity) a["interrupting"] = "false";
  if (ev.attached_to_id.empty() && !ev.interrupting) a["interrupting"] = "false";
  for (auto it = a.begin(); it != a.end();) it = it->second.empty() ? a.erase(it) : ++it;
}

Aspects aspects(const ProcessDefinition& p, const Element& e) {
  Aspects a;
  a["type"] = type_name(e.type);
  a["name"] = e.name;
  a["scope"] = e.scope == kNoElement ? "" : p.elements[e.scope].id;
  if (e.default_flow != kNoFlow) a["default"] = p.flows[e.default_flow].id;
  a["inputs"] = mappings(e.inputs);
  a["outputs"] = mappings(e.outputs);
  a["listeners"] = listeners(e.listeners);
  if (e.job) {
    a["connector"] = e.job->job_type;
    a["retries"] = join({field("retries", e.job->retries), field("cycle", e.job->retry_cycle)});
    a["headers"] = properties(e.job->headers);
  }
  if (e.loop.kind == LoopKind::MultiInstance) {
    const auto& l = e.loop;
    a["loop"] =
        join({l.sequential ? "sequential multi-instance" : "parallel multi-instance",
              field("cardinality", l.cardinality), field("collection", l.input_collection),
              field("element", l.input_element), field("outputCollection", l.output_collection),
              field("outputElement", l.output_element),
              field("completionCondition", l.completion_condition)});
  } else if (e.loop.kind == LoopKind::Standard) {
    a["loop"] =
        join({"standard loop", field("condition", e.loop.loop_condition),
              field("maximum", e.loop.loop_maximum), e.loop.test_before ? "testBefore" : ""});
  }
  if (const auto* u = e.as<UserTaskSpec>()) {
    a["assignment"] =
        join({field("assignee", u->assignee), field("candidateUsers", u->candidate_users),
              field("candidateGroups", u->candidate_groups), field("dueDate", u->due_date),
              field("followUpDate", u->follow_up_date), field("priority", u->priority)});
    a["form"] = u->form_key;
  } else if (const auto* s = e.as<ScriptSpec>()) {
    a["script"] = join({field("format", s->format), s->body, field("result", s->result_variable)});
  } else if (const auto* d = e.as<DecisionSpec>()) {
    a["decision"] = join(
        {d->decision_ref, field("result", d->result_variable), field("mapResult", d->map_result)});
  } else if (const auto* c = e.as<CallActivitySpec>()) {
    a["called"] = c->called_element;
    a["call"] = join({c->propagate_all_in ? "in: all" : "", mappings(c->in),
                      c->propagate_all_out ? "out: all" : "", mappings(c->out)});
  } else if (const auto* m = e.as<MessageTaskSpec>()) {
    a["message"] = m->message_name.empty() ? m->message_ref : m->message_name;
    a["correlation"] = m->correlation_key;
  } else if (const auto* ev = e.event()) {
    event_aspects(*ev, a);
  }
  for (auto it = a.begin(); it != a.end();) it = it->second.empty() ? a.erase(it) : ++it;
  return a;
}

Aspects aspects(const ProcessDefinition& p, const SequenceFlow& f) {
  Aspects a;
  a["name"] = f.name;
  a["source"] = f.source_id;
  a["target"] = f.target_id;
  a["condition"] = f.condition;
  a["scope"] = f.scope == kNoElement ? "" : p.elements[f.scope].id;
  for (auto it = a.begin(); it != a.end();) it = it->second.empty() ? a.erase(it) : ++it;
  return a;
}

// The changed aspects, type first (it explains the rest), then by name.
std::vector<Change> compare(const Aspects& before, const Aspects& after) {
  std::vector<Change> out;
  std::map<std::string, std::pair<std::string, std::string>> all;
  for (const auto& [k, v] : before) all[k].first = v;
  for (const auto& [k, v] : after) all[k].second = v;
  for (const auto& [k, v] : all) {
    if (v.first != v.second) out.push_back({k, v.first, v.second});
  }
  std::stable_partition(out.begin(), out.end(), [](const Change& c) { return c.aspect == "type"; });
  return out;
}

template <typename Item, typename Find>
void diff_items(const ProcessDefinition& from, const ProcessDefinition& to,
                const std::vector<Item>& old_items, const std::vector<Item>& new_items,
                ItemDiff::Kind kind, Find find, ProcessDiff& out) {
  const auto type_of = [&](const ProcessDefinition& p, const Item& item) {
    if constexpr (std::is_same_v<Item, Element>) {
      return type_name(item.type);
    } else {
      (void)p;
      return std::string("sequenceFlow");
    }
  };
  for (const auto& n : new_items) {
    const Item* o = find(from, n.id);
    if (!o) {
      out.added.push_back({kind, n.id, type_of(to, n), {}});
      continue;
    }
    auto changes = compare(aspects(from, *o), aspects(to, n));
    if (!changes.empty()) out.changed.push_back({kind, n.id, type_of(to, n), std::move(changes)});
  }
  for (const auto& o : old_items) {
    if (!find(to, o.id)) out.removed.push_back({kind, o.id, type_of(from, o), {}});
  }
}

}  // namespace

ProcessDiff diff(const ProcessDefinition& from, const ProcessDefinition& to) {
  ProcessDiff out;
  if (from.name != to.name) out.process.push_back({"name", from.name, to.name});
  if (from.version_tag != to.version_tag)
    out.process.push_back({"versionTag", from.version_tag, to.version_tag});
  diff_items(
      from, to, from.elements, to.elements, ItemDiff::Kind::Element,
      [](const ProcessDefinition& p, const std::string& id) { return p.find(id); }, out);
  diff_items(
      from, to, from.flows, to.flows, ItemDiff::Kind::Flow,
      [](const ProcessDefinition& p, const std::string& id) { return p.find_flow(id); }, out);
  const auto order = [](const ItemDiff& a, const ItemDiff& b) {
    return std::tie(a.kind, a.id) < std::tie(b.kind, b.id);
  };
  std::sort(out.added.begin(), out.added.end(), order);
  std::sort(out.removed.begin(), out.removed.end(), order);
  std::sort(out.changed.begin(), out.changed.end(), order);
  return out;
}

}  // namespace elva::model
