// step(): one handler per command. Each checks that the command fits the instance, emits the
// events that follow from it, and drains the token work the behaviours queue.
#include "runtime/step.hpp"

#include "common/iso8601.hpp"
#include "expr/feel.hpp"
#include "runtime/behaviors/element_behavior.hpp"
#include "runtime/migrate.hpp"
#include "runtime/operator.hpp"
#include "runtime/shared/timers.hpp"

namespace elva::runtime {
namespace {

using model::ElementType;

// Names only: an audit line says which variables an operator touched, not their values.
nlohmann::json variable_names(const nlohmann::json& variables) {
  nlohmann::json out = nlohmann::json::array();
  if (variables.is_object())
    for (auto it = variables.begin(); it != variables.end(); ++it) out.push_back(it.key());
  return out;
}

class Handler {
 public:
  Handler(InstanceState& s, StepContext& ctx) : s_(s), ctx_(ctx) {}

  Result<void> operator()(const StartInstance& c) {
    if (s_.key != 0) return fail(Errc::Conflict, "the instance has already started");
    const model::Element* start = nullptr;
    for (const auto& e : s_.process->elements) {
      if (e.type != ElementType::StartEvent || e.scope != model::kNoElement) continue;
      if (c.start_event.empty() ? e.event()->definitions.empty() : e.id == c.start_event) {
        start = &e;
        break;
      }
    }
    if (!start) {
      return fail(Errc::InvalidArgument,
                  c.start_event.empty()
                      ? "process '" + s_.process->id +
                            "' has no none start event; say which start event to start from"
                      : "process '" + s_.process->id + "' has no start event '" + c.start_event +
                            "' at its top level");
    }
    ctx_.emit(InstanceStarted{ctx_.env().next_key(), s_.process->id, c.business_key,
                              c.parent_instance, c.parent_element});
    if (c.variables.is_object() && !c.variables.empty()) ctx_.emit(VariablesSet{c.variables});
    ctx_.arm_event_subprocesses(0);
    ctx_.activate(start->index, 0);
    return {};
  }

  Result<void> operator()(const CompleteJob& c) {
    auto it = s_.jobs.find(c.job);
    if (it == s_.jobs.end())
      return fail(Errc::NotFound, "no job " + std::to_string(c.job) + " in this instance");
    const Key instance = it->second.element_instance;
    if (!c.reason.empty())
      ctx_.emit(OperatorActed{"complete job",
                              c.reason,
                              {{"job", c.job},
                               {"element", ctx_.element_of(instance).id},
                               {"variables", variable_names(c.variables)}}});
    ctx_.emit(JobRemoved{c.job});
    return finish(instance, c.variables);
  }

  Result<void> operator()(const FailJob& c) {
    auto it = s_.jobs.find(c.job);
    if (it == s_.jobs.end())
      return fail(Errc::NotFound, "no job " + std::to_string(c.job) + " in this instance");
    Job job = it->second;
    if (!c.reason.empty())
      ctx_.emit(OperatorActed{"fail job",
                              c.reason,
                              {{"job", c.job},
                               {"element", ctx_.element_of(job.element_instance).id},
                               {"message", c.message}}});
    ctx_.emit(JobRemoved{c.job});
    const int left = c.retries_left >= 0 ? c.retries_left : job.retries - 1;
    if (left <= 0) {
      ctx_.raise_incident(job.element_instance,
                          "the " + job.type + " job failed and has no retries left: " + c.message);
      return {};
    }
    job.key = ctx_.env().next_key();
    job.retries = left;
    ++job.failures;
    job.due = ctx_.env().now_millis() + backoff(job, c.retry_in_ms);
    ctx_.emit(JobCreated{std::move(job)});
    return {};
  }

  Result<void> operator()(const CompleteWait& c) {
    auto it = s_.elements.find(c.element_instance);
    if (it == s_.elements.end() || !it->second.waiting) {
      return fail(Errc::NotFound,
                  "element instance " + std::to_string(c.element_instance) + " is not waiting");
    }
    return finish(c.element_instance, c.variables);
  }

  Result<void> operator()(const FireTimer& c) {
    auto it = s_.timers.find(c.timer);
    if (it == s_.timers.end()) return fail(Errc::NotFound, "no timer " + std::to_string(c.timer));
    Timer timer = it->second;
    ctx_.emit(TimerRemoved{timer.key});
    const auto& event = s_.process->elements[timer.event];
    const bool repeats =
        (event.type == ElementType::BoundaryEvent && !event.event()->cancel_activity) ||
        (event.type == ElementType::StartEvent && !event.event()->interrupting);
    if (repeats) {  // non-interrupting cycles fire again
      const auto& def = event.event()->definitions.front();
      if (auto next = next_due(def, timer.due, timer.fired + 1, timer.element_instance, ctx_)) {
        Timer again = timer;
        again.key = ctx_.env().next_key();
        again.due = *next;
        again.fired = timer.fired + 1;
        ctx_.emit(TimerScheduled{again});
      }
    }
    ctx_.trigger(timer.element_instance, timer.event);
    return {};
  }

  Result<void> operator()(const CorrelateMessage& c) {
    for (const auto& [key, sub] : s_.subscriptions) {
      if (sub.signal || sub.name != c.name) continue;
      if (sub.correlation_key != c.correlation_key) continue;  // exactly: docs/durable.md
      const Subscription found = sub;
      ctx_.deliver(found, c.variables);
      return {};
    }
    return fail(
        Errc::NotFound,
        "no one in this instance waits for message '" + c.name + "'" +
            (c.correlation_key.empty() ? "" : " with correlation key '" + c.correlation_key + "'"));
  }

  Result<void> operator()(const BroadcastSignal& c) {
    bool waits = false;
    for (const auto& [key, sub] : s_.subscriptions) waits |= sub.signal && sub.name == c.name;
    if (!waits)
      return fail(Errc::NotFound, "no one in this instance waits for signal '" + c.name + "'");
    if (c.variables.is_object() && !c.variables.empty()) ctx_.emit(VariablesSet{c.variables});
    ctx_.deliver_signal(c.name);
    return {};
  }

  Result<void> operator()(const ThrowError& c) {
    if (!s_.elements.count(c.element_instance)) {
      return fail(Errc::NotFound,
                  "element instance " + std::to_string(c.element_instance) + " is not active");
    }
    ctx_.set_variables(0, c.variables);  // the thrower is about to end: keep them in the process
    ctx_.throw_error(c.element_instance, c.code);
    return {};
  }

  Result<void> operator()(const ResolveIncident& c) {
    auto it = s_.incidents.find(c.incident);
    if (it == s_.incidents.end())
      return fail(Errc::NotFound, "no incident " + std::to_string(c.incident));
    const Key instance = it->second.element_instance;
    ctx_.emit(IncidentResolved{c.incident});
    if (!s_.elements.count(instance)) return {};
    // Retry from the start: the element instance is replaced by a fresh activation.
    // An iteration of a loop stays an iteration, with its item and counter.
    const ElementInstance old = s_.elements.at(instance);
    ctx_.terminate(instance);
    const Key fresh = ctx_.activate(old.element, old.parent, old.role);
    if (old.role == Role::Inner && !old.local.empty())
      ctx_.emit(LocalVariablesSet{fresh, old.local});
    return {};
  }

  Result<void> operator()(const CompleteCall& c) {
    auto it = s_.calls.find(c.element_instance);
    if (it == s_.calls.end())
      return fail(Errc::NotFound,
                  "no call activity " + std::to_string(c.element_instance) + " waits for a child");
    ctx_.emit(CallClosed{c.element_instance});
    const auto& e = ctx_.element_of(c.element_instance);
    const auto* call = e.as<model::CallActivitySpec>();
    nlohmann::json back = nlohmann::json::object();
    if (call->propagate_all_out || call->out.empty()) back = c.variables;
    if (!call->out.empty()) {
      const expr::Value child = expr::Value::from_json(c.variables);
      for (const auto& m : call->out) {
        if (!expr::looks_like_expression(m.source)) {  // a variable name (camunda:out source=)
          back[m.target] =
              c.variables.contains(m.source) ? c.variables[m.source] : nlohmann::json();
          continue;
        }
        auto compiled = expr::Expression::compile_cached(m.source);
        if (!compiled) {
          ctx_.raise_incident(c.element_instance,
                              "out mapping '" + m.target + "': " + compiled.error().message);
          return {};
        }
        back[m.target] = (*compiled)->evaluate(expr::ContextScope(child)).to_json();
      }
    }
    return finish(c.element_instance, back);
  }

  Result<void> operator()(const RaiseIncident& c) {
    if (!s_.elements.count(c.element_instance))
      return fail(Errc::NotFound,
                  "element instance " + std::to_string(c.element_instance) + " is not active");
    ctx_.raise_incident(c.element_instance, c.message);
    return {};
  }

  Result<void> operator()(const Quarantine& c) {
    if (c.job && s_.jobs.count(c.job)) ctx_.emit(JobRemoved{c.job});
    if (c.timer && s_.timers.count(c.timer)) ctx_.emit(TimerRemoved{c.timer});
    ctx_.raise_incident(s_.elements.count(c.element_instance) ? c.element_instance : 0, c.message);
    return {};
  }

  Result<void> operator()(const SetVariables& c) {
    if (!c.variables.is_object())
      return fail(Errc::InvalidArgument,
                  "variables must be a JSON object, not " + c.variables.dump());
    if (c.scope != 0 && !s_.elements.count(c.scope))
      return fail(Errc::NotFound, "no element instance " + std::to_string(c.scope) + " is active");
    if (!c.reason.empty()) {
      nlohmann::json detail = {{"variables", variable_names(c.variables)}};
      if (c.scope != 0) detail["scope"] = ctx_.element_of(c.scope).id;
      ctx_.emit(OperatorActed{"set variables", c.reason, std::move(detail)});
    }
    if (c.scope == 0) {
      ctx_.emit(VariablesSet{c.variables});
    } else {
      if (!s_.elements.count(c.scope))
        return fail(Errc::NotFound,
                    "no element instance " + std::to_string(c.scope) + " is active");
      ctx_.emit(LocalVariablesSet{c.scope, c.variables});
    }
    return {};
  }

  Result<void> operator()(const MigrateInstance& c) { return migrate_instance(c, ctx_); }
  Result<void> operator()(const ModifyInstance& c) { return modify(ctx_, c); }
  Result<void> operator()(const SetJobRetries& c) { return set_job_retries(ctx_, c); }
  Result<void> operator()(const RemoveVariables& c) { return remove_variables(ctx_, c); }

  Result<void> operator()(const CancelInstance&) {
    ctx_.terminate_scope_except(0, 0);
    for (const auto& [key, t] : std::map<Key, Timer>(s_.timers))
      if (t.element_instance == 0) ctx_.emit(TimerRemoved{key});
    for (const auto& [key, sub] : std::map<Key, Subscription>(s_.subscriptions))
      if (sub.element_instance == 0) ctx_.emit(SubscriptionClosed{key});
    ctx_.emit(InstanceTerminated{});
    return {};
  }

 private:
  std::int64_t backoff(const Job& job, std::int64_t requested) const {
    if (requested >= 0) return requested;
    const auto* spec = ctx_.element_of(job.element_instance).job
                           ? &*ctx_.element_of(job.element_instance).job
                           : nullptr;
    if (spec && !spec->retry_cycle.empty()) {
      if (auto cycle = iso8601::parse_cycle(spec->retry_cycle); cycle && cycle->interval) {
        return iso8601::add(0, *cycle->interval);
      }
    }
    return 1000LL << std::min(job.failures - 1, 10);
  }

  // A job, wait state or call is done: outputs, then completion.
  Result<void> finish(Key instance, const nlohmann::json& variables) {
    ctx_.finish(instance, variables);
    return {};
  }

  InstanceState& s_;
  StepContext& ctx_;
};

}  // namespace

Result<StepResult> step(InstanceState& state, const Command& command, Env& env) {
  ELVA_ASSERT(state.process != nullptr, "step() needs the instance's process definition");
  if (state.status != InstanceStatus::Active && !std::holds_alternative<StartInstance>(command)) {
    // Not a Conflict: retrying cannot help.
    return fail(
        Errc::InvalidArgument,
        std::string("the instance has already ") +
            (state.status == InstanceStatus::Completed ? "completed" : "ended (terminated)"));
  }
  StepResult result;
  StepContext ctx(state, env, result.events);
  Handler handler(state, ctx);
  auto r = std::visit(handler, command);
  if (!r) return fail(r.error());
  ctx.drain();
  return result;
}

}  // namespace elva::runtime
