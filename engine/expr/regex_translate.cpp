// Regular expression syntax translation (regex_translate.hpp). One pass over the pattern's code
// points; character classes are kept as code point intervals where they hold only characters,
// so that XSD class subtraction ([a-z-[aeiou]]) can be computed.
#include "expr/regex_translate.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

namespace elva::expr {
namespace {

using Intervals = std::vector<std::pair<char32_t, char32_t>>;  // inclusive, sorted once normalised
constexpr char32_t kMaxCodePoint = 0x10FFFF;

Intervals normalised(Intervals v) {
  std::sort(v.begin(), v.end());
  Intervals out;
  for (const auto& [a, b] : v) {
    if (!out.empty() && a <= out.back().second + 1)
      out.back().second = std::max(out.back().second, b);
    else
      out.emplace_back(a, b);
  }
  return out;
}

Intervals complement(const Intervals& v) {
  Intervals out;
  char32_t next = 0;
  for (const auto& [a, b] : normalised(v)) {
    if (a > next) out.emplace_back(next, a - 1);
    next = b + 1;
  }
  if (next <= kMaxCodePoint) out.emplace_back(next, kMaxCodePoint);
  return out;
}

Intervals intersection(const Intervals& x, const Intervals& y) {
  Intervals out;
  const Intervals a = normalised(x), b = normalised(y);
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const char32_t lo = std::max(a[i].first, b[j].first), hi = std::min(a[i].second, b[j].second);
    if (lo <= hi) out.emplace_back(lo, hi);
    (a[i].second < b[j].second ? i : j)++;
  }
  return out;
}

std::string hex(char32_t c) {
  char b[16];
  std::snprintf(b, sizeof b, "\\x{%X}", static_cast<unsigned>(c));
  return b;
}

// A character class: plain characters as intervals, plus RE2 items that are not plain
// characters (\p{Lu}, \P{Nd}).
struct ClassSet {
  Intervals chars;
  std::string fragments;
  bool negated = false;
};

std::string class_text(const ClassSet& set) {
  std::string out = set.negated ? "[^" : "[";
  for (const auto& [a, b] : normalised(set.chars)) out += a == b ? hex(a) : hex(a) + "-" + hex(b);
  out += set.fragments;
  if (out.size() == (set.negated ? 2u : 1u))
    return set.negated ? "[\\x{0}-\\x{10FFFF}]" : "[^\\x{0}-\\x{10FFFF}]";
  return out + "]";
}

const Intervals& js_spaces() {
  static const Intervals s = normalised({{0x09, 0x0D},
                                         {0x20, 0x20},
                                         {0xA0, 0xA0},
                                         {0x1680, 0x1680},
                                         {0x2000, 0x200A},
                                         {0x2028, 0x2029},
                                         {0x202F, 0x202F},
                                         {0x205F, 0x205F},
                                         {0x3000, 0x3000},
                                         {0xFEFF, 0xFEFF}});
  return s;
}
const Intervals& xsd_spaces() {
  static const Intervals s = normalised({{0x09, 0x0A}, {0x0D, 0x0D}, {0x20, 0x20}});
  return s;
}
const Intervals& js_word() {
  static const Intervals s = normalised({{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}});
  return s;
}

class Translator {
 public:
  Translator(std::string_view pattern, const RegexSyntax& syntax) : p_(pattern), syn_(syntax) {}

  Result<std::string> run() {
    const bool xpath = syn_.dialect == RegexDialect::XPath;
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (xpath && syn_.whitespace && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        ++i_;
        continue;
      }
      if (c == '\\' && !xpath && i_ + 1 < p_.size() && (p_[i_ + 1] == 'b' || p_[i_ + 1] == 'B')) {
        out_.append(
            p_.substr(i_, 2));  // word boundary assertions, ASCII as in ECMAScript without u
        i_ += 2;
      } else if (c == '\\') {
        ++i_;
        auto atom = escape();
        if (!atom) return fail(atom.error());
        out_ += atom->single ? hex(atom->code) : class_text(atom->set);
      } else if (c == '[') {
        ++i_;
        auto set = char_class(0);
        if (!set) return fail(set.error());
        out_ += class_text(*set);
      } else if (c == '.') {
        ++i_;
        out_ += xpath ? (syn_.dot_all ? "(?s:.)" : "[^\\n\\r]") : "[^\\n\\r\\x{2028}\\x{2029}]";
      } else if (c == '(' && p_.compare(i_, 2, "(?") == 0) {
        if (auto r = group(); !r) return fail(r.error());
      } else {
        auto cp = code_point();
        if (!cp) return fail(cp.error());
        out_.append(p_.substr(start_, i_ - start_));  // the character as written
      }
    }
    return out_;
  }

 private:
  struct Atom {
    bool single = true;  // one character (code), else a class (set)
    char32_t code = 0;
    ClassSet set;
  };

  static Failure error(std::string message) {
    return fail(Errc::ExpressionError, "the regular expression " + std::move(message));
  }

  // Reads one UTF-8 code point at i_ (start_ is where it began).
  Result<char32_t> code_point() {
    start_ = i_;
    if (i_ >= p_.size()) return error("ends too early");
    const auto c = static_cast<unsigned char>(p_[i_]);
    const std::size_t len = c < 0x80           ? 1
                            : (c >> 5) == 0x6  ? 2
                            : (c >> 4) == 0xE  ? 3
                            : (c >> 3) == 0x1E ? 4
                                               : 0;
    if (len == 0 || i_ + len > p_.size()) return error("is not valid UTF-8");
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      const auto n = static_cast<unsigned char>(p_[i_ + k]);
      if ((n & 0xC0) != 0x80) return error("is not valid UTF-8");
      cp = (cp << 6) | (n & 0x3F);
    }
    if (cp > kMaxCodePoint) return error("is not valid UTF-8");
    i_ += len;
    return cp;
  }

  Result<void> group() {
    const std::string_view rest = p_.substr(i_);
    if (rest.rfind("(?:", 0) == 0) {
      out_ += "(?:";
      i_ += 3;
      return {};
    }
    if (syn_.dialect == RegexDialect::ECMAScript) {
      if (rest.rfind("(?=", 0) == 0 || rest.rfind("(?!", 0) == 0)
        return error("uses lookahead ((?=...), (?!...)), which Elva cannot run");
      if (rest.rfind("(?<=", 0) == 0 || rest.rfind("(?<!", 0) == 0)
        return error("uses lookbehind ((?<=...), (?<!...)), which Elva cannot run");
      if (rest.rfind("(?<", 0) == 0) {  // a named group: RE2 writes (?P<name>
        out_ += "(?P<";
        i_ += 3;
        return {};
      }
    }
    return error("has a group '(?' other than (?:...)");
  }

  // Hex digits for \xHH and \uHHHH (ECMAScript); nullopt when they are not there.
  std::optional<char32_t> hex_digits(std::size_t n) {
    if (i_ + n > p_.size()) return std::nullopt;
    char32_t v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const char h = p_[i_ + k];
      const int d = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + static_cast<char32_t>(d);
    }
    i_ += n;
    return v;
  }

  // \p{Name} / \P{Name} (XPath): categories pass to RE2; blocks (\p{IsGreek}) are refused.
  Result<Atom> property(bool negated) {
    if (i_ >= p_.size() || p_[i_] != '{') return error("has \\p or \\P without {name}");
    const auto close = p_.find('}', i_);
    if (close == std::string_view::npos) return error("has \\p{ without a closing }");
    const std::string_view name = p_.substr(i_ + 1, close - i_ - 1);
    if (name.empty() || name.find_first_not_of(
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
                            std::string_view::npos) {
      return error("has a \\p{...} with an invalid name");
    }
    if (name.rfind("Is", 0) == 0)
      return error(
          "uses a Unicode block escape (\\p{Is...}), which Elva does not support; use a range such "
          "as [\\x{0370}-\\x{03FF}]");
    i_ = close + 1;
    Atom a;
    a.single = false;
    a.set.fragments = std::string(negated ? "\\P{" : "\\p{") + std::string(name) + "}";
    return a;
  }

  static Atom of_chars(Intervals chars) {
    Atom a;
    a.single = false;
    a.set.chars = std::move(chars);
    return a;
  }
  static Atom of_fragments(std::string fragments) {
    Atom a;
    a.single = false;
    a.set.fragments = std::move(fragments);
    return a;
  }
  static Atom of_code(char32_t c) {
    Atom a;
    a.code = c;
    return a;
  }

  // After a backslash: a single character or a class escape.
  Result<Atom> escape() {
    auto c = code_point();
    if (!c) return fail(c.error());
    return syn_.dialect == RegexDialect::XPath ? xpath_escape(*c) : js_escape(*c);
  }

  Result<Atom> xpath_escape(char32_t c) {
    switch (c) {
      case 'n':
        return of_code('\n');
      case 'r':
        return of_code('\r');
      case 't':
        return of_code('\t');
      case 'd':
        return of_fragments("\\p{Nd}");
      case 'D':
        return of_fragments("\\P{Nd}");
      case 's':
        return of_chars(xsd_spaces());
      case 'S':
        return of_chars(complement(xsd_spaces()));
      // Unicode's general categories are L M N P S Z C: "not P, Z or C" (XSD's \w) is L M N S.
      case 'w':
        return of_fragments("\\p{L}\\p{M}\\p{N}\\p{S}");
      case 'W':
        return of_fragments("\\p{P}\\p{Z}\\p{C}");
      case 'p':
        return property(false);
      case 'P':
        return property(true);
      case 'i':
      case 'I':
      case 'c':
      case 'C':
        return error(
            "uses \\i, \\I, \\c or \\C (XML name characters), which Elva does not support");
      default:
        break;
    }
    if (c >= '1' && c <= '9')
      return error("uses a back-reference (\\1 ...), which Elva cannot run");
    if (c < 0x80 && c != 0 &&
        std::string_view("\\|.-^?*+{}()[]$").find(static_cast<char>(c)) != std::string_view::npos) {
      return of_code(c);
    }
    return error("has an escape that XPath does not define (a backslash before '" +
                 std::string(c < 0x80 && c >= 0x20 ? std::string(1, static_cast<char>(c)) : "?") +
                 "')");
  }

  Result<Atom> js_escape(char32_t c) {
    switch (c) {
      case 'd':
        return of_chars({{'0', '9'}});
      case 'D':
        return of_chars(complement({{'0', '9'}}));
      case 'w':
        return of_chars(js_word());
      case 'W':
        return of_chars(complement(js_word()));
      case 's':
        return of_chars(js_spaces());
      case 'S':
        return of_chars(complement(js_spaces()));
      case 't':
        return of_code('\t');
      case 'n':
        return of_code('\n');
      case 'v':
        return of_code('\v');
      case 'f':
        return of_code('\f');
      case 'r':
        return of_code('\r');
      case 'b':
        return of_code('\b');  // in a class: backspace (outside, run() keeps the assertion)
      case 'B':
        return of_code('B');
      case 'x': {
        if (auto v = hex_digits(2)) return of_code(*v);
        return of_code('x');
      }
      case 'u': {
        if (auto v = hex_digits(4)) return of_code(*v);
        return of_code('u');
      }
      case 'c': {
        if (i_ < p_.size() && std::isalpha(static_cast<unsigned char>(p_[i_])))
          return of_code(static_cast<char32_t>(p_[i_++] % 32));
        return error("has \\c without a control letter");
      }
      case '0':
        if (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9')
          return error("uses an octal escape, which Elva does not support");
        return of_code(0);
      case 'k':
        return error("uses a named back-reference (\\k<name>), which Elva cannot run");
      default:
        break;
    }
    if (c >= '1' && c <= '9')
      return error("uses a back-reference (\\1 ...), which Elva cannot run");
    return of_code(c);  // an identity escape: \/ \. \a ...
  }

  // After '[': items up to ']', with XSD subtraction "-[...]".
  Result<ClassSet> char_class(int depth) {
    if (depth > 16) return error("nests character class subtractions too deeply");
    const bool xpath = syn_.dialect == RegexDialect::XPath;
    ClassSet set;
    if (i_ < p_.size() && p_[i_] == '^') {
      set.negated = true;
      ++i_;
    }
    bool any = false;
    while (true) {
      if (i_ >= p_.size()) return error("has a character class without its closing ']'");
      const char c = p_[i_];
      if (c == ']' && (any || xpath)) {
        if (!any) return error("has an empty character class []");
        ++i_;
        return set;
      }
      if (xpath && c == '-' && any && i_ + 1 < p_.size() && p_[i_ + 1] == '[') {
        i_ += 2;
        auto sub = char_class(depth + 1);
        if (!sub) return sub;
        if (i_ >= p_.size() || p_[i_] != ']')
          return error("has a class subtraction that does not end the class");
        ++i_;
        return subtract(set, *sub);
      }
      auto first = class_atom();
      if (!first) return fail(first.error());
      any = true;
      const bool range = first->single && i_ + 1 < p_.size() && p_[i_] == '-' &&
                         p_[i_ + 1] != ']' && p_[i_ + 1] != '[';
      if (!range) {
        add(set, *first);
        continue;
      }
      ++i_;  // '-'
      auto last = class_atom();
      if (!last) return fail(last.error());
      if (!last->single) {
        if (xpath) return error("has a range that ends in a class escape");
        add(set, *first);  // ECMAScript (Annex B): [a-\d] is a, '-' and the digits
        set.chars.emplace_back('-', '-');
        add(set, *last);
        continue;
      }
      if (last->code < first->code)
        return error("has a character range whose end comes before its start");
      set.chars.emplace_back(first->code, last->code);
    }
  }

  Result<Atom> class_atom() {
    if (p_[i_] == '\\') {
      ++i_;
      return escape();
    }
    auto cp = code_point();
    if (!cp) return fail(cp.error());
    return of_code(*cp);
  }

  static void add(ClassSet& set, const Atom& a) {
    if (a.single) {
      set.chars.emplace_back(a.code, a.code);
      return;
    }
    set.chars.insert(set.chars.end(), a.set.chars.begin(), a.set.chars.end());
    set.fragments += a.set.fragments;
  }

  // base - sub, over plain characters only (RE2 has no class subtraction).
  Result<ClassSet> subtract(const ClassSet& base, const ClassSet& sub) {
    if (!base.fragments.empty() || !sub.fragments.empty()) {
      return error(
          "subtracts character classes that use \\p, \\d or \\w ([a-z-[...]] works with plain "
          "characters and ranges only)");
    }
    const Intervals a = base.negated ? complement(base.chars) : normalised(base.chars);
    const Intervals b = sub.negated ? complement(sub.chars) : normalised(sub.chars);
    ClassSet out;
    out.chars = intersection(a, complement(b));
    return out;
  }

  std::string_view p_;
  RegexSyntax syn_;
  std::size_t i_ = 0, start_ = 0;
  std::string out_;
};

}  // namespace

Result<std::string> translate_regex(std::string_view pattern, const RegexSyntax& syntax) {
  return Translator(pattern, syntax).run();
}

}  // namespace elva::expr
