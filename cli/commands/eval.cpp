// `elva eval EXPRESSION [--vars JSON]` (or `elva eval [options] -- EXPRESSION`): evaluate one
// FEEL expression and print the result as JSON. Exit 0 evaluated, 1 syntax error (with its
// position) or a limit of the evaluation hit, 2 usage error or bad --vars.
#include "elva/eval.hpp"

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "elva/json_limits.hpp"

namespace elva::cli {
namespace {

struct EvalArgs {
  std::string expression;
  std::string vars = "{}";
  std::string now;
  std::string calendar;
};

int run(const EvalArgs& args) {
  auto parsed = parse_json(args.vars, JsonLimits{}, "--vars");
  if (!parsed || !parsed->is_object()) {
    std::cerr << "elva eval: --vars must be a JSON object, like --vars '{\"amount\": 5}'"
              << (parsed ? "" : " (" + parsed.error().message + ")") << "\n";
    return kExitUsage;
  }
  const nlohmann::json vars = std::move(*parsed);
  EvalRequest request{args.expression, &vars, 0, args.calendar};
  if (!args.now.empty()) {
    auto now = evaluate_expression({"date and time(\"" + args.now + "\")", nullptr, 0});
    if (!now || !now->is_string()) {
      std::cerr << "elva eval: --now must be an ISO 8601 date-time such as 2026-11-22T09:00:00Z\n";
      return kExitUsage;
    }
    // Milliseconds since the epoch, via the same parser the engine uses.
    auto secs = evaluate_expression(
        {"(date and time(\"" + args.now +
             "\") - date and time(\"1970-01-01T00:00:00Z\")) / duration(\"PT0.001S\")",
         nullptr, 0});
    request.now_millis = secs && secs->is_number() ? secs->get<std::int64_t>() : 0;
  } else {
    request.now_millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  }
  auto result = evaluate_expression(request);
  if (!result) {
    const Error& err = result.error();
    std::string col, limit;
    for (const auto& [k, v] : err.context) {
      if (k == "col") col = v;
      if (k == "limit") limit = v;
    }
    if (err.code == Errc::InvalidArgument) {  // --calendar
      std::cerr << "elva eval: " << err.message << "\n";
      return kExitUsage;
    }
    if (!limit.empty()) {  // a limit of the evaluation, not of the text
      std::cerr << "elva eval: the evaluation stopped: " << err.message << "\n";
      return kExitFindings;
    }
    std::cerr << "elva eval: syntax error";
    if (!col.empty()) std::cerr << " at column " << col;
    std::cerr << ": " << err.message << "\n  " << args.expression << "\n";
    if (!col.empty()) std::cerr << "  " << std::string(std::stoul(col) - 1, ' ') << "^\n";
    return kExitFindings;
  }
  std::cout << result->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return kExitOk;
}

}  // namespace

void protect_eval_expression(std::vector<std::string>& args) {
  if (args.size() < 3 || args[1] != "eval") return;
  std::vector<std::string> options, words;
  bool after_dashes = false;
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (after_dashes) {
      words.push_back(a);
    } else if (a == "--") {
      after_dashes = true;
    } else if (a == "--vars" || a == "--now" || a == "--calendar") {
      options.push_back(a);
      if (i + 1 < args.size()) options.push_back(args[++i]);
    } else if (a == "-h" || a.rfind("--", 0) == 0) {  // --help, --vars=..., unknown ones
      options.push_back(a);
    } else {
      words.push_back(a);  // the expression, even when it starts with '-'
    }
  }
  std::vector<std::string> out{args[0], args[1]};
  out.insert(out.end(), options.begin(), options.end());
  if (!words.empty()) out.push_back("--");
  out.insert(out.end(), words.begin(), words.end());
  args = std::move(out);
}

void add_eval(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand(
      "eval",
      "Evaluate one FEEL expression and print the result as JSON (dates, times and durations\n"
      "as ISO 8601 strings). Try a gateway condition before you deploy:\n"
      "  elva eval 'amount > 1000 and department = \"HR\"' --vars '{\"amount\": 1500, "
      "\"department\": \"HR\"}'\n"
      "An expression that starts with '-' is read as the expression ('-(2 + 3)'); so is\n"
      "everything after '--': elva eval --vars '{\"x\": 1}' -- -x\n"
      "Exit codes: 0 evaluated, 1 syntax error (its column is shown), 2 usage error or bad "
      "--vars.");
  cmd->add_option("expression", args->expression, "A FEEL expression (a leading '=' is accepted)")
      ->required();
  cmd->add_option("--vars", args->vars, "Variables as a JSON object")->capture_default_str();
  cmd->add_option("--now", args->now,
                  "What now() returns, as an ISO 8601 date-time (default: the clock)");
  cmd->add_option("--calendar", args->calendar,
                  "The working-day calendar of add working days() and its kin: SE, NO or weekdays\n"
                  "(default weekdays; docs/calendar.md)");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace elva::cli
