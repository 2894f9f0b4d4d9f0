// Env: the runtime's only window on the world (leveldb's Env): the clock and key generation.
// Injected, so that the same state and command always give the same events.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/result.hpp"
#include "runtime/state.hpp"

namespace elva::calendar {
class Calendar;
}

namespace elva::runtime {

// Evaluates DMN decisions for business rule tasks (the coordinator knows the deployed DMN).
class DecisionService {
 public:
  virtual ~DecisionService() = default;
  // The result mapped as `map_result` says (empty: the decision's value). Errors become the
  // task's incident (a UNIQUE table with several matches names them).
  virtual Result<nlohmann::json> evaluate(const std::string& decision_id,
                                          const nlohmann::json& variables,
                                          const std::string& map_result,
                                          std::int64_t now_millis) const = 0;
};

// Runs script tasks written in a language other than FEEL (the coordinator gives elva::script's
// JavaScript sandbox, engine/script/javascript.hpp). Outside the runtime because it starts a
// process and keeps time; a script is still a function of its variables and `execution` (which
// carries Env's time), so the same step gives the same events unless a limit is reached.
class ScriptService {
 public:
  struct Outcome {
    nlohmann::json value;                                     // the completion value
    nlohmann::json set_variables = nlohmann::json::object();  // execution.setVariable
  };
  virtual ~ScriptService() = default;
  // False for a format this service cannot run.
  virtual bool runs(const std::string& format) const = 0;
  // `variables`: those visible at the task; `execution`: processInstanceId, businessKey,
  // currentActivityId, currentActivityName, processDefinitionId, now. Errors become the task's
  // incident.
  virtual Result<Outcome> run(const std::string& format, const std::string& source,
                              const nlohmann::json& variables,
                              const nlohmann::json& execution) const = 0;
};

// What one step may do at most (docs/security.md#limits): past a limit the element gets an
// incident instead of the engine running out of time or memory inside one transaction.
struct RuntimeLimits {
  std::size_t max_work_per_step = 100'000;  // activations and completions a command may cause
  std::size_t max_loop_items = 10'000;      // iterations of one multi-instance body
  std::int64_t min_cycle_ms = 1'000;        // the shortest interval a timer cycle may repeat at
};

class Env {
 public:
  virtual ~Env() = default;
  virtual const RuntimeLimits& limits() const {
    static const RuntimeLimits defaults;
    return defaults;
  }
  virtual std::int64_t now_millis() const = 0;
  virtual Key next_key() = 0;
  // Null when no decisions are available (business rule tasks then raise an incident).
  virtual const DecisionService* decisions() const { return nullptr; }
  // The working-day calendar (common/calendar.hpp) FEEL's add working days() and its kin count
  // on; null: Monday to Friday.
  virtual const calendar::Calendar* calendar() const { return nullptr; }
  // Null when scripts in other languages than FEEL cannot run here (an incident says so).
  virtual const ScriptService* scripts() const { return nullptr; }
};

// A clock that moves only when told to, and keys counted from 1. Not thread-safe.
class ManualEnv : public Env {
 public:
  explicit ManualEnv(std::int64_t now = 0, const DecisionService* decisions = nullptr)
      : now_(now), decisions_(decisions) {}
  const DecisionService* decisions() const override { return decisions_; }
  std::int64_t now_millis() const override { return now_; }
  Key next_key() override { return ++last_key_; }
  void set_now(std::int64_t now) { now_ = now; }
  const RuntimeLimits& limits() const override { return limits_; }
  void set_limits(const RuntimeLimits& limits) { limits_ = limits; }
  const calendar::Calendar* calendar() const override { return calendar_; }
  void set_calendar(const calendar::Calendar* calendar) { calendar_ = calendar; }
  const ScriptService* scripts() const override { return scripts_; }
  void set_scripts(const ScriptService* scripts) { scripts_ = scripts; }

 private:
  std::int64_t now_;
  RuntimeLimits limits_;
  const DecisionService* decisions_;
  const calendar::Calendar* calendar_ = nullptr;
  const ScriptService* scripts_ = nullptr;
  Key last_key_ = 0;
};

}  // namespace elva::runtime
