// BPMN errors, escalations and incidents (context.hpp): the nearest catch takes over; an error
// nothing catches is an incident (or goes up to the calling process).
#include "runtime/context.hpp"

namespace elva::runtime {

void StepContext::raise_incident(Key instance, std::string message) {
  emit(IncidentRaised{Incident{env_.next_key(), instance, std::move(message)}});
}

// The start event of an error event sub-process directly inside `scope` that catches `code`.
model::ElementIndex StepContext::error_event_subprocess(Key scope, const std::string& code) const {
  for (auto start : event_subprocess_starts(scope)) {
    for (const auto& d : process().elements[start].event()->definitions) {
      if (d.kind == model::EventKind::Error && (d.ref.empty() || d.resolved == code)) return start;
    }
  }
  return model::kNoElement;
}

void StepContext::throw_error(Key instance, const std::string& code) {
  Key at = instance;
  while (at != 0) {
    const auto& e = element_of(at);
    for (auto b : e.boundary_events) {
      const auto& be = process().elements[b];
      for (const auto& d : be.event()->definitions) {
        if (d.kind != model::EventKind::Error) continue;
        // A catch without errorRef catches every error; otherwise the codes must match.
        if (!d.ref.empty() && d.resolved != code) continue;
        const Key parent = state_.elements.at(at).parent;
        terminate(at);
        activate(b, parent);
        return;
      }
    }
    const Key scope = state_.elements.at(at).parent;
    if (auto start = error_event_subprocess(scope, code); start != model::kNoElement) {
      return trigger_event_subprocess(scope, start);
    }
    at = scope;
  }
  if (state_.parent_instance != 0) {  // a called process: the caller's call activity rethrows it
    emit(ErrorEscaped{code});
    terminate_scope_except(0, 0);
    emit(InstanceTerminated{});
    return;
  }
  raise_incident(instance, "BPMN error '" + code + "' was thrown and nothing catches it");
}

bool StepContext::throw_escalation(Key instance, const std::string& code) {
  auto matches = [&](const model::EventDefinition& d) {
    return d.kind == model::EventKind::Escalation && (d.ref.empty() || d.resolved == code);
  };
  for (Key at = instance; at != 0;) {
    const auto& e = element_of(at);
    if (at != instance || model::is_activity(e.type)) {
      for (auto b : e.boundary_events) {
        for (const auto& d : process().elements[b].event()->definitions) {
          if (!matches(d)) continue;
          const bool interrupting = process().elements[b].event()->cancel_activity;
          trigger_boundary(at, b);
          return interrupting;
        }
      }
    }
    const Key scope = state_.elements.at(at).parent;
    for (auto child : event_subprocess_starts(scope)) {
      const auto& start = process().elements[child];
      if (start.event()->definitions.empty() || !matches(start.event()->definitions.front()))
        continue;
      trigger_event_subprocess(scope, child);
      return start.event()->interrupting;
    }
    at = scope;
  }
  return false;  // an uncaught escalation is not an error: the thrower goes on
}

}  // namespace elva::runtime
