// `elva calendar [--rules SE|NO|weekdays] [--year Y | --from Y --to Y] [--config elva.toml]
// [--tenant NAME]`: the days off a working-day calendar has (docs/calendar.md), so that an
// administrator can check what due dates will skip. Needs no database. Exit 0, 2 usage or
// configuration.
#include "elva/calendar.hpp"

#include <chrono>
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "elva/connectors.hpp"

namespace elva::cli {

void add_calendar(CLI::App& app, int& exit_code) {
  struct Args {
    std::string config, rules, tenant, format = "text";
    std::vector<std::string> days_off;
    int year = 0, from = 0, to = 0;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "calendar",
      "List the days off of the working-day calendar due dates and timers count on:\n"
      "public holidays by rule (Easter-based ones included), the eves deadlines move over, and\n"
      "the municipality's own days off. Saturdays and Sundays are never working days.\n"
      "Exit codes: 0 listed, 2 usage or configuration error.");
  cmd->add_option("--rules", a->rules,
                  "SE, NO or weekdays (default: elva.toml [calendar], else weekdays)");
  cmd->add_option("--day-off", a->days_off, "A local day off, 2026-12-23 (repeatable)");
  cmd->add_option("--year", a->year, "One year (default: this year)");
  cmd->add_option("--from", a->from, "First year of a range");
  cmd->add_option("--to", a->to, "Last year of a range");
  cmd->add_option("--config", a->config, "elva.toml (default: $ELVA_CONFIG)");
  cmd->add_option("--tenant", a->tenant, "The tenant whose calendar to show");
  cmd->add_option("--format", a->format, "Output: text for people, json for scripts")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([a, &exit_code] {
    auto section = connectors::load_calendar(a->config);
    if (!section) {
      std::cerr << "elva calendar: " << section.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto options = calendar_options(*section, a->tenant);
    if (!options) {
      std::cerr << "elva calendar: " << options.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    if (!a->rules.empty()) options->rules = a->rules;
    for (const auto& d : a->days_off) options->days_off.push_back(d);
    const auto now = std::chrono::system_clock::now();
    const int this_year = static_cast<int>(
        std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now)).year());
    int from = a->year ? a->year : a->from ? a->from : this_year;
    int to = a->year ? a->year : a->to ? a->to : from;
    auto days = calendar_days_off(*options, from, to);
    if (!days) {
      std::cerr << "elva calendar: " << days.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    if (a->format == "json") {
      std::cout << nlohmann::json{{"rules", options->rules}, {"daysOff", *days}}.dump(2) << "\n";
      return;
    }
    std::cout << "calendar " << options->rules << ": Saturdays, Sundays and these days are off\n";
    for (const auto& d : *days) {
      const std::string kind = d["kind"].get<std::string>();
      std::cout << d["date"].get<std::string>() << "  "
                << d["weekday"].get<std::string>().substr(0, 3) << "  "
                << d["name"].get<std::string>()
                << (kind == "eve"     ? "  (eve: off for deadlines)"
                    : kind == "local" ? "  (local)"
                                      : "")
                << "\n";
    }
  });
}

}  // namespace elva::cli
