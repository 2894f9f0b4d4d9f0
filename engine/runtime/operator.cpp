// Modification and repair by an operator (operator.hpp). Every instruction is checked before
// the first event is emitted, so a refused command changes nothing.
#include "runtime/operator.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace elva::runtime {
namespace {

using model::ElementIndex;
using model::ElementType;
using model::kNoElement;

// "a, b, c": the distinct elements that are active, for refusals.
std::string active_ids(const InstanceState& s) {
  std::set<std::string> ids;
  for (const auto& [key, el] : s.elements) ids.insert(s.process->elements[el.element].id);
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? "nothing" : out;
}

Result<const model::Element*> element_named(const InstanceState& s, const std::string& id) {
  if (const auto* e = s.process->find(id)) return e;
  return fail(Errc::InvalidArgument, "there is no element '" + id + "' in process '" +
                                         s.process->id + "' (this instance's version)");
}

nlohmann::json names_of(const nlohmann::json& variables) {
  nlohmann::json out = nlohmann::json::array();
  for (auto it = variables.begin(); it != variables.end(); ++it) out.push_back(it.key());
  return out;
}

// Where the starts of a modification go: the live scope instance for each scope element, or
// the scopes to open (outermost first). Planned on the state as it will be after the cancels.
class ScopePlan {
 public:
  ScopePlan(const InstanceState& s, const std::set<Key>& cancelled)
      : s_(s), cancelled_(cancelled) {}

  Result<void> need(ElementIndex scope, const std::string& target) {
    if (scope == kNoElement || planned_.count(scope)) return {};
    const auto& se = s_.process->elements[scope];
    std::vector<Key> live;
    for (const auto& [key, el] : s_.elements) {
      if (el.element == scope && el.role != Role::Body && !gone(key)) live.push_back(key);
    }
    if (live.size() > 1) {
      return fail(Errc::InvalidArgument,
                  "'" + target + "' is inside '" + se.id + "', which is active " +
                      std::to_string(live.size()) +
                      " times in this instance: a modification cannot tell which one is meant");
    }
    if (live.size() == 1) {
      planned_[scope] = live.front();
      return {};
    }
    if (se.type == ElementType::EventSubProcess) {
      return fail(Errc::InvalidArgument, "'" + target + "' is inside event sub-process '" + se.id +
                                             "', which is not active: an event sub-process "
                                             "starts only by its event");
    }
    if (se.loop.kind != model::LoopKind::None) {
      return fail(Errc::InvalidArgument,
                  "'" + target + "' is inside '" + se.id +
                      "', a loop or multi-instance activity that is not active: a modification "
                      "cannot create its iterations (start before '" +
                      se.id + "' instead)");
    }
    if (auto r = need(se.scope, target); !r) return r;
    planned_[scope] = std::nullopt;
    to_open_.push_back(scope);
    return {};
  }

  // The live scope instances the starts go into.
  std::set<Key> targets() const {
    std::set<Key> out;
    for (const auto& [scope, key] : planned_)
      if (key) out.insert(*key);
    return out;
  }

  // Opens the planned scopes; returns the scope instance for each scope element.
  std::map<ElementIndex, Key> open(StepContext& ctx) const {
    std::map<ElementIndex, Key> out;
    for (const auto& [scope, key] : planned_)
      if (key) out[scope] = *key;
    for (ElementIndex scope : to_open_) {
      const ElementIndex parent = s_.process->elements[scope].scope;
      out[scope] = ctx.open_scope(scope, parent == kNoElement ? 0 : out.at(parent));
    }
    return out;
  }

 private:
  bool gone(Key key) const {
    for (Key at = key; at != 0;) {
      if (cancelled_.count(at)) return true;
      auto it = s_.elements.find(at);
      if (it == s_.elements.end()) return true;
      at = it->second.parent;
    }
    return false;
  }

  const InstanceState& s_;
  const std::set<Key>& cancelled_;
  std::map<ElementIndex, std::optional<Key>> planned_;
  std::vector<ElementIndex> to_open_;  // outermost first
};

// What the cancels leave: whether an instance still holds a token afterwards (it is not
// cancelled, and a scope the cancels reach into keeps a token of its own or a start).
class Remains {
 public:
  Remains(const InstanceState& s, const std::vector<Key>& cancelled, std::set<Key> started_in)
      : s_(s), cancelled_(cancelled.begin(), cancelled.end()), started_in_(std::move(started_in)) {
    for (const auto& [key, el] : s.elements) children_[el.parent].push_back(key);
    for (Key k : cancelled) {
      for (Key at = s.elements.at(k).parent; at != 0; at = s.elements.at(at).parent)
        reached_.insert(at);
    }
  }

  bool holds(Key k) const {
    if (cancelled_.count(k)) return false;
    if (!reached_.count(k)) return true;
    return scope_holds(k);
  }
  bool scope_holds(Key scope) const {
    if (started_in_.count(scope) || has_joins(scope)) return true;
    auto it = children_.find(scope);
    if (it == children_.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](Key c) { return holds(c); });
  }
  // The multi-instance iteration the cancels would leave empty, if any (0: none).
  Key emptied_iteration() const {
    for (Key k : reached_) {
      if (s_.elements.at(k).role == Role::Inner && holds(k) == false) return k;
    }
    return 0;
  }

 private:
  bool has_joins(Key scope) const {
    for (const auto& [where, tokens] : s_.joins)
      if (where.first == scope && !tokens.empty()) return true;
    return false;
  }
  const InstanceState& s_;
  std::set<Key> cancelled_, reached_, started_in_;
  std::map<Key, std::vector<Key>> children_;
};

// A scope the cancels left without tokens ends too, and so on outwards; the process left
// without tokens ends the instance (terminated: no end event was reached).
void end_empty_scopes(StepContext& ctx, const std::vector<Key>& parents) {
  const auto& s = ctx.state();
  for (Key at : parents) {
    while (s.status == InstanceStatus::Active) {
      if (at == 0) {
        if (ctx.scope_is_done(0)) {
          ctx.close_attachments(0);
          ctx.emit(InstanceTerminated{});
        }
        break;
      }
      auto it = s.elements.find(at);
      if (it == s.elements.end() || !ctx.scope_is_done(at)) break;
      const Key up = it->second.parent;
      ctx.terminate(at);
      at = up;
    }
  }
}

}  // namespace

Result<void> modify(StepContext& ctx, const ModifyInstance& c) {
  const auto& s = ctx.state();
  if (c.reason.empty())
    return fail(Errc::InvalidArgument, "a modification needs a reason (--reason)");
  if (!c.variables.is_object())
    return fail(Errc::InvalidArgument, "variables must be a JSON object");
  if (c.cancel.empty() && c.start_before.empty() && c.start_after.empty() && c.variables.empty())
    return fail(Errc::InvalidArgument,
                "nothing to do: give elements to cancel, to start before or after, or variables");

  std::vector<Key> cancelled;
  for (const auto& id : c.cancel) {
    auto e = element_named(s, id);
    if (!e) return fail(e.error());
    std::size_t found = 0;
    for (const auto& [key, el] : s.elements) {
      if (el.element != (*e)->index || el.role == Role::Inner) continue;
      cancelled.push_back(key);
      ++found;
    }
    if (found == 0) {
      return fail(Errc::InvalidArgument, "'" + id +
                                             "' is not active in this instance, so it cannot be "
                                             "cancelled (active: " +
                                             active_ids(s) + ")");
    }
  }
  const std::set<Key> cancelled_set(cancelled.begin(), cancelled.end());

  struct Start {
    const model::Element* element;
    bool after;
  };
  std::vector<Start> starts;
  ScopePlan plan(s, cancelled_set);
  for (const auto* list : {&c.start_before, &c.start_after}) {
    const bool after = list == &c.start_after;
    for (const auto& id : *list) {
      auto e = element_named(s, id);
      if (!e) return fail(e.error());
      const auto& el = **e;
      if (!after && el.type == ElementType::BoundaryEvent) {
        return fail(Errc::InvalidArgument,
                    "'" + id +
                        "' is a boundary event: it starts with its activity's event; start after "
                        "it to take its outgoing flow");
      }
      if (!after && el.type == ElementType::EventSubProcess) {
        return fail(Errc::InvalidArgument,
                    "'" + id + "' is an event sub-process: it starts only by its event");
      }
      if (after && el.outgoing.size() != 1) {
        return fail(Errc::InvalidArgument,
                    "'" + id + "' has " + std::to_string(el.outgoing.size()) +
                        " outgoing flows; start after needs exactly one (start before the "
                        "element it should lead to instead)");
      }
      if (auto r = plan.need(el.scope, id); !r) return r;
      starts.push_back({&el, after});
    }
  }

  std::set<Key> started_in = plan.targets();
  if (!starts.empty()) started_in.insert(0);  // a start keeps the process going
  const Remains remains(s, cancelled, started_in);
  if (Key k = remains.emptied_iteration()) {
    const auto& body = ctx.element_of(k);
    return fail(Errc::InvalidArgument,
                "the cancels would leave an iteration of multi-instance '" + body.id +
                    "' without tokens, which a modification cannot end on its own: cancel '" +
                    body.id + "' as a whole, or start an element inside it");
  }
  if (!cancelled.empty() && s.parent_instance != 0 && !remains.scope_holds(0)) {
    return fail(Errc::InvalidArgument,
                "the cancels would end this instance, which a call activity of instance " +
                    std::to_string(s.parent_instance) +
                    " waits for: cancel that call activity there instead");
  }

  // Everything fits: from here on, events.
  nlohmann::json detail = nlohmann::json::object();
  if (!c.cancel.empty()) detail["cancel"] = c.cancel;
  if (!c.start_before.empty()) detail["startBefore"] = c.start_before;
  if (!c.start_after.empty()) detail["startAfter"] = c.start_after;
  if (!c.variables.empty()) detail["variables"] = names_of(c.variables);
  ctx.emit(OperatorActed{"modify", c.reason, std::move(detail)});
  if (!c.variables.empty()) ctx.emit(VariablesSet{c.variables});

  std::vector<Key> parents;
  for (Key k : cancelled) {
    const Key parent = s.elements.at(k).parent;
    if (!cancelled_set.count(parent)) parents.push_back(parent);
  }
  ctx.terminate_all(cancelled);
  const auto scopes = plan.open(ctx);
  for (const auto& start : starts) {
    const Key scope = start.element->scope == kNoElement ? 0 : scopes.at(start.element->scope);
    if (start.after)
      ctx.take_flow(start.element->outgoing.front(), scope);
    else
      ctx.activate(start.element->index, scope);
  }
  end_empty_scopes(ctx, parents);
  return {};
}

Result<void> set_job_retries(StepContext& ctx, const SetJobRetries& c) {
  const auto& s = ctx.state();
  if (c.reason.empty()) return fail(Errc::InvalidArgument, "changing retries needs a reason");
  auto it = s.jobs.find(c.job);
  if (it == s.jobs.end())
    return fail(Errc::NotFound, "no job " + std::to_string(c.job) + " in this instance");
  if (c.retries < 1) {
    return fail(Errc::InvalidArgument,
                "retries must be at least 1 (to stop the job with an incident, fail it with 0 "
                "retries left)");
  }
  Job job = it->second;
  const auto& element = ctx.element_of(job.element_instance);
  ctx.emit(OperatorActed{
      "job retries", c.reason, {{"job", c.job}, {"element", element.id}, {"retries", c.retries}}});
  ctx.emit(JobRemoved{c.job});
  job.key = ctx.env().next_key();
  job.retries = c.retries;
  job.due = ctx.env().now_millis();  // an operator who gives it attempts wants it to run now
  ctx.emit(JobCreated{job});
  if (c.resolve_incident) {
    std::vector<Key> open;
    for (const auto& [key, i] : s.incidents)
      if (i.element_instance == job.element_instance) open.push_back(key);
    for (Key k : open) ctx.emit(IncidentResolved{k});
  }
  return {};
}

Result<void> remove_variables(StepContext& ctx, const RemoveVariables& c) {
  const auto& s = ctx.state();
  if (c.reason.empty()) return fail(Errc::InvalidArgument, "removing variables needs a reason");
  if (c.names.empty()) return fail(Errc::InvalidArgument, "name the variables to remove");
  if (c.scope != 0 && !s.elements.count(c.scope))
    return fail(Errc::NotFound, "no element instance " + std::to_string(c.scope) + " is active");
  const auto& vars = c.scope == 0 ? s.variables : s.elements.at(c.scope).local;
  for (const auto& n : c.names) {
    if (!vars.contains(n)) {
      return fail(Errc::NotFound,
                  "there is no variable '" + n + "' " +
                      (c.scope == 0 ? std::string("in the process")
                                    : "in the scope of '" + ctx.element_of(c.scope).id + "'"));
    }
  }
  nlohmann::json detail = {{"names", c.names}};
  if (c.scope != 0) detail["scope"] = ctx.element_of(c.scope).id;
  ctx.emit(OperatorActed{"remove variables", c.reason, std::move(detail)});
  ctx.emit(VariablesRemoved{c.scope, c.names});
  return {};
}

}  // namespace elva::runtime
