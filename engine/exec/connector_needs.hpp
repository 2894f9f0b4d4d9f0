// What deployed processes need of elva.toml: the connectors and operations their service tasks
// name (elva:connector) that a registry does not have. `elva serve` says so at start-up, the
// scheduler takes such jobs so that they end as incidents instead of waiting for ever, and the
// readiness check lists them (Engine::missing_configuration).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "elva/connector.hpp"
#include "elva/result.hpp"
#include "exec/processor.hpp"
#include "store/store.hpp"

namespace elva::exec {

// One job type no configured connector serves, and the processes whose tasks name it.
struct MissingConnector {
  std::string job_type;           // "hr.createUser"
  std::string connector;          // "hr"
  bool connector_missing = true;  // false: the connector exists without this operation
  std::set<std::string> processes;
};

// Which definitions to look at: the latest version of each process and every version with
// active instances (what can still create jobs), or every version deployed.
enum class Versions { InUse, All };

// Reads the definitions (parsed once, through the processor's cache) and compares their
// connector tasks with `registry`. Sorted by job type. Errors: the store's.
Result<std::vector<MissingConnector>> missing_connectors(store::Store& store, Processor& processor,
                                                         const connector::Registry& registry,
                                                         Versions versions);

// The message of a job whose connector is missing, for its retries and its incident (names
// only, no values).
std::string missing_connector_reason(const std::string& job_type, bool connector_missing);

}  // namespace elva::exec
