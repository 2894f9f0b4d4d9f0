// `elva users import FILE | list` and `elva users token USER`: who may log in to the task list
// and the REST API. Passwords are hashed (Argon2id) before they reach the database; a token is
// printed once and stored only as its hash. Exit 0 done, 1 bad file content, 2 usage, 3 database.
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"
#include "elva/connectors.hpp"

namespace elva::cli {

void add_users(CLI::App& app, int& exit_code) {
  auto* users = app.add_subcommand(
      "users",
      "Users of the task list and the REST API: import them, list them, make, list and revoke "
      "API tokens.");
  users->require_subcommand(1);

  struct ImportArgs : AdminArgs {
    std::string file, hr;
    bool from_hr = false;
  };
  auto ia = std::make_shared<ImportArgs>();
  auto* import = users->add_subcommand(
      "import",
      "Import users from a JSON file: [{\"id\", \"name\", \"email\", \"password\", \"roles\", "
      "\"groups\"}],\n"
      "or from the HR system (--from-hr: SCIM Users and Groups through the hr connector).\n"
      "Existing users are updated; a user without a password keeps the one they had. From HR,\n"
      "units become groups, inactive people are disabled, and existing users keep their roles.");
  import->add_option("file", ia->file, "The JSON file");
  import->add_flag("--from-hr", ia->from_hr,
                   "Read users and groups from the HR system instead of a file");
  import->add_option("--connector", ia->hr, "The hr connector to read from (default: hr)");
  add_admin_options(import, *ia);
  add_config_option(import, *ia);
  import->callback([ia, &exit_code] {
    if (ia->file.empty() == !ia->from_hr) {
      std::cerr << "elva users import: give a FILE or --from-hr (one of them)\n";
  exit_code = kExitUsage;
  return;
}
std::shared_ptr<connector::Connector> hr;
if (ia->from_hr) {
  auto config = connectors::load_config(ia->config);
  if (!config) {
    std::cerr << "elva users import: " << config.error().message << "\n";
    exit_code = kExitUsage;
    return;
  }
  const std::string name = ia->hr.empty() ? "hr" : ia->hr;
  hr = config->registry->find(name);
  if (!hr || hr->kind() != "hr") {
    std::cerr << "elva users import: there is no hr connector '" << name << "' in "
              << (config->file.empty() ? std::string("the configuration (give --config elva.toml)")
                                       : config->file)
              << "\n";
    exit_code = kExitUsage;
    return;
  }
  ia->registry = config->registry;
}
exit_code = run_admin(
    "users import", *ia, true,
    [&](Engine& e) -> Result<nlohmann::json> {
      if (!hr) {
        auto list = read_json_file(ia->file);
        if (!list) return fail(list.error());
        return e.import_users(*list);
      }
      return import_hr_users(e, *hr);
    },
    [&](const nlohmann::json& r) {
      std::cout << r["users"] << " users imported from "
                << (hr ? "the HR system (" + hr->name() + ")" : ia->file) << "\n";
    });
}  // namespace elva::cli
);

auto la = std::make_shared<AdminArgs>();
auto* list = users->add_subcommand("list", "List users with their roles and groups.");
add_admin_options(list, *la);
list->callback([la, &exit_code] {
  exit_code = run_admin(
      "users list", *la, true, [&](Engine& e) { return e.users(); },
      [](const nlohmann::json& r) {
        for (const auto& u : r) {
          std::cout << u["id"].get<std::string>() << "  " << u["name"].get<std::string>()
                    << "  roles " << u["roles"].dump() << "  groups " << u["groups"].dump()
                    << (u["disabled"].get<bool>() ? "  (disabled)" : "") << "\n";
        }
      });
});

struct TokenArgs : AdminArgs {
  std::string user, name = "api", ttl;
};
auto ta = std::make_shared<TokenArgs>();
auto* token = users->add_subcommand(
    "token",
    "Make an API token for a user (a system with the worker role, say). It is shown once.");
token->add_option("user", ta->user, "The user the token acts as")->required();
token->add_option("--name", ta->name, "What the token is for")->capture_default_str();
token->add_option("--ttl", ta->ttl,
                  "How long it lasts (ISO 8601 duration such as P90D; default: until revoked)");
add_admin_options(token, *ta);
token->callback([ta, &exit_code] {
  exit_code = run_admin(
      "users token", *ta, true,
      [&](Engine& e) -> Result<nlohmann::json> {
        std::int64_t ms = 0;
        if (!ta->ttl.empty()) {
          // P90D etc.: days, hours, minutes, seconds.
          std::int64_t n = 0;
          char unit = ta->ttl.back();
          try {
            n = std::stoll(ta->ttl.substr(ta->ttl.find_first_of("0123456789")));
          } catch (...) {
            return fail(Errc::InvalidArgument,
                        "--ttl '" + ta->ttl + "' is not a duration such as P90D or PT12H");
          }
          // Zero is no lifetime (it would read as "until revoked"); beyond 1000 years is a typo.
          constexpr std::int64_t kMaxMs = 1000LL * 366 * 86'400'000;
          if (n <= 0 || n > kMaxMs / 1000) {
            return fail(Errc::InvalidArgument,
                        "--ttl '" + ta->ttl + "' must be longer than zero and at most 1000 years");
          }
          const bool time = ta->ttl.find('T') != std::string::npos;
          if (unit == 'D' && !time)
            ms = n * 86'400'000;
          else if (unit == 'H' && time)
            ms = n * 3'600'000;
          else if (unit == 'M' && time)
            ms = n * 60'000;
          else if (unit == 'S' && time)
            ms = n * 1000;
          else
            return fail(Errc::InvalidArgument,
                        "--ttl '" + ta->ttl + "' is not a duration such as P90D or PT12H");
          if (ms > kMaxMs)
            return fail(Errc::InvalidArgument,
                        "--ttl '" + ta->ttl + "' must be at most 1000 years");
        }
        return e.create_token(ta->user, ta->name, ms);
      },
      [](const nlohmann::json& r) {
        std::cout << r["token"].get<std::string>() << "\n";
        std::cerr << "This token acts as " << r["user"].get<std::string>()
                  << "; keep it secret, it is not shown again.\n";
      });
});

struct ListTokenArgs : AdminArgs {
  std::string user;
};
auto lt = std::make_shared<ListTokenArgs>();
auto* tokens = users->add_subcommand(
    "tokens",
    "List API tokens and sessions (of USER, else everyone's): id, user, kind, name, expiry.\n"
    "The tokens themselves are never shown; `elva users revoke ID` ends one.");
tokens->add_option("user", lt->user, "Only this user's");
add_admin_options(tokens, *lt);
tokens->callback([lt, &exit_code] {
  exit_code = run_admin(
      "users tokens", *lt, true, [&](Engine& e) { return e.tokens(lt->user); },
      [](const nlohmann::json& r) {
        if (r.empty()) std::cout << "No tokens.\n";
        for (const auto& t : r) {
          std::cout << t["id"].get<std::string>() << "  " << t["user"].get<std::string>() << "  "
                    << t["kind"].get<std::string>() << "  " << t["name"].get<std::string>()
                    << "  created " << t["createdAt"].get<std::string>() << "  "
                    << (t["expiresAt"].is_null()
                            ? std::string("until revoked")
                            : (t["expired"].get<bool>() ? "expired " : "expires ") +
                                  t["expiresAt"].get<std::string>())
                    << "\n";
        }
      });
});

struct RevokeArgs : AdminArgs {
  std::string id;
};
auto rv = std::make_shared<RevokeArgs>();
auto* revoke = users->add_subcommand(
    "revoke", "End an API token or a session at once (its next request is refused).");
revoke->add_option("id", rv->id, "The token's id, as `elva users tokens` shows it")->required();
add_admin_options(revoke, *rv);
revoke->callback([rv, &exit_code] {
  exit_code = run_admin(
      "users revoke", *rv, true,
      [&](Engine& e) -> Result<nlohmann::json> {
        if (auto r = e.revoke_token(rv->id); !r) return fail(r.error());
        return nlohmann::json{{"revoked", rv->id}};
      },
      [&](const nlohmann::json&) { std::cout << "Token " << rv->id << " revoked.\n"; });
});
}

}  // namespace elva::cli
