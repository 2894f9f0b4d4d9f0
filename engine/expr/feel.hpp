// FEEL: compile an expression (or DMN unary tests) once, evaluate it many times over variables.
// Also accepts Zeebe's "=expr". Evaluation never throws: type errors give null, as FEEL says;
// every evaluation runs under limits (EvalOptions), whatever the variables hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "elva/result.hpp"
#include "expr/value.hpp"

namespace elva::calendar {
class Calendar;
}

namespace elva::expr {

struct Node;
class Budget;

// True when an attribute's text is an expression rather than a literal: "=expr" (FEEL, Zeebe
// style) or "${expr}" / "#{expr}" (JUEL). Conditions are always expressions; other attributes
// (assignee, mappings, timers) are literals unless they look like this.
bool looks_like_expression(std::string_view text);

// Variables visible to an expression, looked up by name; null when absent.
class Scope {
 public:
  virtual ~Scope() = default;
  virtual const Value* find(std::string_view name) const = 0;
};

// A scope over one FEEL context value (e.g. JSON variables converted once).
class ContextScope : public Scope {
 public:
  explicit ContextScope(const Value& context) : context_(context.context()) {}
  const Value* find(std::string_view name) const override;

 private:
  const Context* context_;
};

struct EvalOptions {
  // The clock behind now() and today(): injected, so evaluation is deterministic.
  std::function<std::int64_t()> now_millis = [] { return std::int64_t{0}; };
  // The working-day calendar behind add working days() and its kin (common/calendar.hpp); not
  // owned. Null: Monday to Friday, no holidays.
  const calendar::Calendar* calendar = nullptr;
  // Limits (docs/security.md#limits-on-hostile-data). Counted, not timed, so that the same
  // expression over the same variables always ends the same way. A step is one node of the
  // expression evaluated, one list item or context entry built or visited, or 64 bytes of text
  // built or scanned.
  std::uint64_t max_steps = 1'000'000;
  std::size_t max_string_bytes = 4u << 20;   // any one text built
  std::size_t max_result_bytes = 16u << 20;  // the result as JSON (shared parts counted each time)
  // When set, the evaluation charges this budget (and its max_steps and max_string_bytes)
  // instead of one of its own: DMN shares one across all the tests of a decision. Not owned.
  Budget* budget = nullptr;
};

// Fixed limits of the expression text (docs/security.md#limits-on-hostile-data).
inline constexpr std::size_t kMaxExpressionBytes = 256u << 10;
inline constexpr std::size_t kMaxNesting =
    64;  // brackets, parentheses, if/for/... inside each other
inline constexpr std::size_t kMaxTreeDepth =
    256;  // operators applied to each other (a + b + c + ...)

class Expression {
 public:
  // Errors: ExpressionError with "col" context (1-based) and a message naming what was expected.
  static Result<Expression> compile(std::string_view text);
  // The same as compile(), memoised: the runtime evaluates the same few expressions of a
  // definition over and over. Thread-safe; the cache is bounded (cleared when it grows past a
  // few thousand texts). Syntax errors are not cached.
  static Result<std::shared_ptr<const Expression>> compile_cached(std::string_view text);
  // DMN input entries: "-", "< 10", "[1..10)", "\"a\", \"b\"", "not(1, 2)", "? > 3".
  static Result<Expression> compile_unary_tests(std::string_view text);

  // The value, or an ExpressionError when a limit of `options` was hit (context "limit":
  // "max_steps", "max_string_bytes", "max_result_bytes", "max_depth"). Never throws.
  Result<Value> evaluate_checked(const Scope& scope, const EvalOptions& options = {}) const;
  // Unary tests: does `input` satisfy them? (null when undecidable; errors as above)
  Result<Value> test_checked(const Value& input, const Scope& scope,
                             const EvalOptions& options = {}) const;
  // As the checked forms, with null where they fail (callers that have no error path).
  Value evaluate(const Scope& scope, const EvalOptions& options = {}) const;
  Value test(const Value& input, const Scope& scope, const EvalOptions& options = {}) const;

  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::shared_ptr<const Node> root_;
};

}  // namespace elva::expr
