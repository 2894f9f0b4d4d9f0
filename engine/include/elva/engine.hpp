// Engine: the durable engine behind `elva serve` and the admin verbs. Opens the database
// (--db URL, else ELVA_DATABASE_URL, else the embedded cluster under $ELVA_HOME), and answers
// in JSON, which the CLI prints as text or as-is (--format json). Not thread-safe: one Engine
// per thread; serve() runs its own threads inside.
//
// Errors (Result): StoreUnavailable (the database cannot be reached; the message says what to
// check), InvalidArgument (unmigrated database: run `elva db migrate`; bad input), NotFound
// (unknown process, instance, incident; nobody waits for a message), ValidationError (a BPMN
// file that cannot be deployed, with file:line), Conflict (lost a race too often).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "elva/result.hpp"

namespace elva {

struct EngineOptions {
  std::string database_url;     // empty: ELVA_DATABASE_URL, else the embedded cluster
  std::string actor = "cli";    // who, in history
  bool require_schema = true;   // false for `elva db status|migrate`
};

struct ServeOptions {
  std::string node;             // this node's name in job leases (default: host:pid)
  int workers = 2;              // connector invocations at once
  std::int64_t lease_ms = 30'000;
  std::int64_t poll_ms = 250;   // how often to look for jobs other nodes created (timers due soon wake it)
  const std::atomic<bool>* stop = nullptr;  // serve() returns soon after this becomes true
  bool quiet = false;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> open(const EngineOptions& options);
  virtual ~Engine() = default;  // stops the embedded cluster if open() started it

  // {"database": url (no password), "embedded": bool, "current": n, "latest": n, "pending": [...]}
  virtual Result<nlohmann::json> db_status() = 0;
  // {"applied": [...names]}
  virtual Result<nlohmann::json> db_migrate() = 0;

  // {"processes": [{"process", "version", "unchanged", "file"}], "warnings": [...]}
  virtual Result<nlohmann::json> deploy(const std::vector<std::string>& paths) = 0;
  virtual Result<nlohmann::json> definitions() = 0;
  // {"id", "process", "status", ...}: the instance after it ran to its first wait state.
  virtual Result<nlohmann::json> start(const std::string& process_id, const nlohmann::json& variables,
                                       const std::string& business_key) = 0;
  virtual Result<nlohmann::json> instances(const std::string& process_id, const std::string& status, int limit) = 0;
  // Timeline (history), active elements, variables, incidents, jobs.
  virtual Result<nlohmann::json> instance(std::uint64_t id) = 0;
  virtual Result<nlohmann::json> cancel(std::uint64_t id) = 0;
  // ttl: an ISO 8601 duration ("PT1H"), or empty for none.
  virtual Result<nlohmann::json> message(const std::string& name, const std::string& correlation_key,
                                         const nlohmann::json& variables, const std::string& ttl) = 0;
  virtual Result<nlohmann::json> signal(const std::string& name, const nlohmann::json& variables) = 0;
  virtual Result<nlohmann::json> incidents() = 0;
  virtual Result<nlohmann::json> retry(std::uint64_t incident) = 0;
  // Completes a waiting element (user, receive, manual task, catch event) of an instance by id.
  virtual Result<nlohmann::json> complete(std::uint64_t instance, const std::string& element_id,
                                          const nlohmann::json& variables) = 0;

  // Runs the job executor and timers until options.stop is set (or forever).
  virtual Result<void> serve(const ServeOptions& options) = 0;
};

}  // namespace elva
