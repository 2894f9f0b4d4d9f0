// `elva db status|migrate|backup|restore`: the schema of Elva's database, and its backups
// (docs/operations.md#backup-and-restore). Exit 0 done, 1 refused, 3 database unreachable.
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"

namespace elva::cli {

void add_db(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AdminArgs>();
  auto* db = app.add_subcommand(
      "db",
      "Elva's database: `elva db status`, `elva db migrate`, `elva db backup FILE`,\n"
      "`elva db restore FILE`.");
  db->require_subcommand(1);
  auto* status = db->add_subcommand(
      "status",
      "Show the database and its schema version, and what migrations are pending.\n"
      "Exit codes: 0 shown, 3 database unreachable.");
  add_admin_options(status, *args);
  status->callback([args, &exit_code] {
    exit_code = run_admin(
        "db status", *args, false, [](Engine& e) { return e.db_status(); },
        [](const nlohmann::json& s) {
          std::cout << "Database: " << s["database"].get<std::string>()
                    << (s["embedded"].get<bool>() ? " (embedded)" : "") << "\n";
          std::cout << "Schema:   version " << s["current"] << " of " << s["latest"];
          if (s["pending"].empty())
            std::cout << ", up to date\n";
          else
            std::cout << ", " << s["pending"].size()
                      << " migration(s) pending: run `elva db migrate`\n";
        });
  });
  auto* migrate = db->add_subcommand(
      "migrate",
      "Bring the schema up to this Elva version (safe to run again; several nodes may\n"
      "run it at once). Exit codes: 0 done, 3 database unreachable.");
  add_admin_options(migrate, *args);
  migrate->callback([args, &exit_code] {
    exit_code = run_admin(
        "db migrate", *args, false, [](Engine& e) { return e.db_migrate(); },
        [](const nlohmann::json& r) {
          if (r["applied"].empty()) std::cout << "The schema is up to date; nothing to do.\n";
          for (const auto& m : r["applied"])
            std::cout << "applied " << m.get<std::string>() << "\n";
        });
  });
  struct FileArgs : AdminArgs {
    std::string file;
    bool force = false;
  };
  auto ba = std::make_shared<FileArgs>();
  auto* backup = db->add_subcommand(
      "backup",
      "Write a consistent backup of the whole database (the embedded one, or --db) to FILE:\n"
      "pg_dump's custom format, taken from one snapshot while the engine keeps running.\n"
      "Exit codes: 0 written, 1 pg_dump failed or FILE cannot be written, 3 database.");
  backup->add_option("file", ba->file, "The backup file to write (e.g. elva-2026-12-07.dump)")
      ->required();
  add_admin_options(backup, *ba);
  backup->callback([ba, &exit_code] {
    exit_code = run_admin(
        "db backup", *ba, false, [&](Engine& e) { return e.db_backup(ba->file); },
        [&](const nlohmann::json& r) {
          std::cout << "Backed up " << r["database"].get<std::string>() << " to " << ba->file
                    << " (" << r["bytes"] << " bytes): schema version " << r["schema"] << ", "
                    << r["definitions"] << " process versions, " << r["instances"] << " instances ("
                    << r["completedInstances"] << " completed), " << r["history"]
                    << " history rows, " << r["users"] << " users\n";
        });
  });
  auto ra = std::make_shared<FileArgs>();
  auto* restore = db->add_subcommand(
      "restore",
      "Restore a backup of `elva db backup` into the embedded database of $ELVA_HOME (best a\n"
      "new one) or into --db, then apply the migrations the backup is older than. A database\n"
      "that holds processes, instances or users is refused unless --force. Stop `elva serve`\n"
      "first. Exit codes: 0 restored, 1 refused or not a backup, 3 database.");
  restore->add_option("file", ra->file, "The backup file to read")->required();
  restore->add_flag("--force", ra->force,
                    "Replace whatever the target database holds (it is lost)");
  add_admin_options(restore, *ra);
  restore->callback([ra, &exit_code] {
    exit_code = run_admin(
        "db restore", *ra, false, [&](Engine& e) { return e.db_restore(ra->file, ra->force); },
        [&](const nlohmann::json& r) {
          std::cout << "Restored " << ra->file << " into " << r["database"].get<std::string>()
                    << ": " << r["definitions"] << " process versions, " << r["instances"]
                    << " instances (" << r["completedInstances"] << " completed), " << r["history"]
                    << " history rows, " << r["users"] << " users\n";
          for (const auto& m : r["applied"])
            std::cout << "applied " << m.get<std::string>() << "\n";
        });
  });
}

}  // namespace elva::cli
