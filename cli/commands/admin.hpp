// Shared by the verbs that talk to the durable engine: --db and --format options, opening the
// engine, printing results as text or JSON, and mapping errors to exit codes (docs/cli.md).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "elva/engine.hpp"

namespace elva::cli {

struct AdminArgs {
  std::string db;               // --db URL
  std::string format = "text";  // --format text|json
  std::string config;           // --config elva.toml (verbs that use connectors)
  std::string actor;            // --actor NAME: who, in history (default: the OS user)
  bool uses_config = false;     // set by add_config_option: load the connectors before opening
  std::shared_ptr<const connector::Registry> registry;  // already loaded (serve): used as is
  Limits limits;            // --max-steps, --max-loop-items, --min-timer-cycle (serve)
  nlohmann::json calendar;  // [calendar] of elva.toml when `registry` was loaded with it (serve)
};

// The working-day calendar for `tenant` ("" = the default database) from elva.toml's [calendar]
// section (docs/calendar.md). Errors: InvalidArgument naming the setting.
Result<CalendarOptions> calendar_options(const nlohmann::json& section, const std::string& tenant);

// Adds --max-steps, --max-loop-items and --min-timer-cycle (docs/security.md#limits).
void add_limit_options(CLI::App* cmd, AdminArgs& args);

// Adds --config (elva.toml: connectors, e-service forms, task prompts; default $ELVA_CONFIG).
void add_config_option(CLI::App* cmd, AdminArgs& args);

// Adds --db and --format to a verb.
void add_admin_options(CLI::App* cmd, AdminArgs& args);

// Parses --vars; prints the problem and returns nullopt when it is not a JSON object.
std::optional<nlohmann::json> parse_vars(const std::string& verb, const std::string& text);

// Reads a JSON file. Errors: InvalidArgument naming the file (cannot be read, not JSON).
Result<nlohmann::json> read_json_file(const std::string& path);

// Opens the engine (printing why not) and runs `body`; a failed body is printed with the verb's
// name. `text` prints a successful result for people; with --format json the JSON is printed.
int run_admin(const std::string& verb, const AdminArgs& args, bool require_schema,
              const std::function<Result<nlohmann::json>(Engine&)>& body,
              const std::function<void(const nlohmann::json&)>& text);

// Users and units from an hr connector (SCIM): existing users keep their roles, locale and
// password. Returns Engine::import_users' answer.
Result<nlohmann::json> import_hr_users(Engine& engine, connector::Connector& hr);

// The exit code for an engine error.
int exit_code_for(const Error& error);

}  // namespace elva::cli
