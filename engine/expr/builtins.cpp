// FEEL built-in functions. One table: name -> parameter names and implementation.
#include "expr/builtins.hpp"

#include <algorithm>
#include <functional>
#include <regex>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/iso8601.hpp"

namespace elva::expr {
namespace {

using Args = std::vector<Value>;
using Fn = std::function<Value(const BuiltinCall&)>;

struct Builtin {
  std::vector<std::string_view> params;
  Fn fn;
  std::size_t min_args;
};

const Decimal* num(const Args& a, std::size_t i) { return i < a.size() ? a[i].get<Decimal>() : nullptr; }
const std::string* str(const Args& a, std::size_t i) { return i < a.size() ? a[i].get<std::string>() : nullptr; }
const List* lst(const Args& a, std::size_t i) { return i < a.size() ? a[i].list() : nullptr; }

// FEEL positions are 1-based and count from the end when negative: the 0-based index.
std::int64_t zero_based(std::int64_t position, std::int64_t length) {
  return position > 0 ? position - 1 : length + position;
}

// FEEL list functions accept either one list or the items as arguments: max(1, 2) = max([1, 2]).
List items(const Args& a) {
  if (a.size() == 1 && a[0].list()) return *a[0].list();
  return a;
}

std::u32string decode(const std::string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len && i + static_cast<std::size_t>(k) < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    out += cp;
    i += static_cast<std::size_t>(len);
  }
  return out;
}

std::string encode(const std::u32string& s) {
  std::string out;
  for (char32_t cp : s) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) { out += static_cast<char>(0xE0 | (cp >> 12)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
    else { out += static_cast<char>(0xF0 | (cp >> 18)); out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
  }
  return out;
}

Value string_of(const Value& v) {
  if (v.is_null()) return {};
  if (auto* s = v.get<std::string>()) return *s;
  auto j = v.to_json();
  return j.is_string() ? Value(j.get<std::string>()) : Value(v.to_string());
}

Value extreme(const Args& a, int sign) {
  List l = items(a);
  if (l.empty()) return {};
  Value best = l[0];
  for (const auto& v : l) {
    auto c = compare(v, best);
    if (!c) return {};
    if (*c * sign > 0) best = v;
  }
  return best;
}

Value sum_of(const List& l) {
  Decimal total = 0;
  for (const auto& v : l) {
    auto* d = v.get<Decimal>();
    if (!d) return {};
    total += *d;
  }
  return Value(total);
}

Value round_to(const Args& a, int mode) {  // 0 up, 1 down, 2 half up, 3 half down, 4 half even
  auto* n = num(a, 0);
  auto* s = num(a, 1);
  if (!n) return {};
  const auto scale = s ? static_cast<int>(*s) : 0;
  const Decimal factor = boost::multiprecision::pow(Decimal(10), scale);
  Decimal x = *n * factor;
  const bool neg = x < 0;
  Decimal ax = boost::multiprecision::abs(x);
  Decimal fl = boost::multiprecision::floor(ax);
  Decimal frac = ax - fl;
  Decimal r = fl;
  if (mode == 0 && frac > 0) r = fl + 1;
  else if (mode == 2 && frac >= Decimal("0.5")) r = fl + 1;
  else if (mode == 3 && frac > Decimal("0.5")) r = fl + 1;
  else if (mode == 4 && (frac > Decimal("0.5") || (frac == Decimal("0.5") && boost::multiprecision::fmod(fl, Decimal(2)) != 0))) r = fl + 1;
  return Value(Decimal((neg ? -r : r) / factor));
}

const std::unordered_map<std::string_view, Builtin>& table() {
  static const std::unordered_map<std::string_view, Builtin> t{
      // JUEL's `empty x`: null, "", [] or {}.
      {"is empty", {{"value"}, [](const BuiltinCall& c) -> Value {
         const Value& v = c.args[0];
         if (v.is_null()) return true;
         if (auto* s = v.get<std::string>()) return s->empty();
         if (auto* l = v.list()) return l->empty();
         if (auto* ctx = v.context()) return ctx->empty();
         return false;
       }, 1}},
      {"not", {{"negand"}, [](const BuiltinCall& c) -> Value { auto* b = c.args[0].get<bool>(); return b ? Value(!*b) : Value(); }, 1}},
      {"string", {{"from"}, [](const BuiltinCall& c) { return string_of(c.args[0]); }, 1}},
      {"number", {{"from", "grouping separator", "decimal separator"}, [](const BuiltinCall& c) -> Value {
         auto* s = str(c.args, 0);
         if (!s) return {};
         std::string x = *s;
         if (auto* g = str(c.args, 1)) x.erase(std::remove(x.begin(), x.end(), (*g)[0]), x.end());
         if (auto* d = str(c.args, 2)) std::replace(x.begin(), x.end(), (*d)[0], '.');
         auto d = decimal_from_string(x);
         return d ? Value(*d) : Value();
       }, 1}},
      {"date", {{"from", "month", "day"}, [](const BuiltinCall& c) -> Value {
         if (auto* s = str(c.args, 0)) return date_from_string(*s);
         if (auto* dt = c.args[0].get<DateTime>()) return Value(Date{dt->millis / 86'400'000 - (dt->millis % 86'400'000 < 0)});
         if (auto* d = c.args[0].get<Date>()) return Value(*d);
         auto *y = num(c.args, 0), *m = num(c.args, 1), *d = num(c.args, 2);
         if (!y || !m || !d) return {};
         return date_from_string(date_to_string(Date{days_from_civil(static_cast<std::int64_t>(*y), static_cast<unsigned>(*m), static_cast<unsigned>(*d))}));
       }, 1}},
      {"date and time", {{"from", "time"}, [](const BuiltinCall& c) -> Value {
         if (auto* s = str(c.args, 0)) return date_time_from_string(*s);
         const Date* d = c.args[0].get<Date>();
         const Time* tm = c.args.size() > 1 ? c.args[1].get<Time>() : nullptr;
         if (const auto* dt = c.args[0].get<DateTime>(); dt && tm) {
           const Date day{dt->millis / 86'400'000 - (dt->millis % 86'400'000 < 0)};
           return Value(DateTime{day.days * 86'400'000 + (tm->has_zone ? time_utc_millis(*tm) : tm->millis), tm->has_zone});
         }
         if (!d || !tm) return {};
         return Value(DateTime{d->days * 86'400'000 + (tm->has_zone ? time_utc_millis(*tm) : tm->millis), tm->has_zone});
       }, 1}},
      {"time", {{"from", "minute", "second", "offset"}, [](const BuiltinCall& c) -> Value {
         if (auto* s = str(c.args, 0)) return time_from_string(*s) ? Value(*time_from_string(*s)) : Value();
         if (auto* tm = c.args[0].get<Time>()) return Value(*tm);
         if (auto* dt = c.args[0].get<DateTime>()) {
           std::int64_t rest = dt->millis % 86'400'000;
           if (rest < 0) rest += 86'400'000;
           return Value(Time{rest, dt->has_zone, 0});
         }
         if (c.args[0].get<Date>()) return Value(Time{0, true, 0});  // midnight UTC, as the spec says
         auto *h = num(c.args, 0), *m = num(c.args, 1), *sec = num(c.args, 2);
         if (!h || !m || !sec || *h < 0 || *h > 23 || *m < 0 || *m > 59 || *sec < 0 || *sec >= 60) return {};
         Time out{static_cast<std::int64_t>(*h) * 3'600'000 + static_cast<std::int64_t>(*m) * 60'000 +
                    static_cast<std::int64_t>(boost::multiprecision::round(*sec * 1000)), false, 0};
         if (c.args.size() > 3 && !c.args[3].is_null()) {
           auto* off = c.args[3].get<DayTimeDuration>();
           if (!off) return {};
           out.has_zone = true;
           out.offset_seconds = static_cast<std::int32_t>(off->millis / 1000);
         }
         return Value(out);
       }, 1}},
      {"duration", {{"from"}, [](const BuiltinCall& c) -> Value { auto* s = str(c.args, 0); return s ? duration_from_string(*s) : Value(); }, 1}},
      {"years and months duration", {{"from", "to"}, [](const BuiltinCall& c) -> Value {
         auto to_days = [](const Value& v) -> std::optional<std::int64_t> {
           if (auto* d = v.get<Date>()) return d->days;
           if (auto* d = v.get<DateTime>()) return d->millis / 86'400'000;
           return std::nullopt;
         };
         auto a = to_days(c.args[0]), b = to_days(c.args[1]);
         if (!a || !b) return {};
         std::int64_t y1, y2; unsigned m1, m2, d1, d2;
         civil_from_days(*a, y1, m1, d1);
         civil_from_days(*b, y2, m2, d2);
         std::int64_t months = (y2 - y1) * 12 + (static_cast<std::int64_t>(m2) - m1);
         if (months > 0 && d2 < d1) --months;
         if (months < 0 && d2 > d1) ++months;
         return Value(YearMonthDuration{months});
       }, 2}},
      {"now", {{}, [](const BuiltinCall& c) { return Value(DateTime{c.now_millis, true}); }, 0}},
      {"today", {{}, [](const BuiltinCall& c) { return Value(Date{c.now_millis / 86'400'000}); }, 0}},
      {"substring", {{"string", "start position", "length"}, [](const BuiltinCall& c) -> Value {
         auto* s = str(c.args, 0); auto* start = num(c.args, 1);
         if (!s || !start) return {};
         auto u = decode(*s);
         auto n = static_cast<std::int64_t>(u.size()), p = static_cast<std::int64_t>(*start);
         const std::int64_t from = zero_based(p, n);
         if (from < 0 || from > n) return {};
         std::int64_t len = n - from;
         if (auto* l = num(c.args, 2)) len = std::min<std::int64_t>(len, static_cast<std::int64_t>(*l));
         return encode(u.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(std::max<std::int64_t>(len, 0))));
       }, 2}},
      {"string length", {{"string"}, [](const BuiltinCall& c) -> Value { auto* s = str(c.args, 0); return s ? Value(Decimal(decode(*s).size())) : Value(); }, 1}},
      {"upper case", {{"string"}, [](const BuiltinCall& c) -> Value { auto* s = str(c.args, 0); if (!s) return {}; std::string r = *s; std::transform(r.begin(), r.end(), r.begin(), ::toupper); return r; }, 1}},
      {"lower case", {{"string"}, [](const BuiltinCall& c) -> Value { auto* s = str(c.args, 0); if (!s) return {}; std::string r = *s; std::transform(r.begin(), r.end(), r.begin(), ::tolower); return r; }, 1}},
      {"substring before", {{"string", "match"}, [](const BuiltinCall& c) -> Value { auto *s = str(c.args, 0), *m = str(c.args, 1); if (!s || !m) return {}; auto i = s->find(*m); return i == std::string::npos ? std::string() : s->substr(0, i); }, 2}},
      {"substring after", {{"string", "match"}, [](const BuiltinCall& c) -> Value { auto *s = str(c.args, 0), *m = str(c.args, 1); if (!s || !m) return {}; auto i = s->find(*m); return i == std::string::npos ? std::string() : s->substr(i + m->size()); }, 2}},
      {"contains", {{"string", "match"}, [](const BuiltinCall& c) -> Value { auto *s = str(c.args, 0), *m = str(c.args, 1); if (!s || !m) return {}; return s->find(*m) != std::string::npos; }, 2}},
      {"starts with", {{"string", "match"}, [](const BuiltinCall& c) -> Value { auto *s = str(c.args, 0), *m = str(c.args, 1); if (!s || !m) return {}; return s->rfind(*m, 0) == 0; }, 2}},
      {"ends with", {{"string", "match"}, [](const BuiltinCall& c) -> Value { auto *s = str(c.args, 0), *m = str(c.args, 1); if (!s || !m) return {}; return s->size() >= m->size() && s->compare(s->size() - m->size(), m->size(), *m) == 0; }, 2}},
      {"matches", {{"input", "pattern", "flags"}, [](const BuiltinCall& c) -> Value {
         auto *s = str(c.args, 0), *p = str(c.args, 1);
         if (!s || !p) return {};
         try { return std::regex_search(*s, std::regex(*p)); } catch (const std::regex_error&) { return {}; }
       }, 2}},
      {"replace", {{"input", "pattern", "replacement", "flags"}, [](const BuiltinCall& c) -> Value {
         auto *s = str(c.args, 0), *p = str(c.args, 1), *r = str(c.args, 2);
         if (!s || !p || !r) return {};
         try { return std::regex_replace(*s, std::regex(*p), *r); } catch (const std::regex_error&) { return {}; }
       }, 3}},
      {"split", {{"string", "delimiter"}, [](const BuiltinCall& c) -> Value {
         auto *s = str(c.args, 0), *d = str(c.args, 1);
         if (!s || !d) return {};
         try {
           std::regex re(*d);
           List out;
           std::sregex_token_iterator it(s->begin(), s->end(), re, -1), end;
           for (; it != end; ++it) out.push_back(Value(it->str()));
           return out;
         } catch (const std::regex_error&) { return {}; }
       }, 2}},
      {"string join", {{"list", "delimiter"}, [](const BuiltinCall& c) -> Value {
         auto* l = lst(c.args, 0);
         if (!l) return {};
         const std::string* d = str(c.args, 1);
         std::string out;
         bool first = true;
         for (const auto& v : *l) {
           if (v.is_null()) continue;
           auto* s = v.get<std::string>();
           if (!s) return {};
           out += (first || !d ? "" : *d) + *s;
           first = false;
         }
         return out;
       }, 1}},
      {"list contains", {{"list", "element"}, [](const BuiltinCall& c) -> Value { auto* l = lst(c.args, 0); if (!l) return {}; return std::any_of(l->begin(), l->end(), [&](const Value& v) { return equal(v, c.args[1]); }); }, 2}},
      {"count", {{"list"}, [](const BuiltinCall& c) -> Value { auto* l = lst(c.args, 0); return l ? Value(Decimal(l->size())) : Value(); }, 1}},
      {"min", {{"list"}, [](const BuiltinCall& c) { return extreme(c.args, -1); }, 1}},
      {"max", {{"list"}, [](const BuiltinCall& c) { return extreme(c.args, 1); }, 1}},
      {"sum", {{"list"}, [](const BuiltinCall& c) -> Value { List l = items(c.args); return l.empty() ? Value() : sum_of(l); }, 1}},
      {"mean", {{"list"}, [](const BuiltinCall& c) -> Value { List l = items(c.args); if (l.empty()) return {}; Value s = sum_of(l); auto* d = s.get<Decimal>(); return d ? Value(Decimal(*d / Decimal(l.size()))) : Value(); }, 1}},
      {"product", {{"list"}, [](const BuiltinCall& c) -> Value {
         List l = items(c.args);
         if (l.empty()) return {};
         Decimal p = 1;
         for (const auto& v : l) { auto* d = v.get<Decimal>(); if (!d) return {}; p *= *d; }
         return Value(p);
       }, 1}},
      {"all", {{"list"}, [](const BuiltinCall& c) -> Value {
         bool unknown = false;
         for (const auto& v : items(c.args)) { auto* b = v.get<bool>(); if (b && !*b) return false; if (!b) unknown = true; }
         return unknown ? Value() : Value(true);
       }, 1}},
      {"any", {{"list"}, [](const BuiltinCall& c) -> Value {
         bool unknown = false;
         for (const auto& v : items(c.args)) { auto* b = v.get<bool>(); if (b && *b) return true; if (!b) unknown = true; }
         return unknown ? Value() : Value(false);
       }, 1}},
      {"sublist", {{"list", "start position", "length"}, [](const BuiltinCall& c) -> Value {
         auto* l = lst(c.args, 0); auto* s = num(c.args, 1);
         if (!l || !s) return {};
         auto n = static_cast<std::int64_t>(l->size()), p = static_cast<std::int64_t>(*s);
         const std::int64_t from = zero_based(p, n);
         if (from < 0 || from >= n) return {};
         std::int64_t len = n - from;
         if (auto* k = num(c.args, 2)) len = std::min<std::int64_t>(len, static_cast<std::int64_t>(*k));
         return List(l->begin() + from, l->begin() + from + std::max<std::int64_t>(len, 0));
       }, 2}},
      {"append", {{"list", "item"}, [](const BuiltinCall& c) -> Value { auto* l = lst(c.args, 0); if (!l) return {}; List out = *l; out.insert(out.end(), c.args.begin() + 1, c.args.end()); return out; }, 1}},
      {"concatenate", {{"list"}, [](const BuiltinCall& c) -> Value { List out; for (const auto& a : c.args) { auto* l = a.list(); if (!l) return {}; out.insert(out.end(), l->begin(), l->end()); } return out; }, 1}},
      {"insert before", {{"list", "position", "newItem"}, [](const BuiltinCall& c) -> Value {
         auto* l = lst(c.args, 0); auto* p = num(c.args, 1);
         if (!l || !p || c.args.size() < 3) return {};
         auto n = static_cast<std::int64_t>(l->size()), i = static_cast<std::int64_t>(*p);
         const std::int64_t at = zero_based(i, n);
         if (at < 0 || at > n) return {};
         List out = *l;
         out.insert(out.begin() + at, c.args[2]);
         return out;
       }, 3}},
      {"remove", {{"list", "position"}, [](const BuiltinCall& c) -> Value {
         auto* l = lst(c.args, 0); auto* p = num(c.args, 1);
         if (!l || !p) return {};
         auto n = static_cast<std::int64_t>(l->size()), i = static_cast<std::int64_t>(*p);
         const std::int64_t at = zero_based(i, n);
         if (at < 0 || at >= n) return {};
         List out = *l;
         out.erase(out.begin() + at);
         return out;
       }, 2}},
      {"reverse", {{"list"}, [](const BuiltinCall& c) -> Value { auto* l = lst(c.args, 0); if (!l) return {}; return List(l->rbegin(), l->rend()); }, 1}},
      {"index of", {{"list", "match"}, [](const BuiltinCall& c) -> Value {
         auto* l = lst(c.args, 0);
         if (!l) return {};
         List out;
         for (std::size_t i = 0; i < l->size(); ++i) if (equal((*l)[i], c.args[1])) out.push_back(Value(Decimal(i + 1)));
         return out;
       }, 2}},
      {"distinct values", {{"list"}, [](const BuiltinCall& c) -> Value {
         auto* l = lst(c.args, 0);
         if (!l) return {};
         List out;
         for (const auto& v : *l) if (std::none_of(out.begin(), out.end(), [&](const Value& o) { return equal(o, v); })) out.push_back(v);
         return out;
       }, 1}},
      {"union", {{"list"}, [](const BuiltinCall& c) -> Value {
         List out;
         for (const auto& a : c.args) {
           auto* l = a.list();
           if (!l) return {};
           for (const auto& v : *l) if (std::none_of(out.begin(), out.end(), [&](const Value& o) { return equal(o, v); })) out.push_back(v);
         }
         return out;
       }, 1}},
      {"flatten", {{"list"}, [](const BuiltinCall& c) -> Value {
         auto* l = lst(c.args, 0);
         if (!l) return {};
         List out;
         std::function<void(const List&)> walk = [&](const List& in) {
           for (const auto& v : in) { if (auto* inner = v.list()) walk(*inner); else out.push_back(v); }
         };
         walk(*l);
         return out;
       }, 1}},
      {"decimal", {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 4); }, 2}},
      {"round up", {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 0); }, 1}},
      {"round down", {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 1); }, 1}},
      {"round half up", {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 2); }, 1}},
      {"round half down", {{"n", "scale"}, [](const BuiltinCall& c) { return round_to(c.args, 3); }, 1}},
      {"floor", {{"n"}, [](const BuiltinCall& c) -> Value { auto* n = num(c.args, 0); return n ? Value(Decimal(boost::multiprecision::floor(*n))) : Value(); }, 1}},
      {"ceiling", {{"n"}, [](const BuiltinCall& c) -> Value { auto* n = num(c.args, 0); return n ? Value(Decimal(boost::multiprecision::ceil(*n))) : Value(); }, 1}},
      {"abs", {{"n"}, [](const BuiltinCall& c) -> Value {
         if (auto* n = num(c.args, 0)) return Value(Decimal(boost::multiprecision::abs(*n)));
         if (auto* d = c.args[0].get<DayTimeDuration>()) return Value(DayTimeDuration{std::abs(d->millis)});
         return {};
       }, 1}},
      {"modulo", {{"dividend", "divisor"}, [](const BuiltinCall& c) -> Value {
         auto *a = num(c.args, 0), *b = num(c.args, 1);
         if (!a || !b || b->is_zero()) return {};
         return Value(Decimal(*a - *b * boost::multiprecision::floor(*a / *b)));
       }, 2}},
      {"sqrt", {{"number"}, [](const BuiltinCall& c) -> Value { auto* n = num(c.args, 0); return n && *n >= 0 ? Value(Decimal(boost::multiprecision::sqrt(*n))) : Value(); }, 1}},
      {"odd", {{"number"}, [](const BuiltinCall& c) -> Value { auto* n = num(c.args, 0); if (!n || boost::multiprecision::floor(*n) != *n) return {}; return boost::multiprecision::fmod(*n, Decimal(2)) != 0; }, 1}},
      {"even", {{"number"}, [](const BuiltinCall& c) -> Value { auto* n = num(c.args, 0); if (!n || boost::multiprecision::floor(*n) != *n) return {}; return boost::multiprecision::fmod(*n, Decimal(2)) == 0; }, 1}},
      {"get value", {{"m", "key"}, [](const BuiltinCall& c) -> Value {
         auto* ctx = c.args[0].context(); auto* k = str(c.args, 1);
         if (!ctx || !k) return {};
         for (const auto& [key, v] : *ctx) if (key == *k) return v;
         return {};
       }, 2}},
      {"get entries", {{"m"}, [](const BuiltinCall& c) -> Value {
         auto* ctx = c.args[0].context();
         if (!ctx) return {};
         List out;
         for (const auto& [k, v] : *ctx) out.push_back(Value(Context{{"key", Value(k)}, {"value", v}}));
         return out;
       }, 1}},
      {"day of week", {{"date"}, [](const BuiltinCall& c) -> Value {
         static const char* names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
         std::int64_t days;
         if (auto* date = c.args[0].get<Date>()) days = date->days;
         else if (auto* dt = c.args[0].get<DateTime>()) days = dt->millis / 86'400'000;
         else return {};
         return std::string(names[((days % 7) + 7 + 3) % 7]);
       }, 1}},
  };
  return t;
}

}  // namespace

const std::vector<std::string_view>* builtin_params(std::string_view name) {
  auto it = table().find(name);
  return it == table().end() ? nullptr : &it->second.params;
}

Value call_builtin(std::string_view name, const BuiltinCall& call) {
  auto it = table().find(name);
  if (it == table().end() || call.args.size() < it->second.min_args) return {};
  if (!it->second.params.empty() && call.args.size() > it->second.params.size() &&
      name != "append" && name != "concatenate" && name != "union" && name != "min" &&
      name != "max" && name != "sum" && name != "mean" && name != "all" && name != "any" &&
      name != "product") {
    return {};
  }
  return it->second.fn(call);
}

Value date_from_string(std::string_view text) {
  if (text.size() != 10) return {};
  auto dt = iso8601::parse_date_time(text);
  if (!dt) return {};
  return Value(Date{dt->epoch_millis / 86'400'000});
}

Value date_time_from_string(std::string_view text) {
  auto dt = iso8601::parse_date_time(text);
  if (!dt) return {};
  return Value(DateTime{dt->epoch_millis, dt->has_zone});
}

Value duration_from_string(std::string_view text) {
  const bool neg = !text.empty() && text.front() == '-';
  if (neg) text.remove_prefix(1);
  auto d = iso8601::parse_duration(text);
  if (!d) return {};
  const int sign = neg ? -1 : 1;
  if ((d->years || d->months) && !d->days && !d->millis) return Value(YearMonthDuration{sign * (d->years * 12 + d->months)});
  if (d->years || d->months) return {};
  return Value(DayTimeDuration{sign * (d->days * 86'400'000 + d->millis)});
}

}  // namespace elva::expr
