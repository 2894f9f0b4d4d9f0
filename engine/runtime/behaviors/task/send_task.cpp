// Send tasks (without a job type): publish their message (correlation key evaluated here, the
// task's input mappings as payload) for the router, then complete.
#include "runtime/behaviors/all.hpp"

namespace elva::runtime {
namespace {

class SendTaskBehavior : public ElementBehavior {
 public:
  void on_activate(const model::Element& e, Key instance, StepContext& ctx) const override {
    const auto* send = e.as<model::MessageTaskSpec>();
    if (!send || send->message_name.empty()) return raise_nothing_to_do(instance, ctx);
    if (auto r = ctx.publish_message(instance, send->message_name, send->correlation_key); !r) {
      return ctx.raise_incident(instance, r.error().message);
    }
    ctx.complete(instance);
  }
};

}  // namespace

const ElementBehavior& send_task_behavior() {
  static const SendTaskBehavior b;
  return b;
}

}  // namespace elva::runtime
