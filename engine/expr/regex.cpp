// Regex (regex.hpp): flags, RE2 options, the compile cache, and F&O's replace and tokenize over
// RE2 matches.
#include "expr/regex.hpp"

#include <re2/re2.h>

#include <mutex>
#include <unordered_map>

#include "expr/regex_translate.hpp"

namespace elva::expr {
namespace {

// RE2's memory per pattern (program and DFA cache); a larger pattern fails to compile and a
// search whose DFA runs out of it continues (slower) in RE2's NFA, still linear.
constexpr std::int64_t kRegexMemory = 2 << 20;
constexpr std::size_t kCacheEntries = 256;

const char* re2_problem(re2::RE2::ErrorCode code) {
  switch (code) {
    case re2::RE2::ErrorMissingParen:
    case re2::RE2::ErrorUnexpectedParen:
      return "has unbalanced parentheses";
    case re2::RE2::ErrorMissingBracket:
      return "has a character class without its closing ']'";
    case re2::RE2::ErrorBadCharRange:
      return "has an invalid character range";
    case re2::RE2::ErrorBadCharClass:
      return "has an invalid character class";
    case re2::RE2::ErrorRepeatArgument:
      return "has a quantifier (*, +, ?) with nothing to repeat";
    case re2::RE2::ErrorRepeatOp:
      return "has an invalid quantifier";
    case re2::RE2::ErrorRepeatSize:
      return "repeats something more than 1000 times";
    case re2::RE2::ErrorPatternTooLarge:
      return "is too large to run";
    case re2::RE2::ErrorBadUTF8:
      return "is not valid UTF-8";
    case re2::RE2::ErrorBadNamedCapture:
      return "has an invalid group name";
    case re2::RE2::ErrorTrailingBackslash:
      return "ends with a backslash";
    case re2::RE2::ErrorBadEscape:
      return "has an invalid escape";
    default:
      return "is not valid";
  }
}

struct Flags {
  bool s = false, m = false, i = false, x = false, q = false;
};

struct Cached {
  std::shared_ptr<const Regex> regex;
  Error error;
};

}  // namespace

Regex::~Regex() = default;

Result<std::shared_ptr<const Regex>> Regex::compile(std::string_view pattern,
                                                    std::string_view flags, RegexDialect dialect) {
  if (pattern.size() > kMaxPatternBytes) {
    return fail(Errc::ExpressionError, "the regular expression is longer than " +
                                           std::to_string(kMaxPatternBytes) + " bytes");
  }
  if (flags.size() > 16)
    return fail(Errc::ExpressionError,
                "the regular expression flags are not a subset of \"smixq\"");
  static std::mutex mutex;
  static std::unordered_map<std::string, Cached> cache;
  std::string key = (dialect == RegexDialect::XPath ? "x" : "e") + std::string(flags) + '\0' +
                    std::string(pattern);
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) {
      if (it->second.regex) return it->second.regex;
      return fail(it->second.error);
    }
  }
  Cached made;
  auto build = [&]() -> Result<std::shared_ptr<const Regex>> {
    Flags f;
    for (char c : flags) {
      if (dialect != RegexDialect::XPath)
        return fail(Errc::ExpressionError, "form patterns take no flags");
      if (c == 's')
        f.s = true;
      else if (c == 'm')
        f.m = true;
      else if (c == 'i')
        f.i = true;
      else if (c == 'x')
        f.x = true;
      else if (c == 'q')
        f.q = true;
      else
        return fail(Errc::ExpressionError,
                    "the regular expression flags are not a subset of \"smixq\"");
    }
    re2::RE2::Options options;
    options.set_log_errors(false);  // RE2 would print the pattern to stderr
    options.set_max_mem(kRegexMemory);
    options.set_case_sensitive(!f.i);
    std::string translated;
    if (f.q) {  // the pattern is a plain text; m, s and x do not apply (F&O 5.6.1)
      options.set_literal(true);
      translated = std::string(pattern);
    } else {
      auto t = translate_regex(pattern, {dialect, f.s, f.x});
      if (!t) return fail(t.error());
      translated = (f.m ? "(?m)" : "") + *t;
    }
    std::shared_ptr<Regex> out(new Regex());
    out->re_ = std::make_unique<re2::RE2>(translated, options);
    out->literal_ = f.q;
    if (!out->re_->ok())
      return fail(Errc::ExpressionError,
                  std::string("the regular expression ") + re2_problem(out->re_->error_code()));
    return std::shared_ptr<const Regex>(std::move(out));
  };
  auto built = build();
  if (built)
    made.regex = *built;
  else
    made.error = built.error();
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.size() >= kCacheEntries) cache.clear();
  cache.emplace(std::move(key), made);
  return built;
}

bool Regex::search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

bool Regex::matches_empty() const { return re2::RE2::PartialMatch(re2::StringPiece(), *re_); }

std::optional<std::string> Regex::replace(std::string_view text, std::string_view replacement,
                                          std::size_t max_bytes) const {
  // The replacement's parts: literal text, or a group number (-1: none).
  struct Part {
    std::string text;
    int group = -1;
  };
  const int groups = re_->NumberOfCapturingGroups();
  std::vector<Part> parts;
  if (literal_) {
    parts.push_back({std::string(replacement), -1});
  } else {
    std::string lit;
    for (std::size_t i = 0; i < replacement.size(); ++i) {
      const char c = replacement[i];
      if (c == '\\') {
        if (i + 1 >= replacement.size() ||
            (replacement[i + 1] != '\\' && replacement[i + 1] != '$'))
          return std::nullopt;
        lit += replacement[++i];
      } else if (c == '$') {
        if (i + 1 >= replacement.size() || replacement[i + 1] < '0' || replacement[i + 1] > '9')
          return std::nullopt;
        // F&O: the digits after $ name a group; beyond the groups (and past 9), the last digit is
        // literal text again.
        std::size_t j = i + 1;
        while (j < replacement.size() && replacement[j] >= '0' && replacement[j] <= '9') ++j;
        std::size_t end = j;
        while (true) {
          int n = 0;
          for (std::size_t k = i + 1; k < end && n <= 1000; ++k)
            n = n * 10 + (replacement[k] - '0');
          if (n <= groups || end - (i + 1) == 1) {
            parts.push_back({lit, -1});
            lit.clear();
            parts.push_back({"", n <= groups ? n : -1});
            break;
          }
          --end;
        }
        lit.append(replacement.substr(end, j - end));
        i = j - 1;
      } else {
        lit += c;
      }
    }
    parts.push_back({lit, -1});
  }
  if (matches_empty()) return std::nullopt;
  std::vector<re2::StringPiece> sub(static_cast<std::size_t>(groups) + 1);
  const re2::StringPiece all(text.data(), text.size());
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size() &&
         re_->Match(all, pos, text.size(), re2::RE2::UNANCHORED, sub.data(), groups + 1)) {
    const auto start = static_cast<std::size_t>(sub[0].data() - text.data());
    out.append(text.substr(pos, start - pos));
    for (const auto& p : parts) {
      out += p.text;
      if (p.group >= 0)
        out.append(sub[static_cast<std::size_t>(p.group)].data(),
                   sub[static_cast<std::size_t>(p.group)].size());
    }
    if (out.size() > max_bytes) return std::nullopt;
    pos = start + sub[0].size();  // never an empty match (refused above)
  }
  out.append(text.substr(pos));
  if (out.size() > max_bytes) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> Regex::split(std::string_view text) const {
  if (matches_empty()) return std::nullopt;
  std::vector<std::string> out;
  if (text.empty()) return out;
  re2::StringPiece match;
  const re2::StringPiece all(text.data(), text.size());
  std::size_t pos = 0;
  while (pos <= text.size() && re_->Match(all, pos, text.size(), re2::RE2::UNANCHORED, &match, 1)) {
    const auto start = static_cast<std::size_t>(match.data() - text.data());
    out.emplace_back(text.substr(pos, start - pos));
    pos = start + match.size();
  }
  out.emplace_back(text.substr(pos));
  return out;
}

}  // namespace elva::expr
