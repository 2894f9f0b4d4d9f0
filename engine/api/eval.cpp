// elva/eval.hpp over engine/expr.
#include "elva/eval.hpp"

#include <nlohmann/json.hpp>

#include "common/calendar.hpp"
#include "expr/feel.hpp"

namespace elva {

Result<nlohmann::json> evaluate_expression(const EvalRequest& request) {
  auto compiled = expr::Expression::compile(request.expression);
  if (!compiled) return fail(compiled.error());
  expr::Value vars = expr::Value(expr::Context{});
  if (request.variables && !request.variables->is_null()) {
    if (!request.variables->is_object()) {
      return fail(Errc::InvalidArgument, "variables must be a JSON object, like {\"amount\": 5}");
    }
    vars = expr::Value::from_json(*request.variables);
  }
  expr::ContextScope scope(vars);
  expr::EvalOptions options;
  const std::int64_t now = request.now_millis;
  options.now_millis = [now] { return now; };
  std::optional<calendar::Calendar> cal;
  if (!request.calendar.empty()) {
    cal = calendar::Calendar::named(request.calendar);
    if (!cal)
      return fail(Errc::InvalidArgument,
                  "calendar '" + std::string(request.calendar) +
                      "' is unknown; known: " + calendar::Calendar::known_names());
    options.calendar = &*cal;
  }
  // A FEEL limit hit (steps, text size, result size, nesting) is an ExpressionError with
  // context "limit" instead of a value.
  auto value = compiled->evaluate_checked(scope, options);
  if (!value) return fail(value.error());
  return value->to_json();
}

}  // namespace elva
