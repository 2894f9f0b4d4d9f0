// Operations: versions, diffs, modification and repair of running instances for the durable
// engine (Engine::versions ... remove_variables; docs/operations.md). Each action is one command
// through the processor, so it is one unit, audited with the processor's actor. Not thread-safe
// (like the Engine that owns it).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/engine.hpp"
#include "exec/processor.hpp"
#include "store/store.hpp"

namespace elva::api {

class Operations {
 public:
  Operations(store::Store& store, exec::Processor& processor)
      : store_(store), processor_(processor) {}

  Result<nlohmann::json> versions(const std::string& process_id);
  Result<nlohmann::json> diff(const std::string& process_id, int from, int to);

  // Each returns the instance the action was applied to (the answer is built by the engine).
  Result<std::uint64_t> modify(std::uint64_t instance, const Engine::Modification& m);
  Result<std::uint64_t> complete_job(std::uint64_t job, const nlohmann::json& variables,
                                     const std::string& reason);
  Result<std::uint64_t> fail_job(std::uint64_t job, const std::string& message, int retries_left,
                                 const std::string& reason);
  // Also gives the job's new key.
  Result<std::uint64_t> set_job_retries(std::uint64_t job, int retries, bool resolve_incident,
                                        const std::string& reason, std::uint64_t& new_job);
  Result<std::uint64_t> set_variables(std::uint64_t instance, const nlohmann::json& variables,
                                      const std::string& scope, const std::string& reason);
  Result<std::uint64_t> remove_variables(std::uint64_t instance,
                                         const std::vector<std::string>& names,
                                         const std::string& scope, const std::string& reason);

 private:
  // The instance a job belongs to. NotFound naming where to look.
  Result<std::uint64_t> instance_of_job(std::uint64_t job);
  // "" -> 0; digits -> that element instance; else the one live instance of that element id.
  Result<std::uint64_t> scope_key(std::uint64_t instance, const std::string& scope);
  Result<void> need_reason(const std::string& reason) const;

  store::Store& store_;
  exec::Processor& processor_;
};

}  // namespace elva::api
