// elva: the command line. Each verb lives in commands/; this file wires them and maps usage
// errors to exit code 2.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands/commands.hpp"
#include "version.hpp"

namespace elva::cli {
// `elva import` (commands/import.cpp, docs/sharing.md).
void add_import(CLI::App& app, int& exit_code);
}  // namespace elva::cli

int main(int argc, char** argv) {
  CLI::App app{
      "Elva: an executable BPMN 2.0 process engine for public organisations.\n"
      "Run 'elva VERB --help' for a verb's options."};
  app.name("elva");
  app.require_subcommand(1);
  app.set_version_flag("--version", elva::cli::version_text());
  int exit_code = elva::cli::kExitOk;
  elva::cli::add_validate(app, exit_code);
  elva::cli::add_inspect(app, exit_code);
  elva::cli::add_eval(app, exit_code);
  elva::cli::add_test(app, exit_code);
  elva::cli::add_decide(app, exit_code);
  elva::cli::add_serve(app, exit_code);
  elva::cli::add_deploy(app, exit_code);
  elva::cli::add_instances(app, exit_code);
  elva::cli::add_events(app, exit_code);
  elva::cli::add_incidents(app, exit_code);
  elva::cli::add_users(app, exit_code);
  elva::cli::add_connectors(app, exit_code);
  elva::cli::add_calendar(app, exit_code);
  elva::cli::add_lottery(app, exit_code);
  elva::cli::add_demo(app, exit_code);
  elva::cli::add_db(app, exit_code);
  elva::cli::add_migrate(app, exit_code);
  elva::cli::add_operations(app, exit_code);
  elva::cli::add_stats(app, exit_code);
  elva::cli::add_network(app, exit_code);
  elva::cli::add_history(app, exit_code);
  elva::cli::add_privacy(app, exit_code);
  elva::cli::add_import(app, exit_code);
  elva::cli::add_package(app, exit_code);
  std::vector<std::string> args(argv, argv + argc);
  elva::cli::protect_eval_expression(args);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);  // CLI11: last first
    app.parse(std::move(reversed));
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "elva: " << e.what() << "\n";
    std::cerr << "Run 'elva --help' or 'elva VERB --help' for usage.\n";
    return elva::cli::kExitUsage;
  }
  return exit_code;
}
