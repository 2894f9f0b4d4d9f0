// DMN 1.1–1.3 decisions: decision tables (all hit policies) and literal-expression decisions,
// with decision requirements. Read from XML (read.cpp), checked (validate.cpp), evaluated over
// JSON variables with FEEL (evaluate.cpp). Immutable once read; safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "elva/diagnostic.hpp"
#include "elva/result.hpp"
#include "expr/feel.hpp"

namespace elva::dmn {

enum class HitPolicy { Unique, First, Priority, Any, Collect, RuleOrder, OutputOrder };
enum class Aggregation { None, Sum, Min, Max, Count };

using Compiled =
    std::shared_ptr<const expr::Expression>;  // null: did not compile (validate says why)

struct Input {
  std::string id, label, expression, type_ref;
  Compiled compiled;
  std::string input_values;  // unary tests restricting the input, or empty
  SourcePos pos;
};

struct Output {
  std::string id, name, label, type_ref;
  std::string output_values;               // e.g. "high","medium","low": also the priority order
  std::vector<nlohmann::json> priorities;  // output_values evaluated once, when read
  std::string default_value;               // FEEL expression for single-hit tables with no match
  Compiled default_compiled;
  SourcePos pos;
};

struct Rule {
  std::string id;
  std::vector<std::string> input_entries;   // unary tests ("-" for any)
  std::vector<std::string> output_entries;  // FEEL expressions
  std::string annotation;
  SourcePos pos;
  std::vector<SourcePos> input_pos, output_pos;
  std::vector<Compiled> input_tests, output_exprs;  // compiled once, when read
};

struct Decision {
  std::string id, name;
  SourcePos pos;
  std::vector<std::string> required;  // ids of required decisions
  bool table = true;                  // else a literal expression
  HitPolicy hit_policy = HitPolicy::Unique;
  Aggregation aggregation = Aggregation::None;
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  std::vector<Rule> rules;
  std::string literal;  // literal expression text
  Compiled literal_compiled;
  SourcePos literal_pos;
  std::string
      result_name;  // the literal expression's variable name (defaults to the decision name)
};

struct Model {
  std::string file, id, name, namespace_uri;
  std::vector<Decision> decisions;
  const Decision* find(const std::string& decision_id) const;
};

struct ReadResult {
  std::shared_ptr<const Model> model;  // null when the file is not a readable DMN document
  std::vector<Diagnostic> diagnostics;
};

// Never throws for bad input.
ReadResult read_dmn(const std::string& file, std::string bytes, std::size_t max_bytes = 16u << 20);

// References, FEEL syntax of every expression and unary test (file:line), requirement cycles,
// and overlapping UNIQUE rules that can be seen statically (equal literal entries on every input).
std::vector<Diagnostic> validate(const Model& model);

struct MatchedRule {
  std::size_t index = 0;  // 0-based position in the table
  std::string id, annotation;
  nlohmann::json outputs;  // {outputName: value}
};

struct DecisionResult {
  std::string decision;
  bool table = true;
  // The decision's value as FEEL sees it: single hit -> the output (value, or context for
  // several outputs); multiple hits -> a list; COLLECT with an aggregation -> a number.
  nlohmann::json value;
  // The matched rules' output contexts after the hit policy (Camunda's result list).
  std::vector<nlohmann::json> entries;
  std::vector<MatchedRule> matched;
  std::vector<std::size_t>
      rows_matching;  // every rule whose input entries all hold, before the hit policy
  // Results of required decisions, evaluated first (each decision once per evaluation: one that
  // several decisions require is listed in full the first time, then by decision and value).
  std::vector<DecisionResult> required;
  std::size_t tests_run =
      0;  // unary tests evaluated for this decision's table (linear in its rules)
};

// The work one evaluate() may do, over all its decisions' tests and expressions (FEEL steps,
// expr/feel.hpp): a table of 4,000 rules over simple inputs needs about 50,000.
inline constexpr std::uint64_t kMaxDecisionSteps = 10'000'000;

// Evaluates `decision_id` (its required decisions first, bound by name and by id). Only
// evaluates: every expression was compiled when the model was read, so callers keep the Model
// (read_dmn once per deployed file) and call this for each evaluation; thread-safe on a shared
// Model. Errors: NotFound (no such decision), ExpressionError (a UNIQUE table with several
// matches, naming them; ANY with differing outputs; a required decision failed; a FEEL limit was
// hit, naming it).
Result<DecisionResult> evaluate(const Model& model, const std::string& decision_id,
                                const nlohmann::json& variables, std::int64_t now_millis = 0);

// Maps a result as a business rule task asks (Camunda's mapDecisionResult): singleEntry,
// singleResult, collectEntries, resultList (default for tables: singleEntry when single hit with
// one output... see docs/dmn.md). Errors: ExpressionError when the result does not fit.
Result<nlohmann::json> map_result(const DecisionResult& result, const std::string& how);

// evaluate() then map_result(): what a business rule task gets. Mapping errors name the decision.
Result<nlohmann::json> evaluate_mapped(const Model& model, const std::string& decision_id,
                                       const nlohmann::json& variables, const std::string& how,
                                       std::int64_t now_millis);

}  // namespace elva::dmn
