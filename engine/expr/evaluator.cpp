// FEEL evaluation: one case per Op. Type mismatches give null (FEEL has no exceptions); every
// node costs a step of the evaluation's Budget, and the nesting of evaluation and of the values
// built is bounded, so no expression over any variables runs away or overflows the stack.
#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <unordered_map>

#include "expr/arithmetic.hpp"
#include "expr/ast.hpp"
#include "expr/budget.hpp"
#include "expr/builtins.hpp"
#include "expr/feel.hpp"
#include "expr/juel.hpp"
#include "expr/number.hpp"
#include "expr/parser.hpp"

namespace elva::expr {
namespace {

bool is_true(const Value& v) {
  auto* b = v.get<bool>();
  return b && *b;
}

// Names bound inside an expression: iteration variables, filter items and their entries.
struct Frame {
  std::string_view name;
  const Value* value = nullptr;      // when name is set
  const Context* context = nullptr;  // a filter item's entries
};

// Looks `name` up among a context's entries; the scan is paid for (a context of 100,000
// entries looked up 100,000 times must not run for minutes).
const Value* find_entry(const Context& c, std::string_view name) {
  spend(1 + c.size() / 16);
  for (const auto& [k, v] : c)
    if (k == name) return &v;
  return nullptr;
}

// Evaluation nested deeper than this (user functions calling themselves, each call nesting its
// body) stops with an error: C++ frames per level are bounded, so this bounds the stack.
constexpr int kMaxEvalDepth = 1024;
// A user function calling itself more often than this gives null (runaway recursion).
constexpr int kMaxCallDepth = 200;

class Evaluator {
 public:
  Evaluator(const Scope& scope, const EvalOptions& options)
      : scope_(scope),
        options_(options),
        own_(options.max_steps, options.max_string_bytes),
        budget_(options.budget ? *options.budget : own_),
        installed_(budget_) {}

  const Value* input = nullptr;

  Value eval(const Node& n) {
    if (!budget_.spend()) return {};
    if (++eval_depth_ > kMaxEvalDepth) {
      --eval_depth_;
      budget_.stop("the evaluation nests deeper than " + std::to_string(kMaxEvalDepth) + " levels",
                   "max_depth");
      return {};
    }
    Value v = eval_node(n);
    --eval_depth_;
    if (v.depth() > kMaxValueDepth) {
      budget_.stop("a value nests deeper than " + std::to_string(kMaxValueDepth) + " levels",
                   "max_depth");
      return {};
    }
    return v;
  }

  // Does `v` satisfy the unary test(s) `t`?
  Value test(const Node& t, const Value& v) {
    const Value* saved = input;
    input = &v;
    Value out = test_with_input(t, v);
    input = saved;
    return out;
  }

  // The result as the caller sees it: the value, or the limit that stopped the evaluation.
  Result<Value> finish(Value v) {
    if (!budget_.exhausted()) check_size(v);
    if (budget_.exhausted()) {
      Error e{Errc::ExpressionError, budget_.why(), {}};
      return fail(std::move(e).with("limit", budget_.limit()));
    }
    return v;
  }

 private:
  // One case per Op. The cases live in functions of their own (not inlined), so that this
  // frame, which every level of nesting pays for, holds no temporaries: with them (and with
  // AddressSanitizer's redzones) a level took over 4 KiB of stack.
  Value eval_node(const Node& n) {
    switch (n.op) {
      case Op::Literal:
        return n.literal;
      case Op::Name: {
        const Value* v = lookup(n.name);
        return v ? *v : Value();
      }
      case Op::Input:
        return input ? *input : Value();
      case Op::Neg:
        return unary_node(n);
      case Op::Add:
      case Op::Sub:
      case Op::Mul:
      case Op::Div:
      case Op::Pow:
      case Op::Eq:
      case Op::Ne:
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
        return binary_node(n);
      case Op::And:
      case Op::Or:
        return logic(n);
      case Op::If:
        return if_node(n);
      case Op::Path:
      case Op::Filter:
      case Op::InstanceOf:
        return postfix_node(n);
      case Op::Call:
        return call(n);
      case Op::ListLit:
        return list_literal(n);
      case Op::ContextLit:
        return context_literal(n);
      case Op::RangeLit:
        return range_literal(n);
      case Op::For:
      case Op::Some:
      case Op::Every:
        return iterate(n);
      case Op::Between:
        return between(n);
      case Op::In:
        return in_node(n);
      case Op::AnyTest:
      case Op::NotTests:
      case Op::TestList:
        return input ? test(n, *input) : Value();
      case Op::FunctionDef:
        return function_definition(n);
    }
    return {};
  }

  [[gnu::noinline]] Value unary_node(const Node& n) { return negate(eval(*n.kids[0])); }

  [[gnu::noinline]] Value binary_node(const Node& n) {
    const Value a = eval(*n.kids[0]);
    const Value b = eval(*n.kids[1]);
    const bool arith =
        n.op == Op::Add || n.op == Op::Sub || n.op == Op::Mul || n.op == Op::Div || n.op == Op::Pow;
    return arith ? arithmetic(n.op, a, b) : comparison(n.op, a, b);
  }

  [[gnu::noinline]] Value if_node(const Node& n) {
    const bool yes = is_true(eval(*n.kids[0]));
    return eval(*n.kids[yes ? 1 : 2]);
  }

  [[gnu::noinline]] Value postfix_node(const Node& n) {
    const Value base = eval(*n.kids[0]);
    if (n.op == Op::Path) return path(base, n.name);
    if (n.op == Op::Filter) return filter(base, *n.kids[1]);
    return instance_of(base, *n.type);
  }

  [[gnu::noinline]] Value list_literal(const Node& n) {
    List out;
    out.reserve(n.kids.size());
    for (const auto& k : n.kids) out.push_back(eval(*k));
    return out;
  }

  [[gnu::noinline]] Value range_literal(const Node& n) {
    auto r = std::make_shared<Range>();
    r->start = eval(*n.kids[0]);
    r->end = eval(*n.kids[1]);
    r->start_included = n.start_included;
    r->end_included = n.end_included;
    return Value(std::shared_ptr<const Range>(std::move(r)));
  }

  [[gnu::noinline]] Value between(const Node& n) {
    const Value v = eval(*n.kids[0]);
    const Value ge = comparison(Op::Ge, v, eval(*n.kids[1]));
    const Value le = comparison(Op::Le, v, eval(*n.kids[2]));
    if (ge.is_null() || le.is_null()) return {};
    return is_true(ge) && is_true(le);
  }

  [[gnu::noinline]] Value in_node(const Node& n) {
    const Value v = eval(*n.kids[0]);
    return test(*n.kids[1], v);
  }

  Value test_with_input(const Node& t, const Value& v) {
    switch (t.op) {
      case Op::AnyTest:
        return true;
      case Op::NotTests: {
        Value r = test(*t.kids[0], v);
        return r.is_null() ? Value() : Value(!is_true(r));
      }
      case Op::TestList: {
        bool unknown = false;
        for (const auto& k : t.kids) {
          Value r = test(*k, v);
          if (is_true(r)) return true;
          unknown |= r.is_null();
        }
        return unknown ? Value() : Value(false);
      }
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
      case Op::Eq:
      case Op::Ne:
        if (t.kids[0]->op == Op::Input) return eval(t);
        break;
      default:
        break;
    }
    Value expected = eval(t);
    if (const auto* b = expected.get<bool>(); b && mentions_input(t)) return *b;
    if (const Range* r = expected.range()) return in_range(*r, v);
    if (const List* l = expected.list()) {
      for (const auto& item : *l) {
        if (!budget_.spend()) return {};
        if (const Range* r = item.range(); r ? is_true(in_range(*r, v)) : equal(item, v))
          return true;
      }
      return false;
    }
    if (expected.is_null() && !v.is_null()) return false;
    return equal(expected, v);
  }

  static bool mentions_input(const Node& n) {
    if (n.op == Op::Input) return true;
    return std::any_of(n.kids.begin(), n.kids.end(),
                       [](const auto& k) { return mentions_input(*k); });
  }

  static Value in_range(const Range& r, const Value& v) {
    auto side = [&](const Value& bound, bool included, bool lower) -> Value {
      if (bound.is_null()) return true;  // unbounded
      auto c = compare(v, bound);
      if (!c) return {};
      return lower ? (included ? *c >= 0 : *c > 0) : (included ? *c <= 0 : *c < 0);
    };
    Value lo = side(r.start, r.start_included, true), hi = side(r.end, r.end_included, false);
    if (lo.is_null() || hi.is_null()) return {};
    return is_true(lo) && is_true(hi);
  }

  const Value* lookup(std::string_view name) const {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      if (it->context) {
        if (const Value* v = find_entry(*it->context, name)) return v;
      } else if (it->name == name) {
        return it->value;
      }
    }
    return scope_.find(name);
  }

  Value logic(const Node& n) {
    const bool is_and = n.op == Op::And;
    Value a = eval(*n.kids[0]);
    auto* ba = a.get<bool>();
    if (ba && *ba != is_and) return !is_and;  // false and _ / true or _
    Value b = eval(*n.kids[1]);
    auto* bb = b.get<bool>();
    if (bb && *bb != is_and) return !is_and;
    if (ba && bb) return is_and;
    return {};
  }

  Value path(const Value& base, const std::string& name) {
    if (const Context* c = base.context()) {
      const Value* v = find_entry(*c, name);
      return v ? *v : Value();
    }
    if (const List* l = base.list()) {
      List out;
      out.reserve(l->size());
      for (const auto& item : *l) {
        if (!budget_.spend()) return {};
        out.push_back(path(item, name));
      }
      return out;
    }
    return temporal_property(base, name);
  }

  static Value temporal_property(const Value& base, const std::string& name) {
    std::int64_t y;
    unsigned m, d;
    auto date_parts = [&](std::int64_t days) { civil_from_days(days, y, m, d); };
    if (auto* x = base.get<Date>())
      date_parts(x->days);
    else if (auto* t = base.get<DateTime>()) {
      const std::int64_t local = local_millis(*t);
      std::int64_t days = local / 86'400'000 - (local % 86'400'000 < 0);
      std::int64_t rest = local - days * 86'400'000;
      date_parts(days);
      if (name == "hour") return Value(Decimal(rest / 3'600'000));
      if (name == "minute") return Value(Decimal(rest / 60'000 % 60));
      if (name == "second") return Value(Decimal(rest / 1000 % 60));
      if (name == "time offset")
        return t->has_zone ? Value(DayTimeDuration{std::int64_t{t->offset_seconds} * 1000})
                           : Value();
      if (name == "timezone") return t->zone ? Value(*t->zone) : Value();
    } else if (auto* tm = base.get<Time>()) {
      if (name == "hour") return Value(Decimal(tm->millis / 3'600'000));
      if (name == "minute") return Value(Decimal(tm->millis / 60'000 % 60));
      if (name == "second") return Value(Decimal(tm->millis / 1000 % 60));
      if (name == "time offset")
        return tm->has_zone ? Value(DayTimeDuration{std::int64_t{tm->offset_seconds} * 1000})
                            : Value();
      if (name == "timezone") return tm->zone ? Value(*tm->zone) : Value();
      return {};
    } else if (auto* dt = base.get<DayTimeDuration>()) {
      if (name == "days") return Value(Decimal(dt->millis / 86'400'000));
      if (name == "hours") return Value(Decimal(dt->millis / 3'600'000 % 24));
      if (name == "minutes") return Value(Decimal(dt->millis / 60'000 % 60));
      if (name == "seconds") return Value(Decimal(dt->millis / 1000 % 60));
      return {};
    } else if (auto* ym = base.get<YearMonthDuration>()) {
      if (name == "years") return Value(Decimal(ym->months / 12));
      if (name == "months") return Value(Decimal(ym->months % 12));
      return {};
    } else {
      return {};
    }
    if (name == "year") return Value(Decimal(y));
    if (name == "month") return Value(Decimal(m));
    if (name == "day") return Value(Decimal(d));
    if (name == "weekday") {  // 1 = Monday
      std::int64_t days = days_from_civil(y, m, d);
      return Value(Decimal(((days % 7) + 7 + 3) % 7 + 1));
    }
    return {};
  }

  Value filter(const Value& base, const Node& f) {
    List single;
    const List* list = base.list();
    if (!list) {
      if (base.is_null()) return {};
      single.push_back(base);
      list = &single;
    }
    // A numeric filter is an index (1-based; negative counts from the end): a literal, a name,
    // or any expression that gives a number without the item (list[offer.index + 1]).
    {
      Value idx = eval(f);
      if (auto* d = idx.get<Decimal>()) {
        const auto i = truncated(*d);
        const auto n = static_cast<std::int64_t>(list->size());
        if (!i) return {};
        if (*i >= 1 && *i <= n) return (*list)[static_cast<std::size_t>(*i - 1)];
        if (*i < 0 && -*i <= n) return (*list)[static_cast<std::size_t>(n + *i)];
        return {};
      }
      if (f.op == Op::Literal || f.op == Op::Neg) return {};
    }
    List out;
    for (const auto& item : *list) {
      if (budget_.exhausted()) return {};
      frames_.push_back({"item", &item, nullptr});
      if (const Context* c = item.context()) frames_.push_back({{}, nullptr, c});
      const bool keep = is_true(eval(f));
      if (item.context()) frames_.pop_back();
      frames_.pop_back();
      if (keep) out.push_back(item);
    }
    return out;
  }

  // The items a for/some/every variable takes: a list, a range of integers, or one value.
  std::optional<List> domain(const Value& v) {
    if (const List* l = v.list()) {
      if (!budget_.spend(l->size())) return std::nullopt;
      return *l;
    }
    if (const Range* r = v.range()) {
      auto* a = r->start.get<Decimal>();
      auto* b = r->end.get<Decimal>();
      if (!a || !b) return std::nullopt;
      const auto from = truncated(*a), to = truncated(*b);
      if (!from || !to || std::abs(*to - *from) > 1'000'000) return std::nullopt;
      const std::int64_t step = *from <= *to ? 1 : -1;
      if (!budget_.spend(static_cast<std::uint64_t>(std::abs(*to - *from)) + 1))
        return std::nullopt;
      List out;
      out.reserve(static_cast<std::size_t>(std::abs(*to - *from)) + 1);
      for (std::int64_t i = *from;; i += step) {
        out.push_back(Value(Decimal(i)));
        if (i == *to) break;
      }
      return out;
    }
    if (v.is_null()) return std::nullopt;
    return List{v};
  }

  // for / some / every. Linear in the iterations: `partial` (the results so far) is built only
  // when the body names it, and then each iteration pays for its copy.
  Value iterate(const Node& n) {
    const std::size_t vars = n.names.size();
    List results;
    std::vector<List> domains;
    for (std::size_t i = 0; i < vars; ++i) {
      auto d = domain(eval(*n.kids[i]));
      if (!d) return {};
      domains.push_back(std::move(*d));
    }
    for (const auto& d : domains)
      if (d.empty()) return n.op == Op::For ? Value(List{}) : Value(n.op == Op::Every);
    const bool wants_partial = n.uses_partial;
    std::vector<std::size_t> at(vars, 0);
    while (!budget_.exhausted()) {
      for (std::size_t i = 0; i < vars; ++i)
        frames_.push_back({n.names[i], &domains[i][at[i]], nullptr});
      Value partial;
      if (wants_partial) {
        if (!budget_.spend(results.size())) break;
        partial = Value(results);
        frames_.push_back({"partial", &partial, nullptr});
      }
      Value r = eval(*n.kids[vars]);
      frames_.resize(frames_.size() - vars - (wants_partial ? 1 : 0));
      if (n.op == Op::Some && is_true(r)) return true;
      if (n.op == Op::Every && !is_true(r)) return false;
      if (n.op == Op::For) results.push_back(std::move(r));
      std::size_t k = vars;
      while (k > 0 && ++at[k - 1] == domains[k - 1].size()) at[--k] = 0;
      if (k == 0) break;
    }
    if (budget_.exhausted()) return {};
    if (n.op == Op::Some) return false;
    if (n.op == Op::Every) return true;
    return results;
  }

  Value context_literal(const Node& n) {
    Context ctx;
    ctx.reserve(n.names.size());
    for (std::size_t i = 0; i < n.names.size(); ++i) {
      // Later entries may use earlier ones: the frame sees the entries built so far (it is gone
      // before the next entry is added, so the vector may grow).
      frames_.push_back({{}, nullptr, &ctx});
      Value v = eval(*n.kids[i]);
      frames_.pop_back();
      ctx.emplace_back(n.names[i], std::move(v));
    }
    return ctx;
  }

  Value function_definition(const Node& n) {
    auto f = std::make_shared<Function>();
    f->params = n.names;
    f->body = n.kids[0].get();
    // Closure: the names bound here (iteration variables, context entries so far).
    for (const auto& frame : frames_) {
      if (!budget_.spend(1 + (frame.context ? frame.context->size() : 0))) return {};
      if (frame.context)
        for (const auto& entry : *frame.context) f->closure.push_back(entry);
      else if (frame.value)
        f->closure.emplace_back(std::string(frame.name), *frame.value);
    }
    return Value(std::shared_ptr<const Function>(std::move(f)));
  }

  // Does `v` conform to `type` (DMN 1.5 §10.3.2.9.4)? A list conforms to list<T> when every
  // item does; a context to context<a: T> when it has an entry a that does (more entries are
  // allowed); a function to function<...> -> R when it takes as many parameters.
  Value instance_of(const Value& v, const TypeSpec& type) {
    if (type.name == "Any") return !v.is_null();
    if (type.name == "Null") return v.is_null();
    if (v.is_null()) return false;
    if (!type.generic) return v.type_name() == type.name;
    if (type.name == "list") {
      const List* l = v.list();
      if (!l || !budget_.spend(l->size())) return false;
      for (const auto& item : *l)
        if (!is_true(instance_of(item, type.args[0]))) return false;
      return true;
    }
    if (type.name == "range") {
      const Range* r = v.range();
      if (!r) return false;
      return (r->start.is_null() || is_true(instance_of(r->start, type.args[0]))) &&
             (r->end.is_null() || is_true(instance_of(r->end, type.args[0])));
    }
    if (type.name == "context") {
      const Context* c = v.context();
      if (!c) return false;
      for (std::size_t i = 0; i < type.field_names.size(); ++i) {
        const Value* entry = find_entry(*c, type.field_names[i]);
        if (!entry || !is_true(instance_of(*entry, type.args[i]))) return false;
      }
      return true;
    }
    if (type.name == "function") {
      const Function* f = v.function();
      return f && f->params.size() + 1 == type.args.size();
    }
    return false;
  }

  // Calls a user-defined function with positional arguments. REQUIRES: `f` outlives the call.
  Value invoke(const Function& f, const List& args) {
    if (call_depth_ >= kMaxCallDepth) return {};  // runaway recursion: null
    ++call_depth_;
    frames_.push_back({{}, nullptr, &f.closure});
    for (std::size_t i = 0; i < f.params.size(); ++i)
      frames_.push_back({f.params[i], i < args.size() ? &args[i] : &kNull, nullptr});
    Value out = eval(*f.body);
    frames_.resize(frames_.size() - f.params.size() - 1);
    --call_depth_;
    return out;
  }

  // Calls built-ins by name, and function values: a name bound to one, or any expression that
  // gives one ((function(a, b) a + b)(1, 2), ctx.f(x)).
  Value call(const Node& n) {
    const bool dynamic = n.name.empty();
    const std::size_t first = dynamic ? 1 : 0;  // kids[0] is the callee when dynamic
    const std::size_t positional = n.kids.size() - first - n.names.size();
    if (!dynamic && is_builtin(n.name)) {
      auto slots = builtin_slots(n.name, n.names);
      if (!slots) return {};
      BuiltinCall c;
      c.now_millis = options_.now_millis ? options_.now_millis() : 0;
      c.calendar = options_.calendar;
      c.invoke = [this](const Value& fn, const List& args) -> Value {
        const Value keep = fn;
        return keep.function() ? invoke(*keep.function(), args) : Value();
      };
      for (std::size_t i = 0; i < positional; ++i) c.args.push_back(eval(*n.kids[i]));
      for (std::size_t i = 0; i < n.names.size(); ++i) {
        const std::size_t slot = (*slots)[i];
        if (slot < positional) return {};  // given twice
        if (c.args.size() <= slot) c.args.resize(slot + 1);
        c.args[slot] = eval(*n.kids[positional + i]);
      }
      if (budget_.exhausted()) return {};
      return call_builtin(n.name, c);
    }
    Value keep;  // the function value may live in a frame that eval changes
    if (dynamic) {
      keep = eval(*n.kids[0]);
    } else if (const Value* fn = lookup(n.name)) {
      keep = *fn;
    }
    if (!keep.function()) return {};
    const Function& f = *keep.function();
    if (positional > f.params.size()) return {};
    List args(f.params.size());
    for (std::size_t i = 0; i < positional; ++i) args[i] = eval(*n.kids[first + i]);
    for (std::size_t i = 0; i < n.names.size(); ++i) {
      auto it = std::find(f.params.begin(), f.params.end(), n.names[i]);
      if (it == f.params.end()) return {};
      args[static_cast<std::size_t>(it - f.params.begin())] = eval(*n.kids[first + positional + i]);
    }
    return invoke(f, args);
  }

  // The result as JSON must fit max_result_bytes; shared parts count each time they occur (as
  // they would be written), and the walk stops as soon as the limit is passed.
  void check_size(const Value& root) {
    if (!root.list() && !root.context() && !root.range() && !root.get<std::string>())
      return;  // small by nature
    std::size_t bytes = 0;
    std::vector<const Value*> todo{&root};
    while (!todo.empty()) {
      const Value* v = todo.back();
      todo.pop_back();
      if (const auto* s = v->get<std::string>())
        bytes += s->size() + 2;
      else if (const List* l = v->list()) {
        bytes += 2 + l->size();
        for (const auto& item : *l) todo.push_back(&item);
      } else if (const Context* c = v->context()) {
        bytes += 2 + c->size();
        for (const auto& [k, item] : *c) {
          bytes += k.size() + 3;
          todo.push_back(&item);
        }
      } else if (const Range* r = v->range()) {
        bytes += 60;
        todo.push_back(&r->start);
        todo.push_back(&r->end);
      } else {
        bytes += 24;  // numbers, dates, durations: at most about this long as JSON
      }
      if (bytes > options_.max_result_bytes) {
        budget_.stop("the result would be larger than " +
                         std::to_string(options_.max_result_bytes) + " bytes (max_result_bytes)",
                     "max_result_bytes");
        return;
      }
    }
  }

  static inline const Value kNull{};
  const Scope& scope_;
  const EvalOptions& options_;
  Budget own_;
  Budget& budget_;
  BudgetScope installed_;
  std::vector<Frame> frames_;
  int eval_depth_ = 0;
  int call_depth_ = 0;
};

// Moves an error's column from the inner text to the column in the original text.
Failure shifted(Error err, std::size_t offset) {
  for (auto& [k, v] : err.context)
    if (k == "col") v = std::to_string(std::stoul(v) + offset);
  return fail(std::move(err));
}

}  // namespace

namespace {

// range(from) accepts literal endpoints only: numbers, strings, booleans, @"..." and calls of
// the conversion functions on literals (date("2024-01-01")).
bool literal_endpoint(const Node& n) {
  if (n.op == Op::Literal) return !n.literal.range();
  if (n.op == Op::Neg) return literal_endpoint(*n.kids[0]);
  if (n.op != Op::Call || !n.names.empty()) return false;
  static const std::array<std::string_view, 6> conversions{
      "date", "time", "date and time", "duration", "number", "years and months duration"};
  if (std::find(conversions.begin(), conversions.end(), n.name) == conversions.end()) return false;
  return std::all_of(n.kids.begin(), n.kids.end(),
                     [](const auto& k) { return literal_endpoint(*k); });
}

}  // namespace

Value range_from_string(std::string_view text) {
  auto root = parse_unary_tests(text);
  if (!root || (*root)->op != Op::TestList || (*root)->kids.size() != 1) return {};
  const Node& t = *(*root)->kids[0];
  const Value empty{Context{}};
  const ContextScope scope(empty);
  EvalOptions options;
  options.budget = current_budget();
  auto constant = [&](const Node& n) -> std::optional<Value> {
    if (!literal_endpoint(n)) return std::nullopt;
    Evaluator ev(scope, options);
    return ev.eval(n);
  };
  auto r = std::make_shared<Range>();
  if (t.op == Op::Literal && t.literal.range()) {
    *r = *t.literal.range();
  } else if (t.op == Op::RangeLit) {
    auto a = constant(*t.kids[0]), b = constant(*t.kids[1]);
    if (!a || !b) return {};
    *r = Range{*a, *b, t.start_included, t.end_included};
  } else if (t.kids.size() == 2 && t.kids[0]->op == Op::Input) {
    auto x = constant(*t.kids[1]);
    if (!x || x->is_null()) return {};
    switch (t.op) {
      case Op::Lt:
      case Op::Le:
        *r = Range{Value(), *x, false, t.op == Op::Le};
        break;
      case Op::Gt:
      case Op::Ge:
        *r = Range{*x, Value(), t.op == Op::Ge, false};
        break;
      case Op::Eq:
        *r = Range{*x, *x, true, true};
        break;
      default:
        return {};
    }
  } else {
    return {};
  }
  // Both ends of one type (or unbounded); FEEL has no range of mixed types.
  if (!r->start.is_null() && !r->end.is_null() && !compare(r->start, r->end)) return {};
  if (r->start.is_null() && r->end.is_null()) return {};
  return Value(std::shared_ptr<const Range>(std::move(r)));
}

bool looks_like_expression(std::string_view text) {
  // A "${...}" anywhere makes a JUEL text template ("Hej ${name}"), converted by juel.cpp.
  return !text.empty() && (text.front() == '=' || has_juel(text));
}

const Value* ContextScope::find(std::string_view name) const {
  if (!context_) return nullptr;
  return find_entry(*context_, name);
}

Result<Expression> Expression::compile(std::string_view text) {
  std::size_t offset = 0;
  while (offset < text.size() && std::isspace(static_cast<unsigned char>(text[offset]))) ++offset;
  std::string_view body = text.substr(offset);
  // JUEL that calls `execution` or is a text template: converted first (juel.hpp).
  if (!body.empty() && body.front() != '=' && has_juel(body)) {
    auto converted = convert_juel(body);
    if (!converted) return fail(converted.error());
    if (converted->changed) {
      auto e = compile(converted->text);
      if (e) e->source_ = std::string(text);
      return e;
    }
  }
  bool juel = false;
  if (body.rfind("${", 0) == 0 || body.rfind("#{", 0) == 0) {  // Camunda/Flowable JUEL
    auto end = body.rfind('}');
    if (end == std::string_view::npos ||
        body.find_first_not_of(" \t\r\n", end + 1) != std::string_view::npos) {
      Error e{Errc::ExpressionError,
              "a ${...} expression must be the whole text (templates such as \"a${x}b\" are not "
              "supported)",
              {}};
      e.with("col", std::to_string(offset + 1));
      return fail(std::move(e));
    }
    body = body.substr(2, end - 2);
    offset += 2;
    juel = true;
  } else if (!body.empty() && body.front() == '=') {  // Zeebe: "=expr"
    body.remove_prefix(1);
    offset += 1;
  }
  auto root = juel ? parse_juel(body) : parse_expression(body);
  if (!root) return shifted(root.error(), offset);
  Expression e;
  e.source_ = std::string(text);
  e.root_ = std::shared_ptr<const Node>(std::move(*root));
  return e;
}

Result<std::shared_ptr<const Expression>> Expression::compile_cached(std::string_view text) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<const Expression>> cache;
  constexpr std::size_t kMaxEntries = 4096;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(std::string(text)); it != cache.end()) return it->second;
  }
  auto compiled = compile(text);
  if (!compiled) return fail(compiled.error());
  auto shared = std::make_shared<const Expression>(std::move(*compiled));
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.size() >= kMaxEntries) cache.clear();
  cache.emplace(std::string(text), shared);
  return shared;
}

Result<Expression> Expression::compile_unary_tests(std::string_view text) {
  auto root = parse_unary_tests(text);
  if (!root) return fail(root.error());
  Expression e;
  e.source_ = std::string(text);
  e.root_ = std::shared_ptr<const Node>(std::move(*root));
  return e;
}

Result<Value> Expression::evaluate_checked(const Scope& scope, const EvalOptions& options) const {
  Evaluator ev(scope, options);
  Value v = ev.eval(*root_);
  return ev.finish(std::move(v));
}

Result<Value> Expression::test_checked(const Value& input, const Scope& scope,
                                       const EvalOptions& options) const {
  Evaluator ev(scope, options);
  Value v = ev.test(*root_, input);
  return ev.finish(std::move(v));
}

Value Expression::evaluate(const Scope& scope, const EvalOptions& options) const {
  auto r = evaluate_checked(scope, options);
  return r ? std::move(*r) : Value();
}

Value Expression::test(const Value& input, const Scope& scope, const EvalOptions& options) const {
  auto r = test_checked(input, scope, options);
  return r ? std::move(*r) : Value();
}

}  // namespace elva::expr
