// Decision evaluation: inputs evaluated once per table, each rule's unary tests against them
// (compiled when read: one pass over the rules), the hit policy over the matches, outputs
// evaluated for the chosen rules. One FEEL budget for the whole evaluation.
#include <algorithm>
#include <map>
#include <set>

#include "dmn/dmn.hpp"
#include "expr/budget.hpp"
#include "expr/builtins.hpp"

namespace elva::dmn {
namespace {

using expr::Value;
using nlohmann::json;

// Why a text did not compile (it was compiled when read; validate reports it with its line).
Error compile_error(const std::string& text, bool unary, const std::string& where) {
  auto e = unary ? expr::Expression::compile_unary_tests(text.empty() ? "-" : text)
                 : expr::Expression::compile(text.empty() ? "null" : text);
  return Error{
      Errc::ExpressionError,
      where + ": cannot read '" + text + "': " + (e ? std::string("?") : e.error().message),
      {}};
}

std::string rule_name(const Decision& d, std::size_t i) {
  const auto& r = d.rules[i];
  return (r.id.empty() ? "rule " + std::to_string(i + 1) : r.id) + " (row " +
         std::to_string(i + 1) + ")";
}

// JSON has no dates: a string input whose typeRef is temporal is read as that type.
Value typed(const std::string& type_ref, Value v) {
  const auto* text = v.get<std::string>();
  if (!text) return v;
  if (type_ref == "date") return expr::date_from_string(*text);
  if (type_ref == "dateTime" || type_ref == "date and time")
    return expr::date_time_from_string(*text);
  if (type_ref == "time") {
    auto t = expr::time_from_string(*text);
    return t ? Value(*t) : Value();
  }
  if (type_ref == "dayTimeDuration" || type_ref == "yearMonthDuration" || type_ref == "duration" ||
      type_ref == "days and time duration" || type_ref == "years and months duration") {
    return expr::duration_from_string(*text);
  }
  return v;
}

class Evaluator {
 public:
  Evaluator(const Model& m, std::int64_t now)
      : model_(m), budget_(kMaxDecisionSteps, options_.max_string_bytes) {
    options_.now_millis = [now] { return now; };
    options_.budget = &budget_;
  }

  Result<DecisionResult> run(const std::string& id, const json& variables, int depth) {
    const Decision* d = model_.find(id);
    if (!d) return fail(Errc::NotFound, "no decision '" + id + "' in " + model_.file);
    if (depth > 64 || active_.count(id))
      return fail(Errc::ExpressionError, "decision requirements loop at '" + id + "'");
    active_.insert(id);
    DecisionResult out;
    out.decision = id;
    json vars = variables;
    for (const auto& req : d->required) {
      auto r = required(req, variables, depth);
      if (!r)
        return fail(Errc::ExpressionError, "required decision '" + req + "': " + r.error().message);
      const Decision* rd = model_.find(req);
      vars[rd->name.empty() ? rd->id : rd->name] = r->value;
      vars[rd->id] = r->value;
      out.required.push_back(std::move(*r));
    }
    active_.erase(id);
    const Value scope_value = Value::from_json(vars);
    expr::ContextScope scope(scope_value);
    out.table = d->table;
    if (!d->table) {
      if (!d->literal_compiled)
        return fail(compile_error(d->literal, false, "decision '" + id + "'"));
      auto v = d->literal_compiled->evaluate_checked(scope, options_);
      if (!v) return fail(limit_error(*d, v.error()));
      out.value = v->to_json();
      out.entries.push_back(json{{d->result_name, out.value}});
      return out;
    }
    if (auto r = table(*d, scope, out); !r) return fail(r.error());
    return out;
  }

 private:
  // A required decision, evaluated once per evaluation however many decisions require it (a
  // diamond of requirements must not be evaluated exponentially often).
  Result<DecisionResult> required(const std::string& id, const json& variables, int depth) {
    if (auto it = done_.find(id); it != done_.end()) {
      DecisionResult again;  // in full the first time only, so that results stay linear in size
      again.decision = it->second.decision;
      again.table = it->second.table;
      again.value = it->second.value;
      again.entries = it->second.entries;
      return again;
    }
    auto r = run(id, variables, depth + 1);
    if (r) done_.emplace(id, *r);
    return r;
  }

  static Error limit_error(const Decision& d, const Error& e) {
    Error out{Errc::ExpressionError, "decision '" + d.id + "': " + e.message, e.context};
    return out;
  }

  // Evaluates one compiled expression of the table; a FEEL limit becomes the decision's error.
  Result<Value> value_of(const Decision& d, const expr::Expression& e, const expr::Scope& scope) {
    auto v = e.evaluate_checked(scope, options_);
    if (!v) return fail(limit_error(d, v.error()));
    return v;
  }
  Result<void> table(const Decision& d, const expr::Scope& scope, DecisionResult& out) {
    std::vector<Value> inputs;
    for (const auto& in : d.inputs) {
      if (!in.compiled)
        return fail(compile_error(in.expression, false,
                                  "input '" + (in.label.empty() ? in.expression : in.label) + "'"));
      auto v = value_of(d, *in.compiled, scope);
      if (!v) return fail(v.error());
      inputs.push_back(typed(in.type_ref, std::move(*v)));
    }
    std::vector<std::size_t> hits;
    for (std::size_t r = 0; r < d.rules.size(); ++r) {
      bool all = true;
      for (std::size_t i = 0; i < inputs.size() && all && i < d.rules[r].input_entries.size();
           ++i) {
        const auto& t = d.rules[r].input_tests[i];
        if (!t)
          return fail(compile_error(d.rules[r].input_entries[i], true,
                                    rule_name(d, r) + ", input " + std::to_string(i + 1)));
        ++out.tests_run;
        auto v = t->test_checked(inputs[i], scope, options_);
        if (!v) return fail(limit_error(d, v.error()));
        all = v->get<bool>() && *v->get<bool>();
      }
      if (all) hits.push_back(r);
    }
    out.rows_matching = hits;
    // Outputs of the matched rules.
    std::vector<json> rows;
    for (auto r : hits) {
      json row = json::object();
      for (std::size_t o = 0; o < d.outputs.size() && o < d.rules[r].output_entries.size(); ++o) {
        const auto& e = d.rules[r].output_exprs[o];
        if (!e)
          return fail(compile_error(d.rules[r].output_entries[o], false,
                                    rule_name(d, r) + ", output " + d.outputs[o].name));
        auto v = value_of(d, *e, scope);
        if (!v) return fail(v.error());
        row[d.outputs[o].name] = v->to_json();
      }
      rows.push_back(std::move(row));
    }
    std::vector<std::size_t> order(hits.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    switch (d.hit_policy) {
      case HitPolicy::Unique:
        if (hits.size() > 1) {
          std::string names;
          for (auto r : hits) names += (names.empty() ? "" : ", ") + rule_name(d, r);
          return fail(Errc::ExpressionError, "decision '" + d.id + "' has hit policy UNIQUE, but " +
                                                 std::to_string(hits.size()) +
                                                 " rules matched: " + names);
        }
        break;
      case HitPolicy::Any:
        for (std::size_t i = 1; i < rows.size(); ++i) {
          if (rows[i] != rows[0]) {
            return fail(Errc::ExpressionError,
                        "decision '" + d.id + "' has hit policy ANY, but " + rule_name(d, hits[0]) +
                            " and " + rule_name(d, hits[i]) + " give different outputs");
          }
        }
        if (order.size() > 1) order.resize(1);
        break;
      case HitPolicy::First:
        if (order.size() > 1) order.resize(1);
        break;
      case HitPolicy::Priority:
      case HitPolicy::OutputOrder: {
        // Priority: the position of each output's value in its output values, first output first.
        std::vector<std::vector<std::size_t>> ranks(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
          for (const auto& o : d.outputs) ranks[i].push_back(priority(o, rows[i][o.name]));
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return ranks[a] < ranks[b]; });
        if (d.hit_policy == HitPolicy::Priority && order.size() > 1) order.resize(1);
        break;
      }
      case HitPolicy::Collect:
      case HitPolicy::RuleOrder:
        break;
    }
    for (auto i : order) {
      out.entries.push_back(rows[i]);
      out.matched.push_back({hits[i], d.rules[hits[i]].id, d.rules[hits[i]].annotation, rows[i]});
    }
    const bool single = d.hit_policy == HitPolicy::Unique || d.hit_policy == HitPolicy::First ||
                        d.hit_policy == HitPolicy::Priority || d.hit_policy == HitPolicy::Any;
    auto shape = [&](const json& row) { return d.outputs.size() == 1 ? row.begin().value() : row; };
    if (single) {
      if (!out.entries.empty()) {
        out.value = shape(out.entries.front());
      } else {
        // No match: the default output entries, if any.
        json row = json::object();
        bool any_default = false;
        for (const auto& o : d.outputs) {
          if (o.default_value.empty()) {
            row[o.name] = nullptr;
            continue;
          }
          if (!o.default_compiled)
            return fail(compile_error(o.default_value, false, "default output of " + o.name));
          auto v = value_of(d, *o.default_compiled, scope);
          if (!v) return fail(v.error());
          row[o.name] = v->to_json();
          any_default = true;
        }
        out.value = any_default ? shape(row) : json();
        if (any_default) out.entries.push_back(row);
      }
      return {};
    }
    if (d.aggregation == Aggregation::None) {
      out.value = json::array();
      for (const auto& row : out.entries) out.value.push_back(shape(row));
      return {};
    }
    // An aggregated COLLECT has one result (Camunda's result list holds one entry with it).
    const std::string name = d.outputs.empty() || d.outputs.front().name.empty()
                                 ? std::string("result")
                                 : d.outputs.front().name;
    if (d.aggregation == Aggregation::Count) {
      out.value = out.entries.size();
      out.entries = {json{{name, out.value}}};
      return {};
    }
    // SUM, MIN, MAX over the single output, in FEEL decimals.
    std::vector<Value> values;
    for (const auto& row : out.entries) values.push_back(Value::from_json(shape(row)));
    if (values.empty()) {
      out.value = nullptr;
      out.entries.clear();
      return {};
    }
    Value acc = values[0];
    for (std::size_t i = 1; i < values.size(); ++i) {
      const auto* a = acc.get<expr::Decimal>();
      const auto* b = values[i].get<expr::Decimal>();
      if (!a || !b)
        return fail(
            Errc::ExpressionError,
            "decision '" + d.id + "': COLLECT aggregation over values that are not numbers");
      if (d.aggregation == Aggregation::Sum) acc = Value(expr::Decimal(*a + *b));
      if (d.aggregation == Aggregation::Min && *b < *a) acc = values[i];
      if (d.aggregation == Aggregation::Max && *b > *a) acc = values[i];
    }
    out.value = acc.to_json();
    out.entries = {json{{name, out.value}}};
    return {};
  }

  // The position of `value` in the output's values (read once, with the model).
  static std::size_t priority(const Output& o, const json& value) {
    auto pos = std::find(o.priorities.begin(), o.priorities.end(), value);
    return static_cast<std::size_t>(pos - o.priorities.begin());
  }

  const Model& model_;
  expr::EvalOptions options_;
  expr::Budget budget_;
  std::set<std::string> active_;                // decisions being evaluated (requirement loops)
  std::map<std::string, DecisionResult> done_;  // required decisions already evaluated
};

}  // namespace

Result<DecisionResult> evaluate(const Model& model, const std::string& decision_id,
                                const json& variables, std::int64_t now_millis) {
  return Evaluator(model, now_millis)
      .run(decision_id, variables.is_object() ? variables : json::object(), 0);
}

Result<json> map_result(const DecisionResult& r, const std::string& how) {
  if (how.empty()) return r.value;  // the decision's value, as FEEL sees it (Zeebe's behaviour)
  if (how == "resultList") return json(r.entries);
  if (how == "collectEntries") {
    json out = json::array();
    for (const auto& row : r.entries) {
      if (row.size() != 1)
        return fail(Errc::ExpressionError,
                    "collectEntries needs one output per rule; the rows have " +
                        std::to_string(row.size()));
      out.push_back(row.begin().value());
    }
    return out;
  }
  if (r.entries.size() > 1) {
    return fail(Errc::ExpressionError, how + " needs at most one matched rule, but " +
                                           std::to_string(r.entries.size()) + " matched");
  }
  if (how == "singleResult") return r.entries.empty() ? json() : r.entries.front();
  if (how == "singleEntry") {
    if (r.entries.empty()) return json();
    if (r.entries.front().size() != 1)
      return fail(Errc::ExpressionError, "singleEntry needs one output; the rule gives " +
                                             std::to_string(r.entries.front().size()));
    return r.entries.front().begin().value();
  }
  return fail(Errc::InvalidArgument,
              "unknown mapDecisionResult '" + how +
                  "' (singleEntry, singleResult, collectEntries, resultList)");
}

}  // namespace elva::dmn

namespace elva::dmn {

Result<json> evaluate_mapped(const Model& model, const std::string& decision_id,
                             const json& variables, const std::string& how,
                             std::int64_t now_millis) {
  auto r = evaluate(model, decision_id, variables, now_millis);
  if (!r) return fail(r.error());
  auto mapped = map_result(*r, how);
  if (!mapped)
    return fail(Errc::ExpressionError, "decision '" + decision_id + "': " + mapped.error().message);
  return mapped;
}

}  // namespace elva::dmn
