// FEEL list built-ins (DMN 1.5 §10.3.4.4). Each is linear in its list (distinct values and
// union hash the values), and every item it copies or visits is a step of the budget.
#include <algorithm>
#include <unordered_map>

#include "expr/budget.hpp"
#include "expr/builtin_table.hpp"
#include "expr/number.hpp"

namespace elva::expr {
namespace {

using Args = std::vector<Value>;

// A hash that agrees with FEEL equality (equal values hash alike): numbers by their nearest
// double, contexts independently of the order of their entries.
std::size_t hash_of(const Value& v) {
  spend();
  struct Visitor {
    std::size_t operator()(std::monostate) const { return 0x9e37; }
    std::size_t operator()(bool b) const { return b ? 3 : 5; }
    std::size_t operator()(const Decimal& d) const {
      return std::hash<double>{}(d.convert_to<double>());
    }
    std::size_t operator()(const std::string& s) const {
      spend_text(s.size());
      return std::hash<std::string>{}(s);
    }
    std::size_t operator()(Date d) const { return std::hash<std::int64_t>{}(d.days) * 7; }
    std::size_t operator()(DateTime d) const {
      return std::hash<std::int64_t>{}(d.millis) * 11 + d.has_zone;
    }
    std::size_t operator()(DayTimeDuration d) const {
      return std::hash<std::int64_t>{}(d.millis) * 13;
    }
    std::size_t operator()(YearMonthDuration d) const {
      return std::hash<std::int64_t>{}(d.months) * 17;
    }
    std::size_t operator()(Time t) const {
      return std::hash<std::int64_t>{}(t.has_zone ? time_utc_millis(t) : t.millis) * 19 +
             t.has_zone;
    }
    std::size_t operator()(const std::shared_ptr<const List>& l) const {
      std::size_t h = 23;
      for (const auto& item : *l) h = h * 31 + hash_of(item);
      return h;
    }
    std::size_t operator()(const std::shared_ptr<const Context>& c) const {
      std::size_t h = 29;
      for (const auto& [k, item] : *c) h += std::hash<std::string>{}(k)*37 + hash_of(item);
      return h;
    }
    std::size_t operator()(const std::shared_ptr<const Range>&) const { return 41; }
    std::size_t operator()(const std::shared_ptr<const Function>&) const { return 43; }
  };
  return std::visit(Visitor{}, v.data());
}

// Adds to `out` the items of `in` that are not in it yet (FEEL equality).
class Distinct {
 public:
  bool add(const List& in) {
    for (const auto& v : in) {
      if (current_budget() && current_budget()->exhausted()) return false;
      const std::size_t h = hash_of(v);
      auto [from, to] = seen_.equal_range(h);
      if (std::none_of(from, to, [&](const auto& e) { return equal(out_[e.second], v); })) {
        seen_.emplace(h, out_.size());
        out_.push_back(v);
      }
    }
    return true;
  }
  List take() { return std::move(out_); }

 private:
  std::unordered_multimap<std::size_t, std::size_t> seen_;
  List out_;
};

// all() and any(): `decisive` (false for all, true for any) ends the scan; a non-boolean item
// makes the answer null unless a decisive item comes.
Value quantified(const BuiltinCall& c, bool decisive) {
  List storage;
  const List& l = *items(c.args, storage);
  if (!spend(l.size())) return {};
  bool unknown = false;
  for (const auto& v : l) {
    auto* b = v.get<bool>();
    if (b && *b == decisive) return decisive;
    if (!b) unknown = true;
  }
  return unknown ? Value() : Value(!decisive);
}

Value extreme(const Args& a, int sign) {
  List storage;
  const List& l = *items(a, storage);
  if (l.empty() || !spend(l.size())) return {};
  const Value* best = &l[0];
  for (const auto& v : l) {
    auto c = compare(v, *best);
    if (!c) return {};
    if (*c * sign > 0) best = &v;
  }
  return *best;
}

Value sum_of(const List& l) {
  if (!spend(l.size())) return {};
  Decimal total = 0;
  for (const auto& v : l) {
    auto* d = v.get<Decimal>();
    if (!d) return {};
    total += *d;
  }
  return Value(total);  // null if it left decimal128's range
}

// A list's position argument as a machine integer, or nullopt.
std::optional<std::int64_t> position(const Args& a, std::size_t i) {
  auto* p = num(a, i);
  return p ? truncated(*p) : std::nullopt;
}

void flatten_into(const List& in, List& out) {
  for (const auto& v : in) {
    if (!spend()) return;
    if (auto* inner = v.list())
      flatten_into(*inner, out);  // as deep as the value: kMaxValueDepth
    else
      out.push_back(v);
  }
}

}  // namespace

void add_list_builtins(BuiltinTable& t) {
  t["list contains"] = {{"list", "element"},
                        [](const BuiltinCall& c) -> Value {
                          auto* l = lst(c.args, 0);
                          if (!l) return {};
                          return std::any_of(l->begin(), l->end(), [&](const Value& v) {
                            return spend() && equal(v, c.args[1]);
                          });
                        },
                        2};
  t["count"] = {{"list"},
                [](const BuiltinCall& c) -> Value {
                  auto* l = lst(c.args, 0);
                  return l ? Value(Decimal(l->size())) : Value();
                },
                1};
  t["min"] = {{"list"}, [](const BuiltinCall& c) { return extreme(c.args, -1); }, 1, true};
  t["max"] = {{"list"}, [](const BuiltinCall& c) { return extreme(c.args, 1); }, 1, true};
  t["sum"] = {{"list"},
              [](const BuiltinCall& c) -> Value {
                List storage;
                const List& l = *items(c.args, storage);
                return l.empty() ? Value() : sum_of(l);
              },
              1,
              true};
  t["mean"] = {{"list"},
               [](const BuiltinCall& c) -> Value {
                 List storage;
                 const List& l = *items(c.args, storage);
                 if (l.empty()) return {};
                 Value s = sum_of(l);
                 auto* d = s.get<Decimal>();
                 return d ? Value(Decimal(*d / Decimal(l.size()))) : Value();
               },
               1,
               true};
  t["product"] = {{"list"},
                  [](const BuiltinCall& c) -> Value {
                    List storage;
                    const List& l = *items(c.args, storage);
                    if (l.empty() || !spend(l.size())) return {};
                    Decimal p = 1;
                    for (const auto& v : l) {
                      auto* d = v.get<Decimal>();
                      if (!d) return {};
                      p *= *d;
                      if (!representable(p))
                        return {};  // stop growing a number that is already out of range
                    }
                    return Value(p);
                  },
                  1,
                  true};
  t["all"] = {{"list"}, [](const BuiltinCall& c) { return quantified(c, false); }, 1, true};
  t["any"] = {{"list"}, [](const BuiltinCall& c) { return quantified(c, true); }, 1, true};
  t["sublist"] = {{"list", "start position", "length"},
                  [](const BuiltinCall& c) -> Value {
                    auto* l = lst(c.args, 0);
                    auto p = position(c.args, 1);
                    if (!l || !p) return {};
                    const auto n = static_cast<std::int64_t>(l->size());
                    const std::int64_t from = zero_based(*p, n);
                    if (from < 0 || from >= n) return {};
                    std::int64_t len = n - from;
                    if (c.args.size() > 2 && !c.args[2].is_null()) {
                      auto* length = num(c.args, 2);
                      auto k = length ? truncated(*length) : std::nullopt;
                      if (!length || (!k && *length < 0)) return {};
                      if (k)
                        len = std::min(len, *k);  // a longer length than there is: up to the end
                    }
                    len = std::max<std::int64_t>(len, 0);
                    if (!spend(static_cast<std::uint64_t>(len))) return {};
                    return List(l->begin() + from, l->begin() + from + len);
                  },
                  2};
  t["append"] = {{"list", "item"},
                 [](const BuiltinCall& c) -> Value {
                   auto* l = lst(c.args, 0);
                   if (!l || !spend(l->size() + c.args.size())) return {};
                   List out;
                   out.reserve(l->size() + c.args.size() - 1);
                   out = *l;
                   out.insert(out.end(), c.args.begin() + 1, c.args.end());
                   return out;
                 },
                 1,
                 true};
  t["concatenate"] = {{"list"},
                      [](const BuiltinCall& c) -> Value {
                        std::size_t total = 0;
                        for (const auto& a : c.args) {
                          auto* l = a.list();
                          if (!l) return {};
                          total += l->size();
                        }
                        if (!spend(total)) return {};
                        List out;
                        out.reserve(total);
                        for (const auto& a : c.args)
                          out.insert(out.end(), a.list()->begin(), a.list()->end());
                        return out;
                      },
                      1,
                      true};
  t["insert before"] = {{"list", "position", "newItem"},
                        [](const BuiltinCall& c) -> Value {
                          auto* l = lst(c.args, 0);
                          auto p = position(c.args, 1);
                          if (!l || !p || c.args.size() < 3 || !spend(l->size() + 1)) return {};
                          const auto n = static_cast<std::int64_t>(l->size());
                          const std::int64_t at = zero_based(*p, n);
                          if (at < 0 || at > n) return {};
                          List out = *l;
                          out.insert(out.begin() + at, c.args[2]);
                          return out;
                        },
                        3};
  t["remove"] = {{"list", "position"},
                 [](const BuiltinCall& c) -> Value {
                   auto* l = lst(c.args, 0);
                   auto p = position(c.args, 1);
                   if (!l || !p || !spend(l->size())) return {};
                   const auto n = static_cast<std::int64_t>(l->size());
                   const std::int64_t at = zero_based(*p, n);
                   if (at < 0 || at >= n) return {};
                   List out = *l;
                   out.erase(out.begin() + at);
                   return out;
                 },
                 2};
  t["reverse"] = {{"list"},
                  [](const BuiltinCall& c) -> Value {
                    auto* l = lst(c.args, 0);
                    if (!l || !spend(l->size())) return {};
                    return List(l->rbegin(), l->rend());
                  },
                  1};
  t["index of"] = {{"list", "match"},
                   [](const BuiltinCall& c) -> Value {
                     auto* l = lst(c.args, 0);
                     if (!l) return {};
                     List out;
                     for (std::size_t i = 0; i < l->size(); ++i) {
                       if (!spend()) return {};
                       if (equal((*l)[i], c.args[1])) out.push_back(Value(Decimal(i + 1)));
                     }
                     return out;
                   },
                   2};
  t["distinct values"] = {{"list"},
                          [](const BuiltinCall& c) -> Value {
                            auto* l = lst(c.args, 0);
                            if (!l) return {};
                            Distinct d;
                            if (!d.add(*l)) return {};
                            return d.take();
                          },
                          1};
  t["union"] = {{"list"},
                [](const BuiltinCall& c) -> Value {
                  Distinct d;
                  for (const auto& a : c.args) {
                    auto* l = a.list();
                    if (!l || !d.add(*l)) return {};
                  }
                  return d.take();
                },
                1,
                true};
  t["list replace"] = {
      {"list", "position", "newItem"},
      [](const BuiltinCall& c) -> Value {
        auto* l = lst(c.args, 0);
        if (!l || c.args.size() < 3 || !spend(l->size())) return {};
        List out = *l;
        if (c.args[1].function()) {  // list replace(list, match, newItem): match(item, newItem)
          if (!c.invoke) return {};
          for (auto& item : out) {
            Value hit = c.invoke(c.args[1], List{item, c.args[2]});
            auto* b = hit.get<bool>();
            if (!b) return {};
            if (*b) item = c.args[2];
          }
          return out;
        }
        auto p = position(c.args, 1);
        if (!p) return {};
        const auto n = static_cast<std::int64_t>(l->size());
        const std::int64_t at = zero_based(*p, n);
        if (*p == 0 || at < 0 || at >= n) return {};
        out[static_cast<std::size_t>(at)] = c.args[2];
        return out;
      },
      3,
      false,
      {{"list", "match", "newItem"}}};
  // sort(list, precedes): stable; precedes(a, b) is true when a comes first. Each comparison
  // is a call of precedes and pays for its evaluation.
  t["sort"] = {{"list", "precedes"},
               [](const BuiltinCall& c) -> Value {
                 auto* l = lst(c.args, 0);
                 if (!l || !c.args[1].function() || !c.invoke || !spend(l->size())) return {};
                 List out = *l;
                 bool ok = true;
                 std::stable_sort(out.begin(), out.end(), [&](const Value& a, const Value& b) {
                   if (!ok || (current_budget() && current_budget()->exhausted())) return false;
                   Value r = c.invoke(c.args[1], List{a, b});
                   auto* yes = r.get<bool>();
                   if (!yes) ok = false;
                   return yes && *yes;
                 });
                 if (!ok || (current_budget() && current_budget()->exhausted())) return {};
                 return out;
               },
               2};
  t["flatten"] = {{"list"},
                  [](const BuiltinCall& c) -> Value {
                    auto* l = lst(c.args, 0);
                    if (!l) return {};
                    List out;
                    flatten_into(*l, out);
                    return out;
                  },
                  1};
}

}  // namespace elva::expr
