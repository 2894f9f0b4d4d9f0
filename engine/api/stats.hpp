// The stats of one process, and its history as XES, for the durable engine (Engine::stats;
// docs/operations.md#stats): the query's dates read and checked, the process's deadline and element
// names taken from its latest version, the figures from the store's SQL (store/pg/pg_stats.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "elva/result.hpp"
#include "exec/processor.hpp"
#include "store/pg/pg_store.hpp"

namespace elva::api {

// query: {"from", "to"} (ISO 8601 dates or date-times; a date without a zone is UTC; default:
// the 90 days before now), "by": "unit" (or ""), "now" (epoch ms; 0: the clock, for tests).
// Errors: NotFound (the process is not deployed), InvalidArgument (a date that is not one, from
// not before to; field.from / field.to).
Result<nlohmann::json> stats(store::PgStore& store, exec::Processor& processor,
                             const std::string& process_id, const nlohmann::json& query);

// The history of the instances started in [from, to) as an IEEE 1849-2016 XES document: a trace
// per instance (concept:name = its id), an event per element transition (concept:name = the
// element's name in the latest version, else its id; lifecycle:transition start, complete or
// ate_abort; time:timestamp; org:resource = the user, or the system that acted: "scheduler",
// "api", "cli"). No variables and no business keys (they may be personal data). Errors as stats.
Result<std::string> export_xes(store::PgStore& store, exec::Processor& processor,
                               const std::string& process_id, const nlohmann::json& query);

// The same instances as an OCEL 2.0 JSON log (object-centric: docs/operations.md#history-export):
// objects "case:ID" (type case, attribute process), "person:USER", "system:KIND" and "unit:NAME";
// an event per element transition, its type the element's name, attributes lifecycle and
// element, related to its case ("case"), who acted ("performed by") and their unit then ("on
// behalf of"). Errors as stats.
Result<std::string> export_ocel(store::PgStore& store, exec::Processor& processor,
                                const std::string& process_id, const nlohmann::json& query);

// The organisation as a network (Engine::network; docs/operations.md#network). process_id ""
// for every process; query as stats, plus "people": true (persons in units of 5 or more).
Result<nlohmann::json> network(store::PgStore& store, exec::Processor& processor,
                               const std::string& process_id, const nlohmann::json& query);

}  // namespace elva::api
