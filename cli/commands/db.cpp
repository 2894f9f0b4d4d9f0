// `elva db status|migrate`: the schema of Elva's database. Exit 0 done, 3 database unreachable.
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"

namespace elva::cli {

void add_db(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AdminArgs>();
  auto* db =
      app.add_subcommand("db", "Elva's database schema: `elva db status`, `elva db migrate`.");
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
}

}  // namespace elva::cli
