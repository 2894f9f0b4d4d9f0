// Task behaviours: wait states (user, manual, receive, abstract), jobs (service, send, and
// job-worker script or business rule tasks), FEEL script tasks.
#include "runtime/behaviors/behaviors.hpp"
#include "expr/feel.hpp"
#include "runtime/timers.hpp"
#include "common/iso8601.hpp"

namespace elva::runtime {

// Completed later by CompleteWait (a person, a test, or a correlated message for receive tasks).
class WaitTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* task = e.as<model::MessageTaskSpec>();
    if (e.type != model::ElementType::ReceiveTask || !task) return;
    model::EventDefinition d;
    d.kind = model::EventKind::Message;
    d.resolved = task->message_name;
    d.correlation_key = task->correlation_key;
    auto sub = subscription_for(d, instance, ctx);
    if (!sub) return ctx.raise_incident(instance, sub.error().message);
    sub->key = ctx.env().next_key();
    sub->element_instance = instance;
    sub->event = e.index;
    ctx.emit(SubscriptionOpened{*sub});
  }
};

// Creates a job for a connector or worker; CompleteJob finishes the element.
class JobTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    if (!e.job) {
      if (const auto* s = e.as<model::ScriptSpec>()) return run_script(*s, instance, ctx);
      const auto* send = e.as<model::MessageTaskSpec>();
      if (e.type == model::ElementType::SendTask && send && !send->message_name.empty()) {
        if (auto r = ctx.publish_message(instance, send->message_name, send->correlation_key); !r) {
          return ctx.raise_incident(instance, r.error().message);
        }
        return ctx.complete(instance);
      }
      if (const auto* d = e.as<model::DecisionSpec>(); d && !d->decision_ref.empty()) return decide(*d, instance, ctx);
      return ctx.raise_incident(instance, "the task has no connector or job type (a send task may name a message instead)");
    }
    Job job{ctx.env().next_key(), instance, e.job->job_type, nlohmann::json::object(), 3, 0, 0};
    if (!e.job->retries.empty()) {
      try { job.retries = std::max(1, std::stoi(e.job->retries)); } catch (...) {}
    } else if (auto cycle = iso8601::parse_cycle(e.job->retry_cycle); cycle && cycle->repetitions > 0) {
      job.retries = static_cast<int>(cycle->repetitions);  // R5/PT1M: five tries, a minute apart
    }
    if (e.inputs.empty()) {
      job.input = ctx.visible_variables(instance);  // no mappings: the job sees every variable
    } else {
      // The input mappings, already evaluated into the element's local variables.
      const auto& local = ctx.state().elements.at(instance).local;
      for (const auto& m : e.inputs) job.input[m.target] = local.value(m.target, nlohmann::json());
    }
    ctx.emit(JobCreated{std::move(job)});
  }

 private:
  // A DMN decision: evaluated over the visible variables; its (mapped) result goes to the
  // result variable, through the task's output mappings.
  static void decide(const model::DecisionSpec& d, Key instance, StepContext& ctx) {
    const auto* service = ctx.env().decisions();
    if (!service) return ctx.raise_incident(instance, "no DMN decisions are deployed here, so decision '" + d.decision_ref + "' cannot be evaluated");
    std::string ref = d.decision_ref;
    if (expr::looks_like_expression(ref)) {
      auto v = ctx.evaluate(ref, instance);
      if (!v || !v->get<std::string>()) return ctx.raise_incident(instance, "decisionRef '" + ref + "' does not give a decision id");
      ref = *v->get<std::string>();
    }
    auto result = service->evaluate(ref, ctx.visible_variables(instance), d.map_result, ctx.env().now_millis());
    if (!result) return ctx.raise_incident(instance, result.error().message);  // names the decision
    nlohmann::json vars = nlohmann::json::object();
    if (!d.result_variable.empty()) vars[d.result_variable] = *result;
    ctx.finish(instance, vars);
  }

  static void run_script(const model::ScriptSpec& s, Key instance, StepContext& ctx) {
    auto v = ctx.evaluate(s.body, instance);
    if (!v) return ctx.raise_incident(instance, "script: " + v.error().message);
    if (!s.result_variable.empty()) ctx.set_variables(instance, {{s.result_variable, v->to_json()}});
    ctx.complete(instance);
  }
};

const ElementBehavior& wait_task_behavior() { static WaitTaskBehavior b; return b; }
const ElementBehavior& job_task_behavior() { static JobTaskBehavior b; return b; }

}  // namespace elva::runtime
