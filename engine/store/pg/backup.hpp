// Backup and restore of Elva's database with PostgreSQL's own tools (docs/operations.md#backup-
// and-restore): pg_dump in its custom format from a snapshot whose counts are reported, and
// pg_restore into a database that holds nothing of Elva's (or is replaced on purpose). The
// connection settings reach the tools through libpq's environment variables, never their
// command line, so a password is not visible in the process list.
#pragma once

#include <cstdint>
#include <string>

#include "elva/result.hpp"

namespace elva::store {

// What a database holds of Elva's, to refuse restoring over it and to report what a backup took.
struct DatabaseContents {
  int schema_version = 0;  // 0: no Elva schema
  std::int64_t definitions = 0, instances = 0, completed_instances = 0, history = 0, users = 0;
  bool empty() const { return definitions == 0 && instances == 0 && users == 0; }
};

// The counts of the database at `url` (one read).
Result<DatabaseContents> database_contents(const std::string& url);

// Dumps the database at `url` into `file` (pg_dump --format=custom, written next to it and
// renamed when complete, so a failed dump never leaves a partial file under the name). The
// counts returned are those of the very snapshot pg_dump read (an exported snapshot).
// Errors: StoreUnavailable (the database), InvalidArgument (the file cannot be written, pg_dump
// is missing or failed: its last lines).
Result<DatabaseContents> dump_database(const std::string& url, const std::string& file);

// Replaces everything in the database's public schema by the dump in `file` (pg_restore, one
// transaction: a failed restore leaves the database as it was). The caller checks that the
// target may be replaced and migrates it afterwards. Errors: InvalidArgument (not a dump,
// pg_restore failed: its last lines; the schema cannot be replaced: permission), StoreUnavailable.
Result<void> restore_database(const std::string& url, const std::string& file);

}  // namespace elva::store
