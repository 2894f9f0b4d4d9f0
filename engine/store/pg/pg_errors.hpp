// Turning libpqxx exceptions into Results, and small row helpers shared by the store's files.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "elva/result.hpp"
#include "store/pg/pg_store.hpp"

namespace elva::store {

// The URL without its password, for messages.
std::string redact(const std::string& url);

// What went wrong, said to an administrator: StoreUnavailable for a connection that cannot be
// made or broke, Conflict for serialization failures and deadlocks, Internal (with SQLSTATE)
// for the rest.
Error store_error(const std::exception& e, const std::string& url);

template <typename F>
auto guarded(const std::string& url, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return fail(store_error(e, url));
  }
}

JobRow job_row(const pqxx::row&
                   r);  // key, instance_id, element_instance, element_id, type, retries, due, input
std::string text_array(const std::vector<std::string>& items);
std::string key_array(const std::vector<Key>& keys);

}  // namespace elva::store
