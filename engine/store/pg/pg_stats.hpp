// The figures of `elva stats` and GET /api/stats/{process} (docs/operations.md#stats), read with
// SQL straight from the instance, history and task tables: no second database, no copy, so they
// are as old as the last commit. Internal to store/pg.
#pragma once

#include <pqxx/pqxx>

#include "store/pg/pg_store.hpp"

namespace elva::store::pg_stats {

// REQUIRES: q.process_id is not empty, q.from_ms < q.to_ms.
nlohmann::json read(pqxx::transaction_base& t, const StatsQuery& q);
// The organisation as a network (PgStore::network): q.process_id may be "" (every process).
nlohmann::json network(pqxx::transaction_base& t, const StatsQuery& q, bool people);
// The history export's rows (PgStore::history_events).
nlohmann::json history_events(pqxx::transaction_base& t, const StatsQuery& q);

}  // namespace elva::store::pg_stats
