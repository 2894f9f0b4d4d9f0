// Regular expressions for FEEL's matches(), replace() and split() (XPath F&O 3.1 §5.6, with the
// flags s m i x q) and for form-js field patterns (ECMAScript, as form-js tests them), run by
// RE2: time linear in the input, no backtracking and no recursion, whatever the pattern. Syntax
// RE2 lacks is translated (\d \s \w \p{..}, dot, XSD class subtraction over plain characters)
// or refused with a message that names it (back-references, lookaround, \i \c, Unicode blocks).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elva/result.hpp"

namespace re2 {
class RE2;
}

namespace elva::expr {

enum class RegexDialect { XPath, ECMAScript };

inline constexpr std::size_t kMaxPatternBytes = 4096;

class Regex {
 public:
  // Compiles (or finds in a bounded, thread-safe cache) `pattern` with XPath `flags` (a subset
  // of "smixq"; ECMAScript takes none). Errors (ExpressionError) say what is wrong with the
  // pattern without repeating it: it is often data.
  static Result<std::shared_ptr<const Regex>> compile(std::string_view pattern,
                                                      std::string_view flags, RegexDialect dialect);
  ~Regex();

  // Is there a match anywhere in `text`?
  bool search(std::string_view text) const;
  // Does the pattern match the empty string? (F&O: replace and tokenize refuse such patterns.)
  bool matches_empty() const;
  // Every match replaced by `replacement` ($0..$N groups, \$ and \\ escapes; taken literally
  // when the pattern was compiled with "q"). nullopt for an invalid replacement, a pattern that
  // matches the empty string, or a result longer than `max_bytes`.
  std::optional<std::string> replace(std::string_view text, std::string_view replacement,
                                     std::size_t max_bytes) const;
  // The parts between matches (F&O tokenize): "" gives no parts. nullopt for a pattern that
  // matches the empty string.
  std::optional<std::vector<std::string>> split(std::string_view text) const;

  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

 private:
  Regex() = default;
  std::unique_ptr<re2::RE2> re_;
  bool literal_ = false;
};

}  // namespace elva::expr
