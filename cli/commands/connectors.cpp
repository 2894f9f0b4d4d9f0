// `elva connectors [--config elva.toml]`: what service tasks can call here: each configured
// connector with its kind, settings (secrets shown only as where they come from) and each
// operation's inputs and outputs. Needs no database. Exit 0, 2 when the configuration is wrong.
#include "elva/connectors.hpp"

#include <iostream>

#include "commands/commands.hpp"

namespace elva::cli {

void add_connectors(CLI::App& app, int& exit_code) {
  struct Args {
    std::string config, format = "text";
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "connectors",
      "List the connectors service tasks can call (elva:connector=\"NAME.OPERATION\"),\n"
      "with each operation's inputs (* required) and outputs. Checks elva.toml on the way.\n"
      "Exit codes: 0 fine, 2 the configuration has an error.");
  cmd->add_option("--config", a->config,
                  "Connector configuration (elva.toml, docs/connectors.md; default: $ELVA_CONFIG)");
  cmd->add_option("--format", a->format, "Output: text for people, json for scripts")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([a, &exit_code] {
    auto config = connectors::load_config(a->config);
    if (!config) {
      std::cerr << "elva connectors: " << config.error().message << "\n";
      exit_code = kExitUsage;
      return;
    }
    auto doc = config->registry->to_json();
    doc["file"] = config->file;
    doc["eservice"] = config->eservice;
    if (a->format == "json") {
      std::cout << doc.dump(2) << "\n";
      return;
    }
    std::cout << (config->file.empty()
                      ? std::string("no configuration file (built-in connectors only)")
                      : "from " + config->file)
              << "\n";
    for (const auto& c : doc["connectors"]) {
      std::cout << "\n"
                << c["name"].get<std::string>() << " (" << c["kind"].get<std::string>() << ")";
      if (!c["settings"].empty()) {
        std::string settings;
        for (const auto& [k, v] : c["settings"].items()) {
          if (k == "kind" || v.is_object()) continue;
          settings += (settings.empty() ? "" : ", ") + k + " = " +
                      (v.is_string() ? v.get<std::string>() : v.dump());
        }
        if (!settings.empty()) std::cout << "  " << settings;
      }
      std::cout << "\n";
      for (const auto& op : c["operations"]) {
        std::string in, out;
        for (const auto& f : op["inputs"])
          in += (in.empty() ? "" : ", ") + f["name"].get<std::string>() +
                (f["required"].get<bool>() ? "*" : "");
        for (const auto& f : op["outputs"])
          out += (out.empty() ? "" : ", ") + f["name"].get<std::string>();
        std::cout << "  " << c["name"].get<std::string>() << "." << op["name"].get<std::string>()
                  << "  " << op["description"].get<std::string>()
                  << "\n      in: " << (in.empty() ? "-" : in)
                  << "\n      out: " << (out.empty() ? "-" : out) << "\n";
      }
    }
    for (const auto& [form, spec] : config->eservice.items()) {
      std::cout << "\ne-service form " << form << " -> " << spec.dump() << "\n";
    }
  });
}

}  // namespace elva::cli
