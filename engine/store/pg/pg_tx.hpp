// The PostgreSQL transaction behind store::Tx.
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "store/pg/pg_store.hpp"

namespace elva::store {

// REQUIRES: `conn` outlives the transaction; one transaction per connection at a time.
std::unique_ptr<Tx> make_tx(pqxx::connection& conn, const std::string& url);

}  // namespace elva::store
