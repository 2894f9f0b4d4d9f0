// One behaviour per BPMN element type: how it activates, completes and is terminated.
// Behaviours are const and stateless; instance data lives in InstanceState (via StepContext).
#pragma once

#include "model/element.hpp"
#include "runtime/context.hpp"

namespace elva::runtime {

class ElementBehavior {
 public:
  virtual ~ElementBehavior() = default;
  // Called once the element instance exists. Pass-through elements complete here; wait states
  // return and finish later through a command.
  virtual void on_activate(const model::Element& element, Key instance, StepContext& ctx) const = 0;
};

// The single ElementType -> behaviour switch (behaviors/registry.cpp), and the element-aware
// variant the runtime uses (message throw events with a job type behave like tasks).
const ElementBehavior& behavior_for(model::ElementType type);
const ElementBehavior& behavior_for(const model::Element& element);

}  // namespace elva::runtime
