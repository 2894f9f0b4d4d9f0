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
#include <string>
#include <vector>

#include "elva/result.hpp"
#include "store/store.hpp"

namespace elva::store {

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
};

}  // namespace elva::store
