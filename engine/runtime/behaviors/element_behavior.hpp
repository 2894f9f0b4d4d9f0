// One behaviour per BPMN element type: how it activates, completes and is terminated, and for
// containers what happens when a child completes or is terminated. Behaviours are const and
// stateless; instance data lives in InstanceState (through StepContext). They never touch a
// store. The token loop (engine_loop.cpp) calls them; shared mechanics live in runtime/shared.
#pragma once

#include "model/element.hpp"
#include "runtime/context.hpp"

namespace elva::runtime {

class ElementBehavior {
 public:
  virtual ~ElementBehavior() = default;
  // The element instance exists and its inputs are set. Pass-through elements complete here
  // (ctx.complete / complete_via); wait states return and finish later through a command.
  virtual void on_activate(const model::Element& element, Key instance, StepContext& ctx) const = 0;
  // The instance is about to complete (its ElementCompleted comes next).
  virtual void on_complete(const model::Element&, Key, StepContext&) const {}
  // The instance is being terminated (its children already are; ElementTerminated comes next).
  virtual void on_terminate(const model::Element&, Key, StepContext&) const {}
  // Containers: a child of `instance` completed (it is gone) / was terminated.
  virtual void on_child_completed(const model::Element&, Key /*instance*/, Key /*child*/,
                                  StepContext&) const {}
  virtual void on_child_terminated(const model::Element&, Key /*instance*/, Key /*child*/,
                                   StepContext&) const {}
};

// The single ElementType -> behaviour switch (behaviors/registry.cpp): every element type that
// runs, with the element-aware cases (a multi-instance body, a message throw with a job type).
const ElementBehavior& behavior_for(const model::Element& element, Role role = Role::Normal);

}  // namespace elva::runtime
