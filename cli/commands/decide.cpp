// `elva decide FILE DECISION [--vars JSON]`: evaluate a DMN decision and show which rules
// matched. Exit 0 evaluated, 1 the decision failed (e.g. UNIQUE violated) or the file has
// errors, 2 usage (bad --vars, unreadable file, unknown decision).
#include "elva/decide.hpp"

#include <chrono>
#include <iostream>

#include "commands/admin.hpp"
#include "commands/commands.hpp"

namespace elva::cli {
namespace {

void print(const nlohmann::json& r, const std::string& indent) {
  for (const auto& q : r["required"]) print(q, indent + "  ");
  std::cout << indent << r["decision"].get<std::string>() << " = " << r["value"].dump() << "\n";
  if (r["kind"] == "decisionTable" && r["matched"].empty())
    std::cout << indent << "  no rule matched\n";
  for (const auto& m : r["matched"]) {
    std::cout << indent << "  row " << m["row"]
              << (m["rule"].get<std::string>().empty() ? ""
                                                       : " (" + m["rule"].get<std::string>() + ")")
              << ": " << m["outputs"].dump();
    if (!m["annotation"].get<std::string>().empty())
      std::cout << "  // " << m["annotation"].get<std::string>();
    std::cout << "\n";
  }
}

}  // namespace

void add_decide(CLI::App& app, int& exit_code) {
  struct Args {
    std::string file, decision, vars = "{}", format = "text";
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "decide",
      "Evaluate a DMN decision (decision table or literal expression, with the decisions it\n"
      "requires) and show which rules matched:\n"
      "  elva decide deviations.dmn severity --vars '{\"kind\": \"safety\", \"injured\": true}'\n"
      "Exit codes: 0 evaluated, 1 the decision failed (e.g. UNIQUE violated), 2 usage error.");
  cmd->add_option("file", a->file, "A .dmn file")->required();
  cmd->add_option("decision", a->decision, "Decision id")->required();
  cmd->add_option("--vars", a->vars, "Variables as a JSON object");
  cmd->add_option("--format", a->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([a, &exit_code] {
    auto vars = parse_vars("decide", a->vars);
    if (!vars) {
      exit_code = kExitUsage;
      return;
    }
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto r = decide(a->file, a->decision, *vars, now);
    if (!r) {
      std::cerr << "elva decide: " << r.error().message << "\n";
      exit_code = r.error().code == Errc::NotFound ? kExitUsage : kExitFindings;
      return;
    }
    if (a->format == "json")
      std::cout << r->dump(2) << "\n";
    else
      print(*r, "");
    exit_code = kExitOk;
  });
}

}  // namespace elva::cli
