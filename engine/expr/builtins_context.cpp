// FEEL context built-ins (DMN 1.5 §10.3.4.10): get value, get entries, context, context put
// (one key or a path of keys) and context merge. Contexts keep the order of their entries; a
// key that is put again keeps its place. Every entry copied or visited is a step.
#include <unordered_map>

#include "expr/budget.hpp"
#include "expr/builtin_table.hpp"

namespace elva::expr {
namespace {

const Value* find(const Context& c, const std::string& key) {
  for (const auto& [k, v] : c)
    if (k == key) return &v;
  return nullptr;
}

// `c` with `key` set to `value`.
Value put(const Context& c, const std::string& key, const Value& value) {
  if (!spend(c.size() + 1)) return {};
  Context out = c;
  for (auto& [k, v] : out) {
    if (k == key) {
      v = value;
      return out;
    }
  }
  out.emplace_back(key, value);
  return out;
}

// Builds a context entry by entry in linear time: a key set again keeps its place.
class ContextBuilder {
 public:
  // False when the key is there already and `replace` is false.
  bool set(const std::string& key, const Value& v, bool replace) {
    auto [it, fresh] = index_.emplace(key, out_.size());
    if (fresh) {
      out_.emplace_back(key, v);
      return true;
    }
    if (!replace) return false;
    out_[it->second].second = v;
    return true;
  }
  Context take() { return std::move(out_); }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  Context out_;
};

// context put(context, keys, value): the entry at the path `keys` (from `from` on) set; each
// context on the path must exist.
Value put_path(const Context& c, const List& keys, std::size_t from, const Value& value) {
  auto* key = keys[from].get<std::string>();
  if (!key) return {};
  if (from + 1 == keys.size()) return put(c, *key, value);
  const Value* inner = find(c, *key);
  if (!inner || !inner->context()) return {};
  Value changed = put_path(*inner->context(), keys, from + 1, value);
  return changed.is_null() ? Value() : put(c, *key, changed);
}

}  // namespace

void add_context_builtins(BuiltinTable& t) {
  t["get value"] = {{"m", "key"},
                    [](const BuiltinCall& c) -> Value {
                      auto* ctx = c.args[0].context();
                      auto* k = str(c.args, 1);
                      if (!ctx || !k || !spend(ctx->size())) return {};
                      const Value* v = find(*ctx, *k);
                      return v ? *v : Value();
                    },
                    2};
  t["get entries"] = {{"m"},
                      [](const BuiltinCall& c) -> Value {
                        auto* ctx = c.args[0].context();
                        if (!ctx || !spend(ctx->size())) return {};
                        List out;
                        out.reserve(ctx->size());
                        for (const auto& [k, v] : *ctx)
                          out.push_back(Value(Context{{"key", Value(k)}, {"value", v}}));
                        return out;
                      },
                      1};
  // context(entries): a list of {key, value} contexts; a key given twice is an error (null).
  t["context"] = {{"entries"},
                  [](const BuiltinCall& c) -> Value {
                    List storage;
                    const List& l = *items(c.args, storage);
                    if (!spend(l.size())) return {};
                    ContextBuilder out;
                    for (const auto& e : l) {
                      auto* entry = e.context();
                      if (!entry || !spend(entry->size())) return {};
                      const Value* k = find(*entry, "key");
                      const Value* v = find(*entry, "value");
                      if (!k || !v || !k->get<std::string>()) return {};
                      if (!out.set(*k->get<std::string>(), *v, false)) return {};
                    }
                    return out.take();
                  },
                  1,
                  true};
  t["context put"] = {{"context", "key", "value"},
                      [](const BuiltinCall& c) -> Value {
                        auto* ctx = c.args[0].context();
                        if (!ctx || c.args.size() < 3) return {};
                        if (auto* key = str(c.args, 1)) return put(*ctx, *key, c.args[2]);
                        auto* keys = lst(c.args, 1);
                        if (!keys || keys->empty() || !spend(keys->size())) return {};
                        return put_path(*ctx, *keys, 0, c.args[2]);
                      },
                      3,
                      false,
                      {{"context", "keys", "value"}}};
  t["context merge"] = {{"contexts"},
                        [](const BuiltinCall& c) -> Value {
                          List storage;
                          const List& l = *items(c.args, storage);
                          ContextBuilder out;
                          for (const auto& v : l) {
                            auto* ctx = v.context();
                            if (!ctx || !spend(ctx->size())) return {};
                            for (const auto& [k, x] : *ctx) out.set(k, x, true);
                          }
                          return out.take();
                        },
                        1,
                        true};
}

}  // namespace elva::expr
