// FEEL evaluation: one case per Op. Type mismatches give null (FEEL has no exceptions).
#include <algorithm>
#include <cctype>
#include <mutex>
#include <unordered_map>

#include "expr/ast.hpp"
#include "expr/builtins.hpp"
#include "expr/feel.hpp"
#include "expr/parser.hpp"

namespace elva::expr {
namespace {

bool is_true(const Value& v) { auto* b = v.get<bool>(); return b && *b; }

// Names bound inside an expression: iteration variables, filter items and their entries.
struct Frame {
  std::string_view name;
  const Value* value = nullptr;   // when name is set
  const Context* context = nullptr;  // a filter item's entries
};

class Evaluator {
 public:
  Evaluator(const Scope& scope, const EvalOptions& options) : scope_(scope), options_(options) {}

  const Value* input = nullptr;

  Value eval(const Node& n) {
    switch (n.op) {
      case Op::Literal: return n.literal;
      case Op::Name: { const Value* v = lookup(n.name); return v ? *v : Value(); }
      case Op::Input: return input ? *input : Value();
      case Op::Neg: return negate(eval(*n.kids[0]));
      case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Pow:
        return arithmetic(n.op, eval(*n.kids[0]), eval(*n.kids[1]));
      case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
        return comparison(n.op, eval(*n.kids[0]), eval(*n.kids[1]));
      case Op::And: case Op::Or: return logic(n);
      case Op::If: return is_true(eval(*n.kids[0])) ? eval(*n.kids[1]) : eval(*n.kids[2]);
      case Op::Path: return path(eval(*n.kids[0]), n.name);
      case Op::Filter: return filter(eval(*n.kids[0]), *n.kids[1]);
      case Op::Call: return call(n);
      case Op::ListLit: {
        List out;
        for (const auto& k : n.kids) out.push_back(eval(*k));
        return out;
      }
      case Op::ContextLit: return context_literal(n);
      case Op::RangeLit: {
        auto r = std::make_shared<Range>();
        r->start = eval(*n.kids[0]);
        r->end = eval(*n.kids[1]);
        r->start_included = n.start_included;
        r->end_included = n.end_included;
        return Value(std::shared_ptr<const Range>(std::move(r)));
      }
      case Op::For: case Op::Some: case Op::Every: return iterate(n);
      case Op::Between: {
        Value v = eval(*n.kids[0]);
        Value ge = comparison(Op::Ge, v, eval(*n.kids[1]));
        Value le = comparison(Op::Le, v, eval(*n.kids[2]));
        if (ge.is_null() || le.is_null()) return {};
        return is_true(ge) && is_true(le);
      }
      case Op::In: {
        Value v = eval(*n.kids[0]);
        return test(*n.kids[1], v);
      }
      case Op::InstanceOf: return instance_of(eval(*n.kids[0]), n.name);
      case Op::AnyTest: case Op::NotTests: case Op::TestList:
        return input ? test(n, *input) : Value();
      case Op::FunctionDef: {
        auto f = std::make_shared<Function>();
        f->params = n.names;
        f->body = n.kids[0].get();
        // Closure: the names bound here (iteration variables, context entries so far).
        for (const auto& frame : frames_) {
          if (frame.context) for (const auto& entry : *frame.context) f->closure.push_back(entry);
          else if (frame.value) f->closure.emplace_back(std::string(frame.name), *frame.value);
        }
        return Value(std::shared_ptr<const Function>(std::move(f)));
      }
    }
    return {};
  }

  // Does `v` satisfy the unary test(s) `t`?
  Value test(const Node& t, const Value& v) {
    const Value* saved = input;
    input = &v;
    Value out = test_with_input(t, v);
    input = saved;
    return out;
  }

 private:
  Value test_with_input(const Node& t, const Value& v) {
    switch (t.op) {
      case Op::AnyTest: return true;
      case Op::NotTests: { Value r = test(*t.kids[0], v); return r.is_null() ? Value() : Value(!is_true(r)); }
      case Op::TestList: {
        bool unknown = false;
        for (const auto& k : t.kids) {
          Value r = test(*k, v);
          if (is_true(r)) return true;
          unknown |= r.is_null();
        }
        return unknown ? Value() : Value(false);
      }
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne:
        if (t.kids[0]->op == Op::Input) return eval(t);
        break;
      default: break;
    }
    Value expected = eval(t);
    if (const auto* b = expected.get<bool>(); b && mentions_input(t)) return *b;
    if (const Range* r = expected.range()) return in_range(*r, v);
    if (const List* l = expected.list()) {
      for (const auto& item : *l) {
        if (const Range* r = item.range(); r ? is_true(in_range(*r, v)) : equal(item, v)) return true;
      }
      return false;
    }
    if (expected.is_null() && !v.is_null()) return false;
    return equal(expected, v);
  }

  static bool mentions_input(const Node& n) {
    if (n.op == Op::Input) return true;
    return std::any_of(n.kids.begin(), n.kids.end(), [](const auto& k) { return mentions_input(*k); });
  }

  Value in_range(const Range& r, const Value& v) {
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
        for (const auto& [k, v] : *it->context) if (k == name) return &v;
      } else if (it->name == name) {
        return it->value;
      }
    }
    return scope_.find(name);
  }

  static Value negate(const Value& v) {
    if (auto* d = v.get<Decimal>()) return Value(Decimal(-*d));
    if (auto* d = v.get<DayTimeDuration>()) return Value(DayTimeDuration{-d->millis});
    if (auto* d = v.get<YearMonthDuration>()) return Value(YearMonthDuration{-d->months});
    return {};
  }

  static Value add_months(DateTime dt, std::int64_t months) {
    iso8601::Duration d;
    d.months = months;
    return Value(DateTime{iso8601::add(dt.millis, d), dt.has_zone});
  }

  static Value arithmetic(Op op, const Value& a, const Value& b) {
    if (auto* x = a.get<Decimal>()) {
      auto* y = b.get<Decimal>();
      if (y) {
        switch (op) {
          case Op::Add: return Value(Decimal(*x + *y));
          case Op::Sub: return Value(Decimal(*x - *y));
          case Op::Mul: return Value(Decimal(*x * *y));
          case Op::Div: return y->is_zero() ? Value() : Value(Decimal(*x / *y));
          case Op::Pow: return Value(Decimal(boost::multiprecision::pow(*x, *y)));
          default: return {};
        }
      }
      if (op == Op::Mul) return arithmetic(op, b, a);
      return {};
    }
    if (op == Op::Add) {
      if (auto* x = a.get<std::string>(); x && b.get<std::string>()) return Value(*x + *b.get<std::string>());
    }
    // Durations
    if (auto* x = a.get<DayTimeDuration>()) {
      if (auto* y = b.get<DayTimeDuration>()) {
        if (op == Op::Add) return Value(DayTimeDuration{x->millis + y->millis});
        if (op == Op::Sub) return Value(DayTimeDuration{x->millis - y->millis});
        if (op == Op::Div && y->millis) return Value(Decimal(Decimal(x->millis) / Decimal(y->millis)));
      }
      if (auto* n = b.get<Decimal>(); n && (op == Op::Mul || op == Op::Div)) {
        if (op == Op::Div && n->is_zero()) return {};
        Decimal r = op == Op::Mul ? Decimal(x->millis) * *n : Decimal(x->millis) / *n;
        return Value(DayTimeDuration{static_cast<std::int64_t>(boost::multiprecision::round(r))});
      }
      if (op == Op::Add && (b.get<DateTime>() || b.get<Date>())) return arithmetic(op, b, a);
    }
    if (auto* x = a.get<YearMonthDuration>()) {
      if (auto* y = b.get<YearMonthDuration>()) {
        if (op == Op::Add) return Value(YearMonthDuration{x->months + y->months});
        if (op == Op::Sub) return Value(YearMonthDuration{x->months - y->months});
      }
      if (auto* n = b.get<Decimal>(); n && op == Op::Mul) {
        return Value(YearMonthDuration{static_cast<std::int64_t>(boost::multiprecision::round(Decimal(x->months) * *n))});
      }
      if (op == Op::Add && (b.get<DateTime>() || b.get<Date>())) return arithmetic(op, b, a);
    }
    // Times of day: plus or minus a duration wraps around midnight; time - time is a duration.
    if (auto* t = a.get<Time>()) {
      if (auto* d = b.get<DayTimeDuration>(); d && (op == Op::Add || op == Op::Sub)) {
        std::int64_t ms = (t->millis + (op == Op::Add ? d->millis : -d->millis)) % 86'400'000;
        if (ms < 0) ms += 86'400'000;
        return Value(Time{ms, t->has_zone, t->offset_seconds});
      }
      if (auto* u = b.get<Time>(); u && op == Op::Sub && u->has_zone == t->has_zone) {
        return Value(DayTimeDuration{t->has_zone ? time_utc_millis(*t) - time_utc_millis(*u) : t->millis - u->millis});
      }
      return {};
    }
    if (b.get<Time>() && a.get<DayTimeDuration>() && op == Op::Add) return arithmetic(op, b, a);
    // Dates and date-times
    auto as_dt = [](const Value& v) -> std::optional<DateTime> {
      if (auto* d = v.get<DateTime>()) return *d;
      if (auto* d = v.get<Date>()) return DateTime{d->days * 86'400'000, false};
      return std::nullopt;
    };
    if (auto dt = as_dt(a)) {
      const bool date_only = a.get<Date>() != nullptr;
      auto back = [&](Value r) -> Value {
        if (!date_only) return r;
        auto* x = r.get<DateTime>();
        return x ? Value(Date{x->millis / 86'400'000 - (x->millis % 86'400'000 < 0)}) : r;
      };
      if (auto* d = b.get<DayTimeDuration>()) {
        if (op == Op::Add) return back(Value(DateTime{dt->millis + d->millis, dt->has_zone}));
        if (op == Op::Sub) return back(Value(DateTime{dt->millis - d->millis, dt->has_zone}));
      }
      if (auto* d = b.get<YearMonthDuration>()) {
        if (op == Op::Add) return back(add_months(*dt, d->months));
        if (op == Op::Sub) return back(add_months(*dt, -d->months));
      }
      if (auto other = as_dt(b); other && op == Op::Sub) return Value(DayTimeDuration{dt->millis - other->millis});
    }
    return {};
  }

  static Value comparison(Op op, const Value& a, const Value& b) {
    if (op == Op::Eq || op == Op::Ne) {
      if (!a.is_null() && !b.is_null() && a.data().index() != b.data().index()) return {};
      const bool eq = equal(a, b);
      return op == Op::Eq ? eq : !eq;
    }
    auto c = compare(a, b);
    if (!c) return {};
    switch (op) {
      case Op::Lt: return *c < 0;
      case Op::Le: return *c <= 0;
      case Op::Gt: return *c > 0;
      default: return *c >= 0;
    }
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

  static Value path(const Value& base, const std::string& name) {
    if (const Context* c = base.context()) {
      for (const auto& [k, v] : *c) if (k == name) return v;
      return {};
    }
    if (const List* l = base.list()) {
      List out;
      for (const auto& item : *l) out.push_back(path(item, name));
      return out;
    }
    std::int64_t y; unsigned m, d;
    auto date_parts = [&](std::int64_t days) { civil_from_days(days, y, m, d); };
    if (auto* x = base.get<Date>()) date_parts(x->days);
    else if (auto* t = base.get<DateTime>()) {
      std::int64_t days = t->millis / 86'400'000 - (t->millis % 86'400'000 < 0);
      std::int64_t rest = t->millis - days * 86'400'000;
      date_parts(days);
      if (name == "hour") return Value(Decimal(rest / 3'600'000));
      if (name == "minute") return Value(Decimal(rest / 60'000 % 60));
      if (name == "second") return Value(Decimal(rest / 1000 % 60));
    } else if (auto* tm = base.get<Time>()) {
      if (name == "hour") return Value(Decimal(tm->millis / 3'600'000));
      if (name == "minute") return Value(Decimal(tm->millis / 60'000 % 60));
      if (name == "second") return Value(Decimal(tm->millis / 1000 % 60));
      if (name == "time offset") return tm->has_zone ? Value(DayTimeDuration{std::int64_t{tm->offset_seconds} * 1000}) : Value();
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
        const auto i = static_cast<std::int64_t>(*d);
        const auto n = static_cast<std::int64_t>(list->size());
        if (i >= 1 && i <= n) return (*list)[static_cast<std::size_t>(i - 1)];
        if (i < 0 && -i <= n) return (*list)[static_cast<std::size_t>(n + i)];
        return {};
      }
      if (f.op == Op::Literal || f.op == Op::Neg) return {};
    }
    List out;
    for (const auto& item : *list) {
      frames_.push_back({"item", &item, nullptr});
      if (const Context* c = item.context()) frames_.push_back({{}, nullptr, c});
      const bool keep = is_true(eval(f));
      if (item.context()) frames_.pop_back();
      frames_.pop_back();
      if (keep) out.push_back(item);
    }
    return out;
  }

  // Lists from for/some/every domains: lists, ranges of integers.
  static std::optional<List> domain(const Value& v) {
    if (const List* l = v.list()) return *l;
    if (const Range* r = v.range()) {
      auto* a = r->start.get<Decimal>();
      auto* b = r->end.get<Decimal>();
      if (!a || !b) return std::nullopt;
      List out;
      const auto from = static_cast<std::int64_t>(*a), to = static_cast<std::int64_t>(*b);
      if (std::abs(to - from) > 1'000'000) return std::nullopt;
      for (std::int64_t i = from; from <= to ? i <= to : i >= to; i += from <= to ? 1 : -1) out.push_back(Value(Decimal(i)));
      return out;
    }
    if (v.is_null()) return std::nullopt;
    return List{v};
  }

  Value iterate(const Node& n) {
    const std::size_t vars = n.names.size();
    List results;
    std::vector<List> domains;
    for (std::size_t i = 0; i < vars; ++i) {
      auto d = domain(eval(*n.kids[i]));
      if (!d) return {};
      domains.push_back(std::move(*d));
    }
    std::vector<std::size_t> at(vars, 0);
    for (const auto& d : domains) if (d.empty()) return n.op == Op::For ? Value(List{}) : Value(n.op == Op::Every);
    while (true) {
      for (std::size_t i = 0; i < vars; ++i) frames_.push_back({n.names[i], &domains[i][at[i]], nullptr});
      Value partial(results);
      frames_.push_back({"partial", &partial, nullptr});
      Value r = eval(*n.kids[vars]);
      frames_.resize(frames_.size() - vars - 1);
      if (n.op == Op::Some && is_true(r)) return true;
      if (n.op == Op::Every && !is_true(r)) return false;
      results.push_back(std::move(r));
      std::size_t k = vars;
      while (k > 0 && ++at[k - 1] == domains[k - 1].size()) at[--k] = 0;
      if (k == 0) break;
    }
    if (n.op == Op::Some) return false;
    if (n.op == Op::Every) return true;
    return results;
  }

  Value context_literal(const Node& n) {
    Context ctx;
    ctx.reserve(n.names.size());
    for (std::size_t i = 0; i < n.names.size(); ++i) {
      // Later entries may use earlier ones.
      Value partial(ctx);
      frames_.push_back({{}, nullptr, partial.context()});
      Value v = eval(*n.kids[i]);
      frames_.pop_back();
      ctx.emplace_back(n.names[i], std::move(v));
    }
    return ctx;
  }

  static Value instance_of(const Value& v, const std::string& type) {
    if (type == "Any") return !v.is_null();
    if (type == "Null") return v.is_null();
    return v.type_name() == type;
  }

  // Calls a user-defined function with positional arguments.
  Value invoke(const Function& f, const List& args) {
    if (++depth_ > kMaxDepth) { --depth_; return {}; }  // runaway recursion: null
    const Value closure(f.closure);
    frames_.push_back({{}, nullptr, closure.context()});
    for (std::size_t i = 0; i < f.params.size(); ++i) frames_.push_back({f.params[i], i < args.size() ? &args[i] : &kNull, nullptr});
    Value out = eval(*f.body);
    frames_.resize(frames_.size() - f.params.size() - 1);
    --depth_;
    return out;
  }

  // sort(list, precedes): a stable sort by a user function (precedes(a, b) is true when a
  // comes first).
  Value sort(const Node& n) {
    if (n.kids.size() != 2 || !n.names.empty()) return {};
    Value list = eval(*n.kids[0]);
    Value fn = eval(*n.kids[1]);
    if (!list.list() || !fn.function()) return {};
    List items = *list.list();
    bool ok = true;
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
      Value r = invoke(*fn.function(), List{a, b});
      if (!r.get<bool>()) ok = false;
      return is_true(r);
    });
    return ok ? Value(std::move(items)) : Value();
  }

  Value call(const Node& n) {
    const auto* params = builtin_params(n.name);
    if (!params) {
      if (n.name == "sort") return sort(n);
      const Value* fn = lookup(n.name);
      if (!fn || !fn->function()) return {};
      const Function& f = *fn->function();
      List args(f.params.size());
      const std::size_t positional = n.kids.size() - n.names.size();
      for (std::size_t i = 0; i < positional && i < args.size(); ++i) args[i] = eval(*n.kids[i]);
      for (std::size_t i = 0; i < n.names.size(); ++i) {
        auto it = std::find(f.params.begin(), f.params.end(), n.names[i]);
        if (it == f.params.end()) return {};
        args[static_cast<std::size_t>(it - f.params.begin())] = eval(*n.kids[positional + i]);
      }
      const Value keep = *fn;  // the function value may live in a frame that eval changes
      return invoke(*keep.function(), args);
    }
    BuiltinCall c;
    c.now_millis = options_.now_millis ? options_.now_millis() : 0;
    const std::size_t positional = n.kids.size() - n.names.size();
    for (std::size_t i = 0; i < positional; ++i) c.args.push_back(eval(*n.kids[i]));
    for (std::size_t i = 0; i < n.names.size(); ++i) {
      auto it = std::find(params->begin(), params->end(), n.names[i]);
      if (it == params->end()) return {};
      const auto slot = static_cast<std::size_t>(it - params->begin());
      if (c.args.size() <= slot) c.args.resize(slot + 1);
      c.args[slot] = eval(*n.kids[positional + i]);
    }
    return call_builtin(n.name, c);
  }

  static constexpr int kMaxDepth = 200;
  static inline const Value kNull{};
  const Scope& scope_;
  const EvalOptions& options_;
  std::vector<Frame> frames_;
  int depth_ = 0;
};

// Moves an error's column from the inner text to the column in the original text.
Failure shifted(Error err, std::size_t offset) {
  for (auto& [k, v] : err.context) if (k == "col") v = std::to_string(std::stoul(v) + offset);
  return fail(std::move(err));
}

}  // namespace

bool looks_like_expression(std::string_view text) {
  return !text.empty() && (text.front() == '=' || text.rfind("${", 0) == 0 || text.rfind("#{", 0) == 0);
}

const Value* ContextScope::find(std::string_view name) const {
  if (!context_) return nullptr;
  for (const auto& [k, v] : *context_) if (k == name) return &v;
  return nullptr;
}

Result<Expression> Expression::compile(std::string_view text) {
  std::size_t offset = 0;
  while (offset < text.size() && std::isspace(static_cast<unsigned char>(text[offset]))) ++offset;
  std::string_view body = text.substr(offset);
  bool juel = false;
  if (body.rfind("${", 0) == 0 || body.rfind("#{", 0) == 0) {  // Camunda/Flowable JUEL
    auto end = body.rfind('}');
    while (end != std::string_view::npos && end + 1 < body.size() && std::isspace(static_cast<unsigned char>(body[end + 1]))) break;
    if (end == std::string_view::npos || body.find_first_not_of(" \t\r\n", end + 1) != std::string_view::npos) {
      Error e{Errc::ExpressionError, "a ${...} expression must be the whole text (templates such as \"a${x}b\" are not supported)", {}};
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

Value Expression::evaluate(const Scope& scope, const EvalOptions& options) const {
  Evaluator ev(scope, options);
  return ev.eval(*root_);
}

Value Expression::test(const Value& input, const Scope& scope, const EvalOptions& options) const {
  Evaluator ev(scope, options);
  return ev.test(*root_, input);
}

}  // namespace elva::expr
