// FEEL string built-ins (DMN 1.5 §10.3.4.3). Texts are counted in characters (code points);
// searches are linear (KMP for long needles), regular expressions run in RE2 (regex.hpp).
#include <algorithm>

#include "expr/budget.hpp"
#include "expr/builtin_table.hpp"
#include "expr/number.hpp"
#include "expr/regex.hpp"
#include "expr/utf8.hpp"

namespace elva::expr {
namespace {

using Args = std::vector<Value>;

std::u32string decode(const std::string& s) { return utf8_decode(s); }
std::string encode(const std::u32string& s) { return utf8_encode(s); }

std::size_t characters(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// First position of `needle` in `hay`: std::string_view::find for short needles (at most 64
// comparisons per byte), Knuth-Morris-Pratt for long ones (std::find is O(n * m)).
std::size_t find_text(std::string_view hay, std::string_view needle) {
  if (needle.size() <= 64) return hay.find(needle);
  std::vector<std::size_t> fail(needle.size(), 0);
  for (std::size_t i = 1, k = 0; i < needle.size(); ++i) {
    while (k > 0 && needle[i] != needle[k]) k = fail[k - 1];
    if (needle[i] == needle[k]) ++k;
    fail[i] = k;
  }
  for (std::size_t i = 0, k = 0; i < hay.size(); ++i) {
    while (k > 0 && hay[i] != needle[k]) k = fail[k - 1];
    if (hay[i] == needle[k]) ++k;
    if (k == needle.size()) return i + 1 - k;
  }
  return std::string_view::npos;
}

// Both texts, paid for; null when one is not a text.
bool two_texts(const Args& a, const std::string*& s, const std::string*& m) {
  s = str(a, 0);
  m = str(a, 1);
  return s && m && spend_text(s->size() + m->size());
}

// Simple (one-to-one) case mapping for the alphabets of Europe: ASCII, Latin-1 (å, ä, ö, ß
// stays), Latin Extended-A, Greek and Cyrillic. Other characters are left as they are.
char32_t change_case(char32_t c, bool upper) {
  auto shift = [&](char32_t lo_first, char32_t lo_last, char32_t up_first) -> char32_t {
    const char32_t up_last = up_first + (lo_last - lo_first);
    if (upper && c >= lo_first && c <= lo_last) return c - lo_first + up_first;
    if (!upper && c >= up_first && c <= up_last) return c - up_first + lo_first;
    return 0;
  };
  if (c < 0x80) {
    if (char32_t r = shift(U'a', U'z', U'A')) return r;
    return c;
  }
  if (c == 0xD7 || c == 0xF7) return c;  // × and ÷
  if (char32_t r = shift(0xE0, 0xFE, 0xC0)) return r;
  if (upper && c == 0xFF) return 0x178;
  if (!upper && c == 0x178) return 0xFF;
  // Latin Extended-A: pairs (upper even, lower odd), except around ı and ŉ.
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
    const bool is_upper = c % 2 == 0;
    if (upper && !is_upper) return c - 1;
    if (!upper && is_upper) return c + 1;
    return c;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
    const bool is_upper = c % 2 == 1;
    if (upper && !is_upper) return c - 1;
    if (!upper && is_upper) return c + 1;
    return c;
  }
  if (c == 0x3C2) return upper ? 0x3A3 : c;  // final sigma
  if (c != 0x3A2 && c != 0x3C2) {
    if (char32_t r = shift(0x3B1, 0x3C9, 0x391)) return r;
  }
  if (char32_t r = shift(0x430, 0x44F, 0x410)) return r;
  if (char32_t r = shift(0x450, 0x45F, 0x400)) return r;
  return c;
}

Value letter_case(const Args& a, bool upper) {
  auto* s = str(a, 0);
  if (!s || !spend_text(s->size())) return {};
  std::u32string u = decode(*s);
  for (auto& ch : u) ch = change_case(ch, upper);
  return encode(u);
}

// The regular expression of a built-in call (`pattern` at index p, XPath flags at index f).
std::shared_ptr<const Regex> regex_of(const Args& a, std::size_t p, std::size_t f) {
  auto* pattern = str(a, p);
  if (!pattern) return nullptr;
  std::string_view flags;
  if (f < a.size() && !a[f].is_null()) {
    auto* fl = a[f].get<std::string>();
    if (!fl) return nullptr;
    flags = *fl;
  }
  auto re = Regex::compile(*pattern, flags, RegexDialect::XPath);
  return re ? *re : nullptr;  // an invalid pattern or flags: null, as F&O's error is in FEEL
}

}  // namespace

void add_text_builtins(BuiltinTable& t) {
  t["substring"] = {
      {"string", "start position", "length"},
      [](const BuiltinCall& c) -> Value {
        auto* s = str(c.args, 0);
        auto* start = num(c.args, 1);
        if (!s || !start || !spend_text(s->size())) return {};
        const auto u = decode(*s);
        const auto p = truncated(*start);
        if (!p) return {};
        const auto n = static_cast<std::int64_t>(u.size());
        const std::int64_t from = zero_based(*p, n);
        if (from < 0 || from > n) return {};
        std::int64_t len = n - from;
        if (auto* l = num(c.args, 2)) {
          auto k = truncated(*l);
          if (!k && *l < 0) return {};
          if (k) len = std::min(len, *k);  // a longer length than there is: up to the end
        }
        return encode(u.substr(static_cast<std::size_t>(from),
                               static_cast<std::size_t>(std::max<std::int64_t>(len, 0))));
      },
      2};
  t["string length"] = {{"string"},
                        [](const BuiltinCall& c) -> Value {
                          auto* s = str(c.args, 0);
                          return s && spend_text(s->size()) ? Value(Decimal(characters(*s)))
                                                            : Value();
                        },
                        1};
  // The alphabets of Europe (change_case); see docs/feel.md.
  t["upper case"] = {{"string"}, [](const BuiltinCall& c) { return letter_case(c.args, true); }, 1};
  t["lower case"] = {
      {"string"}, [](const BuiltinCall& c) { return letter_case(c.args, false); }, 1};
  t["substring before"] = {{"string", "match"},
                           [](const BuiltinCall& c) -> Value {
                             const std::string *s, *m;
                             if (!two_texts(c.args, s, m)) return {};
                             auto i = find_text(*s, *m);
                             return i == std::string::npos ? std::string() : s->substr(0, i);
                           },
                           2};
  t["substring after"] = {{"string", "match"},
                          [](const BuiltinCall& c) -> Value {
                            const std::string *s, *m;
                            if (!two_texts(c.args, s, m)) return {};
                            auto i = find_text(*s, *m);
                            return i == std::string::npos ? std::string()
                                                          : s->substr(i + m->size());
                          },
                          2};
  t["contains"] = {{"string", "match"},
                   [](const BuiltinCall& c) -> Value {
                     const std::string *s, *m;
                     if (!two_texts(c.args, s, m)) return {};
                     return find_text(*s, *m) != std::string::npos;
                   },
                   2};
  t["starts with"] = {{"string", "match"},
                      [](const BuiltinCall& c) -> Value {
                        const std::string *s, *m;
                        if (!two_texts(c.args, s, m)) return {};
                        return s->compare(0, m->size(), *m) == 0 && s->size() >= m->size();
                      },
                      2};
  t["ends with"] = {{"string", "match"},
                    [](const BuiltinCall& c) -> Value {
                      const std::string *s, *m;
                      if (!two_texts(c.args, s, m)) return {};
                      return s->size() >= m->size() &&
                             s->compare(s->size() - m->size(), m->size(), *m) == 0;
                    },
                    2};
  t["matches"] = {{"input", "pattern", "flags"},
                  [](const BuiltinCall& c) -> Value {
                    auto* s = str(c.args, 0);
                    auto re = regex_of(c.args, 1, 2);
                    if (!s || !re || !spend_text(s->size())) return {};
                    return re->search(*s);
                  },
                  2};
  t["replace"] = {{"input", "pattern", "replacement", "flags"},
                  [](const BuiltinCall& c) -> Value {
                    auto* s = str(c.args, 0);
                    auto* r = str(c.args, 2);
                    auto re = regex_of(c.args, 1, 3);
                    if (!s || !r || !re || !spend_text(s->size())) return {};
                    const Budget* b = current_budget();
                    auto out =
                        re->replace(*s, *r, b ? b->max_string_bytes() : std::size_t{4} << 20);
                    if (!out || !spend_text(out->size())) return {};
                    return std::move(*out);
                  },
                  3};
  t["split"] = {{"string", "delimiter"},
                [](const BuiltinCall& c) -> Value {
                  auto* s = str(c.args, 0);
                  auto re = regex_of(c.args, 1, 99);
                  if (!s || !re || !spend_text(s->size())) return {};
                  auto parts = re->split(*s);
                  if (!parts || !spend(parts->size())) return {};
                  List out;
                  out.reserve(parts->size());
                  for (auto& p : *parts) out.push_back(Value(std::move(p)));
                  return out;
                },
                2};
  t["string join"] = {{"list", "delimiter"},
                      [](const BuiltinCall& c) -> Value {
                        auto* l = lst(c.args, 0);
                        if (!l) return {};
                        const std::string* d = str(c.args, 1);
                        std::string out;
                        bool first = true;
                        for (const auto& v : *l) {
                          if (v.is_null()) continue;
                          auto* s = v.get<std::string>();
                          if (!s || !spend_text(s->size()) ||
                              !fits_text(out.size() + s->size() + (d ? d->size() : 0)))
                            return {};
                          if (!first && d) out += *d;
                          out += *s;
                          first = false;
                        }
                        return out;
                      },
                      1};
}

}  // namespace elva::expr
