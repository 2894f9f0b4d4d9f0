// Service tasks, and every element worked as a job (send, script and business rule tasks or
// message throw events that name a connector or job type): a job for a connector or an external
// worker; CompleteJob finishes the element, FailJob retries it, ThrowError throws a BPMN error.
#include <algorithm>

#include "common/iso8601.hpp"
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class ServiceTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    if (!e.job) return raise_nothing_to_do(instance, ctx);
    Job job{ctx.env().next_key(), instance, e.job->job_type, nlohmann::json::object(), 3, 0, 0};
    if (!e.job->retries.empty()) {
      try {
        job.retries = std::max(1, std::stoi(e.job->retries));
      } catch (...) {
      }
    } else if (auto cycle = iso8601::parse_cycle(e.job->retry_cycle);
               cycle && cycle->repetitions > 0) {
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
};

}  // namespace

const ElementBehavior& service_task_behavior() {
  static const ServiceTaskBehavior b;
  return b;
}

}  // namespace elva::runtime
