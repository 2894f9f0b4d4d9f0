// pg_dump / pg_restore around Elva's database (backup.hpp). pqxx exceptions stay in this file.
#include "store/pg/backup.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <utility>
#include <vector>

#include "store/pg/pg_errors.hpp"
#include "store/pg/subprocess.hpp"

namespace elva::store {
namespace {

namespace fs = std::filesystem;

// The newest /usr/lib/postgresql/<n>/bin/<tool> (a dump must be made by a pg_dump at least as
// new as the server), else the tool on PATH.
std::string tool_path(const std::string& tool) {
  int best = -1;
  std::string found = tool;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const auto path = e.path() / "bin" / tool;
    if (!fs::exists(path)) continue;
    try {
      const int v = std::stoi(e.path().filename().string());
      if (v > best) best = v, found = path.string();
    } catch (...) {
    }
  }
  return found;
}

// libpq's environment variables for `url` (PGHOST, PGUSER, PGPASSWORD, ...), and the dbname.
Result<std::pair<std::vector<std::pair<std::string, std::string>>, std::string>> conn_env(
    const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (!opts) {
    std::string why = err ? err : "cannot be read";
    PQfreemem(err);
    return fail(Errc::InvalidArgument, "the database URL " + redact(url) + " is not valid: " + why);
  }
  std::vector<std::pair<std::string, std::string>> env;
  std::string dbname;
  for (auto* o = opts; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    if (std::string(o->keyword) == "dbname") dbname = o->val;
    if (o->envvar) env.emplace_back(o->envvar, o->val);
  }
  PQconninfoFree(opts);
  return std::make_pair(std::move(env), std::move(dbname));
}

// Runs argv with `url`'s connection settings in the environment; stderr into `log`. Returns the
// exit status (-1: could not run).
int run_tool(const std::vector<std::string>& argv, const std::string& url, const std::string& log) {
  auto env = conn_env(url);
  if (!env) return -1;
  return run_program(argv, log, false, [&env] {
    // Only the URL's settings count: the caller's own PG* variables must not change the target.
    for (const char* v : {"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD",
                          "PGSERVICE", "PGOPTIONS", "PGSSLMODE"})
      unsetenv(v);
    for (const auto& [k, v] : env->first) setenv(k.c_str(), v.c_str(), 1);
  });
}

DatabaseContents read_contents(pqxx::transaction_base& t) {
  DatabaseContents c;
  if (!t.exec1("SELECT to_regclass('elva_schema') IS NOT NULL")[0].as<bool>()) return c;
  c.schema_version = t.exec1("SELECT coalesce(max(version), 0) FROM elva_schema")[0].as<int>();
  const auto count = [&](const char* table, const char* where = "") -> std::int64_t {
    if (!t.exec1(std::string("SELECT to_regclass('") + table + "') IS NOT NULL")[0].as<bool>())
      return 0;
    return t.exec1(std::string("SELECT count(*) FROM ") + table + where)[0].as<std::int64_t>();
  };
  c.definitions = count("definitions");
  c.instances = count("instances");
  c.completed_instances = count("instances", " WHERE status = 'completed'");
  c.history = count("history");
  c.users = count("users");
  return c;
}

std::string log_file(const std::string& what) {
  return (fs::temp_directory_path() / ("elva-" + what + "-" + std::to_string(getpid()) + ".log"))
      .string();
}

}  // namespace

Result<DatabaseContents> database_contents(const std::string& url) {
  return guarded(url, [&]() -> Result<DatabaseContents> {
    pqxx::connection c(url);
    pqxx::read_transaction t(c);
    return read_contents(t);
  });
}

Result<DatabaseContents> dump_database(const std::string& url, const std::string& file) {
  const fs::path target = fs::absolute(file);
  const fs::path partial = target.string() + ".partial";
  {
    std::ofstream probe(partial, std::ios::binary);
    if (!probe)
      return fail(Errc::InvalidArgument, file + ": cannot be written (does its directory exist?)");
  }
  const std::string log = log_file("backup");
  auto result = guarded(url, [&]() -> Result<DatabaseContents> {
    // pg_dump reads the snapshot this transaction exports, so the counts below are exactly
    // what the dump holds; the transaction stays open until pg_dump is done.
    pqxx::connection c(url);
    pqxx::work t(c);
    t.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const auto snapshot = t.exec1("SELECT pg_export_snapshot()")[0].as<std::string>();
    auto contents = read_contents(t);
    const int rc = run_tool({tool_path("pg_dump"), "--format=custom", "--no-owner",
                             "--snapshot=" + snapshot, "--file=" + partial.string()},
                            url, log);
    if (rc != 0) {
      return fail(Errc::InvalidArgument,
                  "pg_dump failed" +
                      std::string(rc == 127 ? " (is postgresql-client installed?)" : "") + ":" +
                      tail(log, 6));
    }
    return contents;
  });
  std::error_code ec;
  fs::remove(log, ec);
  if (!result) {
    fs::remove(partial, ec);
    return result;
  }
  fs::rename(partial, target, ec);
  if (ec) return fail(Errc::InvalidArgument, file + ": cannot be written: " + ec.message());
  return result;
}

Result<void> restore_database(const std::string& url, const std::string& file) {
  if (!fs::is_regular_file(file)) return fail(Errc::InvalidArgument, file + ": cannot be read");
  const std::string log = log_file("restore");
  // Is it a dump at all? (pg_restore --list reads only its table of contents.)
  if (run_tool({tool_path("pg_restore"), "--list", file}, url, log) != 0) {
    auto why = tail(log, 3);
    std::error_code ec;
    fs::remove(log, ec);
    return fail(Errc::InvalidArgument,
                file + " is not a backup made by `elva db backup` (pg_dump custom format):" + why);
  }
  const std::string aside =
      "elva_replaced_" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch() / std::chrono::seconds(1));
  // The schema the dump replaces is kept aside until pg_restore succeeded: a failed restore
  // puts it back, so the database is never left half restored.
  auto set_aside = guarded(url, [&]() -> Result<void> {
    pqxx::connection c(url);
    pqxx::work t(c);
    t.exec("SET LOCAL lock_timeout = '10s'");
    t.exec("ALTER SCHEMA public RENAME TO " + aside);
    t.exec("CREATE SCHEMA public");
    t.commit();
    return {};
  });
  if (!set_aside) {
    std::error_code ec;
    fs::remove(log, ec);
    return fail(set_aside.error().code,
                "cannot replace the database's schema (stop every `elva serve` on it; the "
                "database user must own the database): " +
                    set_aside.error().message);
  }
  auto auth = conn_env(url);
  const std::string dbname = auth && !auth->second.empty() ? auth->second : "elva";
  const int rc = run_tool({tool_path("pg_restore"), "--no-owner", "--no-privileges",
                           "--exit-on-error", "--single-transaction", "--dbname=" + dbname, file},
                          url, log);
  const std::string why = tail(log, 6);
  std::error_code ec;
  fs::remove(log, ec);
  auto finish = guarded(url, [&]() -> Result<void> {
    pqxx::connection c(url);
    pqxx::work t(c);
    if (rc == 0) {
      t.exec("DROP SCHEMA " + aside + " CASCADE");
    } else {
      t.exec("DROP SCHEMA public CASCADE");
      t.exec("ALTER SCHEMA " + aside + " RENAME TO public");
    }
    t.commit();
    return {};
  });
  if (rc != 0)
    return fail(Errc::InvalidArgument,
                "pg_restore failed; the database is as it was before:" + why);
  if (!finish) return fail(finish.error());
  return {};
}

}  // namespace elva::store
