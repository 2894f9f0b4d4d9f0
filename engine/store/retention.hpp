// The retention seam (docs/privacy.md): removing what is due from the store in small,
// self-contained batches. Only PostgreSQL implements it (store/pg/pg_retention.cpp); `elva test`
// keeps nothing long enough to need it.
//
// Every call is its own short transaction (one statement): a cleanup cut short anywhere leaves
// each batch applied whole or not at all, and the next run simply continues. Errors: as
// store.hpp (StoreUnavailable, Internal with SQLSTATE); messages never carry variable values.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/result.hpp"

namespace elva::store {

// What one rule applies to: the instances of these definitions that ended (completed or
// terminated) more than `interval` (an ISO 8601 duration PostgreSQL understands) before `now`.
// `variables` empty: the whole instance goes; else only these variables' values.
struct RetentionRule {
  std::string name;  // "personnel-hire: instance after P5Y", for reports
  std::string process_id;
  std::vector<std::int64_t> definition_ids;
  std::string interval;
  std::vector<std::string> variables;
  // For a value rule: the retention of its definitions' instances ("" = kept). A dry run leaves
  // out instances that rule removes first, so that it counts what a run removes.
  std::string instance_interval = "";
};

// Rows removed (or, in a dry run, that would be) by rule. Counts only, never values.
struct RetentionCounts {
  std::int64_t instances = 0;  // instances removed, or whose values were removed
  std::int64_t history = 0;    // history rows removed, or with values removed
  std::int64_t tasks = 0, jobs = 0, timers = 0, subscriptions = 0, incidents = 0;
  std::int64_t submissions = 0, attachments = 0;  // e-service intake
  void add(const RetentionCounts& o);
  nlohmann::json to_json() const;
};

class RetentionStore {
 public:
  virtual ~RetentionStore() = default;
  // Applies `rule` to at most `limit` due instances (oldest end first) in one transaction and
  // says what it removed; instances another transaction holds are skipped. 0 instances: done.
  virtual Result<RetentionCounts> apply_batch(const RetentionRule& rule, std::int64_t now_ms,
                                              int limit) = 0;
  // What apply_batch would remove for `rule`, all batches together, without removing anything.
  virtual Result<RetentionCounts> count_due(const RetentionRule& rule, std::int64_t now_ms) = 0;
  // Records one run (retention_runs): {"actor", "dryRun", "startedAt", "rules": [...]}.
  virtual Result<void> record_run(const nlohmann::json& run) = 0;
  // Deployed definitions with their BPMN source, and deployed form schemas by form id (latest).
  struct DeployedDefinition {
    std::int64_t id = 0;
    std::string process_id, file, source;
    int version = 0;
  };
  virtual Result<std::vector<DeployedDefinition>> deployed_definitions() = 0;
  virtual Result<nlohmann::json> form_schema(const std::string& key) = 0;  // null: none

  // Erasure by data subject (docs/privacy.md#erasure). The instances of these definitions whose
  // `subject_variable` is `subject` (a text or number equal to it, or an object with a top-level
  // field equal to it), with which of `erase` they still hold at the process level.
  struct SubjectInstance {
    std::int64_t id = 0;
    bool active = false;
    std::vector<std::string> present;
  };
  virtual Result<std::vector<SubjectInstance>> subject_instances(
      const std::vector<std::int64_t>& definition_ids, const std::string& subject_variable,
      const std::string& subject, const std::vector<std::string>& erase) = 0;
  struct Erasure {
    std::vector<std::int64_t> instances;  // every instance of the subject
    std::vector<std::int64_t> ended;      // of them, those whose instance row is cleaned here
    std::vector<std::string> names;       // the variables whose values go
    nlohmann::json task_names = nlohmann::json::object();  // "process/element" -> name as written
    std::string actor, reason;
  };
  // One transaction: the values leave history's variables rows, the ended instances' variables
  // and snapshots, waiting jobs' inputs; task names go back to what the BPMN says (without the
  // {{...}} filled in); e-service payloads and attachments are emptied; each instance gets an
  // "erased" history row (who, why, which variables). Returns the counts as a JSON object.
  virtual Result<nlohmann::json> erase_values(const Erasure& e) = 0;
  // The receipt (privacy_erasures); returns its id.
  virtual Result<std::int64_t> record_erasure(const std::string& actor, const std::string& reason,
                                              const nlohmann::json& receipt) = 0;
};

// A RetentionStore on its own connection to `url`.
Result<std::unique_ptr<RetentionStore>> connect_retention_store(const std::string& url);

}  // namespace elva::store
