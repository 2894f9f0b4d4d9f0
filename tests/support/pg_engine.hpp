// The durable engine on a TestDatabase, for [pg] tests through the public API, and the path
// of a file in the source tree (ELVA_SOURCE_DIR, which ctest sets).
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include "elva/engine.hpp"
#include "support/pg_database.hpp"

namespace elva::test {

inline std::string source(const std::string& relative) {
  const char* src = std::getenv("ELVA_SOURCE_DIR");
  return std::string(src ? src : ".") + "/" + relative;
}

// An engine acting as "test" on `db`, its schema migrated unless `migrate` is false.
inline std::unique_ptr<Engine> open_engine(const TestDatabase& db, bool migrate = true,
                                           const Limits& limits = {}) {
  EngineOptions o;
  o.database_url = db.url;
  o.limits = limits;
  o.actor = "test";
  o.require_schema = false;
  auto e = Engine::open(o);
  REQUIRE(e);
  if (migrate) REQUIRE((*e)->db_migrate());
  return std::move(*e);
}

}  // namespace elva::test
