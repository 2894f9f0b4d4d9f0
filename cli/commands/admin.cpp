// Admin verb plumbing (admin.hpp).
#include "commands/admin.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "commands/commands.hpp"
#include "elva/connectors.hpp"
#include "elva/json_limits.hpp"
#include "output.hpp"

namespace elva::cli {

Result<nlohmann::json> read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::InvalidArgument, path + ": cannot be read");
  const JsonLimits limits;
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limits.max_bytes) break;  // parse_json says which limit
  }
  return parse_json(text, limits, path);
}

void add_admin_options(CLI::App* cmd, AdminArgs& args) {
  cmd->add_option("--db", args.db,
                  "PostgreSQL URL (default: $ELVA_DATABASE_URL, else Elva's own embedded database "
                  "under $ELVA_HOME)");
  cmd->add_option("--format", args.format, "Output: text for people, json for scripts")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

std::optional<nlohmann::json> parse_vars(const std::string& verb, const std::string& text) {
  auto vars = parse_json(text, JsonLimits{}, "--vars");
  if (!vars || !vars->is_object()) {
    std::cerr << "elva " << verb
              << ": --vars must be a JSON object, like --vars '{\"employee\": \"E-17\"}'"
              << (vars ? "" : " (" + vars.error().message + ")") << "\n";
    return std::nullopt;
  }
  return std::move(*vars);
}

int exit_code_for(const Error& error) {
  switch (error.code) {
    case Errc::StoreUnavailable:
      return kExitDatabase;
    case Errc::InvalidArgument:
      return error.message.find("elva db migrate") != std::string::npos ||
                     error.message.find("upgrade Elva") != std::string::npos
                 ? kExitDatabase
                 : kExitFindings;
    default:
      return kExitFindings;
  }
}

void add_config_option(CLI::App* cmd, AdminArgs& args) {
  args.uses_config = true;
  cmd->add_option("--config", args.config,
                  "Connector configuration (elva.toml, docs/connectors.md; default: $ELVA_CONFIG)");
}

Result<nlohmann::json> import_hr_users(Engine& e, connector::Connector& hr) {
  auto people = connectors::read_hr_users(hr);
  if (!people) return fail(people.error());
  auto known = e.users();
  if (!known) return fail(known.error());
  std::map<std::string, nlohmann::json> existing;
  for (const auto& u : *known) existing[u["id"].get<std::string>()] = u;
  for (auto& p : *people) {
    if (auto it = existing.find(p["id"].get<std::string>()); it != existing.end()) {
      p["roles"] = it->second["roles"];
      if (it->second.contains("locale")) p["locale"] = it->second["locale"];
    }
  }
  return e.import_users(*people);
}

int run_admin(const std::string& verb, const AdminArgs& args, bool require_schema,
              const std::function<Result<nlohmann::json>(Engine&)>& body,
              const std::function<void(const nlohmann::json&)>& text) {
  EngineOptions options;
  options.database_url = args.db;
  options.require_schema = require_schema;
  const char* user = std::getenv("USER");
  const passwd* pw = getpwuid(geteuid());
  options.actor = std::string("cli:") + (!args.actor.empty() ? args.actor
                                         : user && *user     ? user
                                         : pw                ? pw->pw_name
                                                             : "unknown");
  options.connectors = args.registry;
  options.limits = args.limits;
  nlohmann::json calendar = args.calendar;
  if (args.uses_config && !args.registry) {
    auto config = connectors::load_config(args.config);
    if (!config) {
      std::cerr << "elva " << verb << ": " << config.error().message << "\n";
      return kExitUsage;
    }
    options.connectors = config->registry;
    calendar = config->calendar;
  } else if (!args.registry) {  // steps count working days on the configured calendar too
    auto section = connectors::load_calendar(args.config);
    if (!section) {
      std::cerr << "elva " << verb << ": " << section.error().message << "\n";
      return kExitUsage;
    }
    calendar = *section;
  }
  auto cal = calendar_options(calendar, "");
  if (!cal) {
    std::cerr << "elva " << verb << ": " << cal.error().message << "\n";
    return kExitUsage;
  }
  options.calendar = *cal;
  auto engine = Engine::open(options);
  if (!engine) {
    std::cerr << "elva " << verb << ": " << engine.error().message << "\n";
    return exit_code_for(engine.error());
  }
  auto result = body(**engine);
  if (!result) {
    std::cerr << "elva " << verb << ": " << result.error().message << "\n";
    return exit_code_for(result.error());
  }
  if (args.format == "json")
    std::cout << result->dump(2) << "\n";
  else
    text(*result);
  return kExitOk;
}

Result<CalendarOptions> calendar_options(const nlohmann::json& section, const std::string& tenant) {
  CalendarOptions out;
  if (section.is_null()) return out;
  auto read = [&out](const nlohmann::json& s, const std::string& where) -> Result<void> {
    if (!s.is_object())
      return fail(Errc::InvalidArgument, "elva.toml " + where + " must be a table");
    for (const auto& [key, value] : s.items()) {
      if (key == "rules" && value.is_string()) {
        out.rules = value.get<std::string>();
      } else if (key == "days_off" && value.is_array()) {
        out.days_off.clear();
        for (const auto& d : value) {
          if (!d.is_string())
            return fail(Errc::InvalidArgument,
                        "elva.toml " + where + " days_off: give dates as \"2026-12-23\"");
          out.days_off.push_back(d.get<std::string>());
        }
      } else if (key != "tenant" || where != "[calendar]") {
        return fail(Errc::InvalidArgument, "elva.toml " + where + ": '" + key +
                                               "' is not a setting here; give rules = \"SE\" | "
                                               "\"NO\" | \"weekdays\" and days_off = [dates]");
      }
    }
    return {};
  };
  if (auto r = read(section, "[calendar]"); !r) return fail(r.error());
  const auto tenants = section.value("tenant", nlohmann::json::object());
  if (!tenant.empty() && tenants.is_object() && tenants.contains(tenant)) {
    if (auto r = read(tenants[tenant], "[calendar.tenant." + tenant + "]"); !r)
      return fail(r.error());
  }
  return out;
}

void add_limit_options(CLI::App* cmd, AdminArgs& args) {
  cmd->add_option("--max-steps", args.limits.max_steps,
                  "Activations and completions one command may cause; past it the tokens stop with "
                  "an incident\n"
                  "(a loop without a wait state)")
      ->capture_default_str();
  cmd->add_option("--max-loop-items", args.limits.max_loop_items,
                  "Items one multi-instance activity may have (more: an incident)")
      ->capture_default_str();
  cmd->add_option("--min-timer-cycle", args.limits.min_timer_cycle_ms,
                  "Milliseconds: the shortest interval a timer cycle may repeat at (shorter ones, "
                  "R/PT0S, are refused)")
      ->capture_default_str();
}

}  // namespace elva::cli
