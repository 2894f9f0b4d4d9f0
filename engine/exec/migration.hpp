// Instance migration between versions of a process (docs/operations.md#migration): the plan
// (which element of the old version becomes which of the new), the instances a plan is run on,
// and each instance's verdict. The dry run and the real run are the same unit (Processor::
// migrate): the dry run stops short of writing it.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/result.hpp"
#include "runtime/commands.hpp"

namespace elva::exec {

// What a plan is built from. `map`: old element id -> new element id for elements whose ids
// differ; `timers`: keep | recompute | rebase, the default; `timer_rules`: per timer event id of
// the old version.
struct MigrationRequest {
  std::string process_id;
  int from = 0, to = 0;
  std::map<std::string, std::string> map;
  std::string timers = "keep";
  std::map<std::string, std::string> timer_rules;
};

// Reads a request or a plan (a plan is a request with its findings: the same fields).
// Errors: InvalidArgument naming the field.
Result<MigrationRequest> migration_request_from_json(const nlohmann::json& j);

// A plan ready to run: the command every instance gets and the definitions it moves between.
struct PreparedMigration {
  nlohmann::json plan;  // the plan as documented (migration_plan's answer)
  std::string process_id;
  std::int64_t from_definition = 0, to_definition = 0;
  runtime::MigrateInstance command;  // without reason (given per run)
  bool complete = false;             // every element of `from` has a counterpart
};

// One instance's outcome: "migrated" (run), "migrates" (dry run), "already-migrated" (on the
// target version already), "needs-mapping", "refused", "not-found", with why and, when it moves,
// what becomes of its tokens, timers, subscriptions and jobs.
struct MigrationVerdict {
  std::uint64_t instance = 0;
  std::string outcome;
  std::string reason;
  nlohmann::json report;
  nlohmann::json to_json() const;
};

// Which instances a dry run or run takes (`--instances`): "" or "all" (every active instance on
// the plan's `from` version), "ids:1,2,3", or "businessKey:TEXT". Errors: InvalidArgument.
struct InstanceQuery {
  std::vector<std::uint64_t> ids;
  std::string business_key;
  bool by_business_key = false;
};
Result<InstanceQuery> parse_instance_query(const std::string& text);

runtime::TimerRule timer_rule_of(const std::string& text);

}  // namespace elva::exec
