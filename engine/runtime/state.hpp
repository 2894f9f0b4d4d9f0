// InstanceState: everything the engine knows about one running process instance. Only
// apply() (apply.cpp) changes it; behaviours read it and emit events. Described in lifecycle.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/process.hpp"

namespace elva::runtime {

using Key = std::uint64_t;

enum class InstanceStatus : std::uint8_t { Active, Completed, Terminated };

// Multi-instance and loop activities run as a body instance with one inner instance per
// iteration (the inner ones do the element's work).
enum class Role : std::uint8_t { Normal, Body, Inner };

// The bookkeeping of a multi-instance or loop body (fields of the body, never variables: the
// counters are shown to its iterations' expressions as Camunda's nrOf... names).
struct LoopState {
  nlohmann::json items = nlohmann::json::array();  // the collection (multi-instance)
  std::size_t next = 0;                            // index of the next iteration to start
  std::int64_t instances = 0, completed = 0,
               active = 0;  // nrOfInstances, ...Completed..., ...Active...
  nlohmann::json outputs;   // one entry per item with an output collection, else null
};

// A pointer that copies what it points at: an element instance without a loop pays 8 bytes.
template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  explicit operator bool() const { return p_ != nullptr; }
  T& operator*() const { return *p_; }
  T* operator->() const { return p_.get(); }
  T& emplace(T value) { return *(p_ = std::make_unique<T>(std::move(value))); }

 private:
  std::unique_ptr<T> p_;
};

// One activation of a flow node (or of a sub-process scope).
struct ElementInstance {
  Key key = 0;
  model::ElementIndex element = model::kNoElement;
  Key parent = 0;        // enclosing scope's element instance; 0 for the process itself
  bool waiting = false;  // a wait state: user task, timer, message catch ...
  Key incident = 0;      // open incident on this element, if any
  Role role = Role::Normal;
  std::uint16_t jobs = 0;  // open jobs of this element instance (derived from InstanceState::jobs)
  nlohmann::json local =
      nlohmann::json::object();  // local variables (input mappings, iteration item)
  Boxed<LoopState> loop;         // Role::Body only
};

// Work for a connector or worker (service, send, script, business rule tasks).
struct Job {
  Key key = 0;
  Key element_instance = 0;
  std::string type;
  nlohmann::json input = nlohmann::json::object();
  int retries = 3;       // attempts left; a failure at 1 raises an incident
  std::int64_t due = 0;  // not to be worked before this (ms on the injected clock): retry backoff
  int failures = 0;      // failed attempts so far
};

struct Timer {
  Key key = 0;
  Key element_instance = 0;  // the catch event, or the activity a boundary timer is attached to
  model::ElementIndex event = model::kNoElement;  // the timer event element
  std::int64_t due = 0;                           // ms since the epoch on the injected clock
  int fired = 0;                                  // firings so far (cycles)
};

struct Subscription {  // message, signal or conditional catch
  Key key = 0;
  Key element_instance = 0;
  model::ElementIndex event = model::kNoElement;
  bool signal = false;
  std::string name;
  std::string correlation_key;
  std::string condition;  // conditional events: fires when this becomes true
  bool was_true = false;
};

// A call activity waiting for its child instance (started by the coordinator: sched, elva test).
struct Call {
  Key element_instance = 0;
  std::string process_id;
  nlohmann::json variables = nlohmann::json::object();  // what goes into the child
};

struct Incident {
  Key key = 0;
  Key element_instance = 0;
  std::string message;
};

struct InstanceState {
  Key key = 0;
  std::shared_ptr<const model::ProcessDefinition> process;
  InstanceStatus status = InstanceStatus::Active;
  std::string business_key;
  nlohmann::json variables = nlohmann::json::object();
  std::map<Key, ElementInstance> elements;  // live element instances
  std::map<Key, Job> jobs;
  std::map<Key, Timer> timers;
  std::map<Key, Subscription> subscriptions;
  std::map<Key, Incident> incidents;
  // Parallel joins: tokens arrived per (scope instance, gateway) and incoming flow.
  std::map<std::pair<Key, model::ElementIndex>, std::map<model::FlowIndex, int>> joins;
  std::map<Key, Call> calls;  // by call activity element instance
  // Compensation: completed activities that have a handler, per scope, in completion order;
  // handlers still to run per throwing event; the thrower each running handler reports to.
  std::vector<std::pair<Key, model::ElementIndex>> compensable;
  std::map<Key, std::vector<model::ElementIndex>> compensating;
  std::map<Key, Key> handler_of;
  std::vector<Key> cancelling;  // cancel end events whose transaction ends after compensation
  Key parent_instance = 0;      // set when started by a call activity
  Key parent_element = 0;       // that call activity's element instance
  std::string escaped_error;    // a BPMN error no one here caught, for the caller to rethrow
  std::vector<std::string> completed;  // element ids, in completion order (history)
  std::uint64_t version = 0;           // one more per applied event
};

}  // namespace elva::runtime
