// One registration function per verb. Each adds its subcommand to `app` and, when the verb
// runs, stores the process exit code (see docs/cli.md) in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace elva::cli {

// Documented exit codes, shared by every verb.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // the input was read and is wrong (errors found)
inline constexpr int kExitUsage = 2;     // bad arguments, or a file could not be read
inline constexpr int kExitDatabase = 3;  // the database cannot be reached or is not migrated

void add_validate(CLI::App& app, int& exit_code);
void add_inspect(CLI::App& app, int& exit_code);
void add_eval(CLI::App& app, int& exit_code);
// `elva eval '-(2 + 3)'`: an expression may start with '-', which CLI11 would take for an
// option. Rewrites `args` (argv, program first) so that eval's expression follows "--".
void protect_eval_expression(std::vector<std::string>& args);
void add_test(CLI::App& app, int& exit_code);
void add_db(CLI::App& app, int& exit_code);
void add_decide(CLI::App& app, int& exit_code);
void add_serve(CLI::App& app, int& exit_code);
void add_deploy(CLI::App& app, int& exit_code);
void add_instances(CLI::App& app, int& exit_code);
void add_events(CLI::App& app, int& exit_code);
void add_incidents(CLI::App& app, int& exit_code);
void add_users(CLI::App& app, int& exit_code);
void add_connectors(CLI::App& app, int& exit_code);
void add_calendar(CLI::App& app, int& exit_code);
void add_lottery(CLI::App& app, int& exit_code);
void add_demo(CLI::App& app, int& exit_code);
void add_migrate(CLI::App& app, int& exit_code);
// `elva diff`, `elva modify`, `elva job ...`, `elva variables ...` (docs/operations.md).
void add_operations(CLI::App& app, int& exit_code);
void add_stats(CLI::App& app, int& exit_code);
void add_network(CLI::App& app, int& exit_code);
void add_history(CLI::App& app, int& exit_code);
// `elva history cleanup`, `elva privacy report` (docs/privacy.md).
void add_privacy(CLI::App& app, int& exit_code);
// `elva package keygen|build|sign|verify|inspect` (docs/sharing.md#publishing-a-package).
void add_package(CLI::App& app, int& exit_code);

}  // namespace elva::cli
