// Throwaway databases on a PostgreSQL server (`elva test --db URL`): one per scenario, so that
// scenarios never see each other's processes, messages or timers.
#pragma once

#include <string>

#include "elva/result.hpp"

namespace elva::store {

// Creates database `name` on the server `url` points at and returns a URL for it. Errors:
// StoreUnavailable (the server), InvalidArgument (a URL libpq cannot read), Internal (no right
// to create databases: the message says so).
Result<std::string> create_scratch_database(const std::string& url, const std::string& name);
Result<void> drop_scratch_database(const std::string& url, const std::string& name);

}  // namespace elva::store
