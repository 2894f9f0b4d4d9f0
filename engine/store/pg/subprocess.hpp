// The PostgreSQL programs Elva runs (initdb, pg_ctl, pg_dump, pg_restore): one way to run them
// and to quote what they wrote, for the embedded cluster and for backups.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace elva::store {

// Runs argv with stdin from /dev/null and stdout and stderr into `log` (appended, or the file
// started afresh); `in_child` runs in the child before exec (its environment). Returns the exit
// status, -1 when it could not run.
int run_program(const std::vector<std::string>& argv, const std::string& log, bool append,
                const std::function<void()>& in_child = {});

// The last `lines` lines of a file, each on its own indented line, for an error message.
std::string tail(const std::string& path, std::size_t lines);

}  // namespace elva::store
