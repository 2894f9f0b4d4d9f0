// The PostgreSQL store: schema migrations, transactions of typed reads and one-statement batch
// writes, and the queries of the task list, identity and intake. The schema is described once,
// in migrations/*.sql. libpqxx is used only inside store/pg; nothing here throws: every failure
// is a Result with a message for an administrator (StoreUnavailable when the database cannot be
// reached, Conflict when an optimistic version check failed or PostgreSQL reported a
// serialization failure or deadlock: retry the command). A PgStore is one connection: use it
// from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/result.hpp"
#include "store/store.hpp"

namespace elva::store {

// What the stats are asked for (pg_stats.hpp): one process, a window [from, to) in epoch ms,
// "now" (for what is running and overdue), optionally split by organisational unit, and the
// process's deadline (ISO 8601 duration from the start; "" none).
struct StatsQuery {
  std::string process_id;
  std::int64_t from_ms = 0, to_ms = 0, now_ms = 0;
  bool by_unit = false;
  std::string deadline;
};

// An instance search (GET /api/instances, the cockpit): every filter is optional ("", 0 or null:
// any) and they all hold at once.
struct InstanceSearch {
  std::string process_id;
  int version = 0;
  std::string status;        // active, completed, terminated, or incident (active with one open)
  std::string business_key;  // equal
  std::string element;       // a token is at this element (so the instance is active)
  std::string variable;      // with `value`: the process variable equals it (as JSON)
  nlohmann::json value;
  std::int64_t started_from = 0, started_to = 0;  // started in [from, to), epoch ms
  int limit = 50, offset = 0;
};

class PgStore : public Store, public IdentityStore, public IntakeStore {
 public:
  // Connects. Errors: StoreUnavailable (the message names the database and what to check).
  static Result<std::unique_ptr<PgStore>> connect(const std::string& url);

  // A SQL count for tests and benchmarks ("SELECT count(*) FROM ..."); not for user input.
  virtual Result<std::int64_t> count(const std::string& sql) = 0;
  // The top-level instances `actor` ("user:anna") started, newest first; `status` as in
  // instances() ("" for any).
  virtual Result<std::vector<InstanceRow>> instances_started_by(const std::string& actor,
                                                                const std::string& status,
                                                                int limit) = 0;
  // Newest first, as instances() (which is this without the other filters).
  virtual Result<std::vector<InstanceRow>> search_instances(const InstanceSearch& q) = 0;
  // Every deployed process with its latest version, for the cockpit: [{"process", "name",
  // "version" (the latest), "versions", "deployedAt", "active", "incidents" (active instances
  // with an open incident)}] by process id.
  virtual Result<nlohmann::json> process_overview() = 0;
  // Where the tokens of one version's active instances are: [{"element", "active" (element
  // instances there: a sub-process and the task inside it each count), "incidents" (open)}],
  // elements with neither left out.
  virtual Result<nlohmann::json> element_counts(const std::string& process_id,
                                                std::int64_t definition_id) = 0;
  // The access log (docs/privacy.md#access-log): `actor` read the values of `variables` (names)
  // of an instance through `via`; and the rows of some instances, oldest first: [{"at", "actor",
  // "instance", "variables", "via"}].
  virtual Result<void> record_access(const std::string& actor, Key instance,
                                     const std::vector<std::string>& variables,
                                     const std::string& via) = 0;
  virtual Result<nlohmann::json> access_rows(const std::vector<std::int64_t>& instances) = 0;
  // The figures of one process (docs/operations.md#stats); JSON as GET /api/stats answers it.
  virtual Result<nlohmann::json> stats(const StatsQuery& query) = 0;
  // Who passes work to whom (docs/operations.md#network): {"nodes": [{"id", "kind" (unit or
  // person), "unit", "actions", "people", "cases"}], "handoffs": [{"from", "to", "count", "time":
  // {"p50", "p90"}}], "together": [{"a", "b", "cases"}]}, from the actions of people in
  // [from, to) in the cases of query.process_id ("" every process).
  virtual Result<nlohmann::json> network(const StatsQuery& query, bool people) = 0;
  // The element transitions (activated, completed, terminated) of the instances of
  // query.process_id started in [from, to), by instance then order, for the history export:
  // [{"instance", "element", "kind", "actor", "at", "unit"}] ("at" ISO 8601 UTC; "unit" the
  // acting person's unit then, "" when not recorded).
  virtual Result<nlohmann::json> history_events(const StatsQuery& query) = 0;
};

}  // namespace elva::store
