// Elva's connectors and their configuration file (elva.toml, docs/connectors.md). The CLI loads
// the file once and hands the registry to the engine (deploy checks, the scheduler) and the
// server (e-service intake, task prompts by mail).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/connector.hpp"
#include "elva/result.hpp"

namespace elva::connectors {

struct Config {
  std::string file;  // where it was read from; "" when no file was given (built-ins only)
  std::shared_ptr<connector::Registry> registry;
  // [eservice.<form>] sections: {"<form>": {"process", "message", "receipt_prefix", ...}}
  nlohmann::json eservice = nlohmann::json::object();
  // [notifications]: {"connector", "tasklist_url", ...}; empty: no task prompts by mail
  nlohmann::json notifications = nlohmann::json::object();
  // [calendar]: {"rules", "days_off", "tenant": {"<name>": {"rules", "days_off"}}}
  nlohmann::json calendar = nlohmann::json::object();
  // [oidc]: single sign-on ({"issuer", "audience", ..., "tenant": {"<name>": {...}}}), secrets
  // resolved; empty: local users only (docs/operations.md#sso)
  nlohmann::json oidc = nlohmann::json::object();
};

// Reads `path` ("" = $ELVA_CONFIG, else no file). Always includes the built-in connectors
// "elva" and "http" (unless the file configures "http" itself). Errors: InvalidArgument naming
// the file, the section and the setting (unknown kind, a secret written in the file, an
// environment variable that is not set, a plugin that does not load, ...).
Result<Config> load_config(const std::string& path);
// Only the [calendar] section of the same file (an empty object when there is none): for verbs
// that run steps but call no connector. Errors: the file cannot be read or is not TOML.
Result<nlohmann::json> load_calendar(const std::string& path);
// Any TOML file people write beside their processes (elva-binding.toml, elva-package.toml, the
// trust file of publishers' keys) as JSON: tables are objects, dates and times texts as TOML
// writes them ("2027-12-31"). Errors: InvalidArgument "PATH: cannot be read" or
// "PATH:LINE:COLUMN: what is wrong".
Result<nlohmann::json> read_toml_file(const std::string& path);

// Elva users from an hr connector's SCIM Users and Groups, in the shape Engine::import_users
// takes (id = userName, name, email, groups = unit names, disabled = !active; no passwords,
// roles "employee"). Errors: InvalidArgument (not an hr connector), ConnectorFailed (what the
// SCIM server did).
Result<nlohmann::json> read_hr_users(connector::Connector& hr);

// The fair draw of the lottery connector: applicants (ids, or objects with an id) ranked by
// SHA-256("<seed>:<id>"), lowest first; the first `positions` win. {"ranking", "winners",
// "waitingList", "tickets", "seedHash", "method"}. Errors: an applicant without an id or twice.
Result<nlohmann::json> lottery_draw(const std::string& seed, const nlohmann::json& applicants,
                                    int positions);

// Reads a secret: {"env": "NAME"} or {"file": "/path"}. Errors name the variable or file.
Result<std::string> read_secret(const nlohmann::json& ref);

}  // namespace elva::connectors
