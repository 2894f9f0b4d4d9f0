// `elva lottery draw --seed SEED --applicants FILE [--positions N]`: re-runs a lottery's draw
// (the lottery connector's) so anyone with the published seed and the list of applicants can
// check the result. Needs no database. Exit 0, 2 bad input.
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "elva/connectors.hpp"

namespace elva::cli {

void add_lottery(CLI::App& app, int& exit_code) {
  auto* lottery = app.add_subcommand(
      "lottery", "Check a lottery's draw (the summer-job lottery) with its published seed.");
  lottery->require_subcommand(1);
  struct Args {
    std::string seed, applicants, format = "text";
    int positions = 0;
  };
  auto a = std::make_shared<Args>();
  auto* draw = lottery->add_subcommand(
      "draw",
      "Rank applicants by SHA-256(\"<seed>:<id>\"), lowest first, as the process did.\n"
      "The same seed and applicants give the same ranking on any machine.");
  draw->add_option("--seed", a->seed, "The published seed")->required();
  draw->add_option("--applicants", a->applicants,
                   "JSON file: a list of applicant ids (or objects with an id)")
      ->required();
  draw->add_option("--positions", a->positions, "How many win")->capture_default_str();
  draw->add_option("--format", a->format, "Output: text for people, json for scripts")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  draw->callback([a, &exit_code] {
    auto list = read_json_file(a->applicants);
    if (!list || !list->is_array()) {
      std::cerr << "elva lottery draw: "
                << (list ? a->applicants + ": must be a JSON list" : list.error().message) << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto r = connectors::lottery_draw(a->seed, *list, a->positions);
    if (!r) {
      std::cerr << "elva lottery draw: " << r.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    if (a->format == "json") {
      std::cout << r->dump(2) << "\n";
      return;
    }
    std::cout << "seed SHA-256 " << (*r)["seedHash"].get<std::string>() << "; "
              << (*r)["method"].get<std::string>() << "\n";
    int place = 0;
    for (const auto& id : (*r)["ranking"]) {
      ++place;
      std::cout << place << ". " << id.get<std::string>() << "  "
                << (*r)["tickets"][id.get<std::string>()].get<std::string>().substr(0, 16)
                << (place <= a->positions ? "  (position)" : "") << "\n";
    }
  });
}

}  // namespace elva::cli
