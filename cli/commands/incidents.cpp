// `elva incidents` and `elva retry INCIDENT`. Exit 0 done, 1 no such open incident, 2 usage, 3
// database.
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"

namespace elva::cli {

void add_incidents(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<AdminArgs>();
  auto* list =
      app.add_subcommand("incidents", "List open incidents: where an instance stopped and why.");
  add_admin_options(list, *a);
  list->callback([a, &exit_code] {
    exit_code = run_admin(
        "incidents", *a, true, [](Engine& e) { return e.incidents(); },
        [](const nlohmann::json& rows) {
          if (rows.empty()) std::cout << "No open incidents.\n";
          for (const auto& n : rows) {
            std::cout << "incident " << n["key"] << "  instance " << n["instance"] << " ("
                      << n["process"].get<std::string>() << ") at "
                      << n["element"].get<std::string>() << "\n  "
                      << n["message"].get<std::string>() << "\n";
          }
        });
  });

  struct RetryArgs : AdminArgs {
    std::uint64_t incident = 0;
  };
  auto r = std::make_shared<RetryArgs>();
  auto* retry =
      app.add_subcommand("retry", "Resolve an incident: its element runs again from the start.");
  retry->add_option("incident", r->incident, "Incident key (see `elva incidents`)")->required();
  add_admin_options(retry, *r);
  retry->callback([r, &exit_code] {
    exit_code = run_admin(
        "retry", *r, true, [&](Engine& e) { return e.retry(r->incident); },
        [](const nlohmann::json& i) {
          std::cout << "Retried; instance " << i["id"] << " is " << i["status"].get<std::string>()
                    << ".\n";
        });
  });
}

}  // namespace elva::cli
