// The FEEL lexer (lexer.hpp): one pass over the text, comments skipped.
#include "expr/lexer.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <optional>

#include "expr/utf8.hpp"

namespace elva::expr {
namespace {

// Built-in functions whose names contain spaces; matched only when followed by '('.
constexpr std::string_view kMultiWordFunctions[] = {"date and time",
                                                    "years and months duration",
                                                    "string length",
                                                    "upper case",
                                                    "lower case",
                                                    "substring before",
                                                    "substring after",
                                                    "starts with",
                                                    "ends with",
                                                    "list contains",
                                                    "list replace",
                                                    "index of",
                                                    "distinct values",
                                                    "insert before",
                                                    "string join",
                                                    "get value",
                                                    "get entries",
                                                    "context put",
                                                    "context merge",
                                                    "day of week",
                                                    "day of year",
                                                    "month of year",
                                                    "week of year",
                                                    "round up",
                                                    "round down",
                                                    "round half up",
                                                    "round half down",
                                                    "is defined",
                                                    "met by",
                                                    "overlaps before",
                                                    "overlaps after",
                                                    "finished by",
                                                    "started by",
                                                    "add working days",
                                                    "working days between",
                                                    "is working day",
                                                    "working day on or after"};

bool name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool name_char(char c) { return name_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

class Lexer {
 public:
  explicit Lexer(std::string_view s, bool juel = false) : s_(s), juel_(juel) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (i_ >= s_.size()) break;
      if (s_.compare(i_, 2, "//") == 0) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
        continue;
      }
      if (s_.compare(i_, 2, "/*") == 0) {
        auto end = s_.find("*/", i_ + 2);
        if (end == std::string_view::npos) return error(i_, "unterminated comment");
        i_ = end + 2;
        continue;
      }
      const std::size_t start = i_;
      const char c = s_[i_];
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          (c == '.' && i_ + 1 < s_.size() &&
           std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        if (i_ + 1 < s_.size() && s_[i_] == '.' &&
            std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
          ++i_;
          while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        }
        out.push_back({Tok::Number, std::string(s_.substr(start, i_ - start)), start});
      } else if (c == '"' || (juel_ && c == '\'')) {
        auto str = string_literal();
        if (!str) return fail(str.error());
        out.push_back({Tok::String, *str, start});
      } else if (name_start(c)) {
        while (i_ < s_.size() && name_char(s_[i_])) ++i_;
        std::string word = juel_ ? std::string(s_.substr(start, i_ - start)) : multi_word(start);
        if (juel_) {  // JUEL's word operators
          static const std::pair<std::string_view, std::string_view> ops[] = {
              {"eq", "="},  {"ne", "!="}, {"lt", "<"}, {"gt", ">"},
              {"le", "<="}, {"ge", ">="}, {"div", "/"}};
          bool op = false;
          for (auto [w, sym] : ops)
            if (word == w) {
              out.push_back({Tok::Symbol, std::string(sym), start});
              op = true;
            }
          if (op) continue;
          if (word == "mod")
            return error(start, "the JUEL operator 'mod' is not supported; use FEEL modulo(a, b)");
        }
        out.push_back({Tok::Name, word, start});
      } else {
        static constexpr std::array<std::string_view, 8> two{
            "**", "..", "<=", ">=", "!=", "&&", "||", "=="};
        std::string sym(1, c);
        for (auto t : two)
          if (s_.compare(i_, 2, t) == 0) sym = std::string(t);
        if (sym.size() == 1 &&
            std::string_view("+-*/=<>!()[]{},.:?@").find(c) == std::string_view::npos) {
          return error(i_, std::string("unexpected character '") + c + "'");
        }
        i_ += sym.size();
        out.push_back({Tok::Symbol, sym, start});
      }
    }
    out.push_back({Tok::End, "", s_.size()});
    return out;
  }

 private:
  Failure error(std::size_t pos, std::string msg) {
    Error e{Errc::ExpressionError, std::move(msg), {}};
    e.with("col", std::to_string(pos + 1));
    return fail(std::move(e));
  }

  // After the 'u' or 'U' of an escape: `digits` hex digits; a \uD800-\uDBFF followed by a
  // \uDC00-\uDFFF is one character. Moves past what it read.
  std::optional<std::uint32_t> code_point_escape(int digits) {
    auto hex = [&](std::size_t at, int count) -> std::optional<std::uint32_t> {
      if (at + static_cast<std::size_t>(count) > s_.size()) return std::nullopt;
      std::uint32_t v = 0;
      for (int k = 0; k < count; ++k) {
        const char c = s_[at + static_cast<std::size_t>(k)];
        const int d = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
        if (d < 0) return std::nullopt;
        v = v * 16 + static_cast<std::uint32_t>(d);
      }
      return v;
    };
    auto cp = hex(i_ + 1, digits);
    if (!cp || *cp > 0x10FFFF) return std::nullopt;
    i_ += 1 + static_cast<std::size_t>(digits);
    if (digits == 4 && *cp >= 0xD800 && *cp <= 0xDBFF && s_.compare(i_, 2, "\\u") == 0) {
      if (auto low = hex(i_ + 2, 4); low && *low >= 0xDC00 && *low <= 0xDFFF) {
        i_ += 6;
        return 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
      }
    }
    if (*cp >= 0xD800 && *cp <= 0xDFFF) return std::nullopt;  // a lone surrogate is no character
    return cp;
  }

  Result<std::string> string_literal() {
    const std::size_t start = i_;
    const char quote = s_[i_++];
    std::string out;
    while (i_ < s_.size() && s_[i_] != quote) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
        const char n = s_[++i_];
        if (n == 'u' ||
            n == 'U') {  // \uXXXX (UTF-16, pairs combined) and \UXXXXXX (DMN 1.3, rule 65)
          auto cp = code_point_escape(n == 'u' ? 4 : 6);
          if (!cp)
            return error(i_ - 1, "\\" + std::string(1, n) + " needs " + (n == 'u' ? "4" : "6") +
                                     " hex digits of a Unicode character");
          utf8_append(out, static_cast<char32_t>(*cp));
          continue;
        }
        // Not an escape of the grammar (rule 65: \" \' \\ \n \r \t \u): the backslash is a
        // character of its own, so "\s" stays a regular expression's \s, as in feelin.
        if (n == 'n' || n == 't' || n == 'r')
          out += n == 'n' ? '\n' : n == 't' ? '\t' : '\r';
        else if (n == '"' || n == '\'' || n == '\\')
          out += n;
        else
          out += std::string{'\\', n};
        ++i_;
        continue;
      }
      out += s_[i_++];
    }
    if (i_ >= s_.size()) return error(start, "unterminated string");
    ++i_;
    return out;
  }

  // Extends the name just read to the longest multi-word built-in followed by '('.
  std::string multi_word(std::size_t start) {
    std::string best(s_.substr(start, i_ - start));
    for (auto fn : kMultiWordFunctions) {
      if (s_.compare(start, fn.size(), fn) != 0) continue;
      std::size_t j = start + fn.size();
      if (j < s_.size() && name_char(s_[j])) continue;
      std::size_t k = j;
      while (k < s_.size() && s_[k] == ' ') ++k;
      if (k < s_.size() && s_[k] == '(' && fn.size() > best.size()) {
        best = std::string(fn);
        i_ = j;
      }
    }
    return best;
  }

  std::string_view s_;
  bool juel_ = false;
  std::size_t i_ = 0;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view text, bool juel) {
  return Lexer(text, juel).run();
}

}  // namespace elva::expr
