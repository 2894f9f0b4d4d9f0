// The connector SPI: how the engine calls other systems (HR, e-service portals, mail, any HTTP
// API) from service and send tasks. A service task names `connector.operation` (elva:connector=
// "hr.createUser"); the scheduler leases the task's job and invokes the connector with the
// task's input (its input mappings evaluated), then feeds the outcome back: output variables
// (through the task's output mappings), a retryable failure (retries, then an incident), or a
// BPMN error code (caught by an error boundary event).
//
// Contract for implementers (built-in connectors and plugins alike; docs/connectors.md):
// - invoke() may complete before it returns or later, on any thread, but calls `done` exactly
//   once, and must respect the deadline. It runs on one of the scheduler's worker threads:
//   - a connector that blocks in invoke() holds that thread (`elva serve --workers`, default 2)
//     for the call, and max_in_flight() stays 0;
//   - a connector that starts the call and returns (the built-in http, hr, eservice and mail
//     connectors: coroutines on their own I/O thread) says in max_in_flight() how many calls it
//     takes at once, and the scheduler leases up to that many of its jobs.
// - Calls are at-least-once: a node that dies after the call and before committing the outcome
//   makes another node call again once the lease runs out. `idempotency_key` is the same for
//   every attempt of the same job (retries included), so the receiving system can drop
//   duplicates (an Idempotency-Key header, a SCIM externalId, a Message-ID).
// - Never throw out of invoke(); an exception is turned into a retryable failure anyway.
// - Secrets come from the configuration (environment variables or files), never from process
//   variables, and never appear in messages, outputs or logs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace elva::connector {

// One input or output of an operation, for the deploy-time contract check and `elva connectors`.
struct Field {
  std::string name;
  bool required = false;
  std::string description;
};

struct Operation {
  std::string name;  // "createUser": the job type is "<connector>.<operation>"
  std::string description;
  std::vector<Field> inputs;
  std::vector<Field> outputs;
};

struct Invocation {
  std::string operation;
  nlohmann::json input = nlohmann::json::object();
  std::string idempotency_key;                     // stable across retries of one job
  std::chrono::system_clock::time_point deadline;  // answer (or give up) by then
  std::shared_ptr<const std::atomic<bool>>
      cancelled;                       // set when the engine stops or the deadline passed
  std::string process_id, element_id;  // for messages and logs
  std::uint64_t instance = 0;
  int retries_left = 0;  // attempts left after this one
};

struct Outcome {
  enum class Kind {
    Completed,  // output: the task's result (goes through its output mappings)
    Retry,      // a passing fault (peer down, 5xx, timeout): tried again until retries run out
    Fail,       // retrying cannot help (4xx, bad input): an incident at once
    BpmnError,  // a business error: `error_code` is thrown at the task (boundary events catch it)
  } kind = Kind::Completed;
  nlohmann::json output =
      nlohmann::json::object();   // Completed; BpmnError: variables with the error
  std::string message;            // Retry/Fail/BpmnError: what the peer did
  std::string error_code;         // BpmnError
  std::int64_t retry_in_ms = -1;  // Retry: -1 = the task's retry cycle or the default back-off

  static Outcome completed(nlohmann::json output);
  static Outcome retry(std::string message, std::int64_t retry_in_ms = -1);
  static Outcome fail(std::string message);
  static Outcome bpmn_error(std::string code, std::string message,
                            nlohmann::json variables = nlohmann::json::object());
};

using Completion = std::function<void(Outcome)>;

class Connector {
 public:
  virtual ~Connector() = default;
  // The instance name service tasks use: "hr" in "hr.createUser".
  virtual const std::string& name() const = 0;
  // What implements it: "http", "hr", "mail", "eservice", "plugin:sms", "builtin".
  virtual std::string kind() const = 0;
  virtual std::vector<Operation> operations() const = 0;
  // Non-secret settings, for `elva connectors` (endpoint, timeout, ...).
  virtual nlohmann::json describe() const { return nlohmann::json::object(); }
  virtual void invoke(Invocation call, Completion done) = 0;
  // Calls this connector takes at once; 0: invoke() blocks, so its calls are limited by the
  // scheduler's worker threads.
  virtual int max_in_flight() const { return 0; }
};

// The connectors one engine uses, by instance name. Filled once at start-up, then read-only
// (safe to share between threads).
class Registry {
 public:
  // Refuses a second connector of the same name (returns false).
  bool add(std::shared_ptr<Connector> connector);
  std::shared_ptr<Connector> find(const std::string& name) const;
  const std::map<std::string, std::shared_ptr<Connector>>& all() const { return connectors_; }

  // The deploy-time contract check of one service task naming `job_type` ("hr.createUser")
  // with input mappings to `inputs` (empty: the task has no input mappings). nullopt when it
  // is fine, else a message for the process developer (without file and line).
  std::optional<std::string> check(const std::string& job_type,
                                   const std::vector<std::string>& inputs) const;

  // {"connectors": [{"name", "kind", "settings", "operations": [{"name", "description",
  // "inputs": [{"name", "required", "description"}], "outputs": [...]}]}]}
  nlohmann::json to_json() const;

 private:
  std::map<std::string, std::shared_ptr<Connector>> connectors_;
};

// The built-in connector, "elva" unless named otherwise: elva.noop (completes with no output)
// and elva.echo (completes with its input). Every registry the engine builds has it.
std::shared_ptr<Connector> builtin_connector(std::string name = "elva");

// "hr.createUser" -> {"hr", "createUser"}; no dot: {job_type, ""}.
std::pair<std::string, std::string> split_job_type(const std::string& job_type);

}  // namespace elva::connector
