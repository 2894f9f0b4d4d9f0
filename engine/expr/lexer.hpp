// FEEL tokens: numbers, strings (escapes resolved), names (multi-word built-in names such as
// "string length" when a '(' follows) and symbols. JUEL mode reads 'single-quoted' strings and
// its word operators (eq, lt, div, ...).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "elva/result.hpp"

namespace elva::expr {

enum class Tok { Number, String, Name, Symbol, End };

struct Token {
  Tok kind = Tok::End;
  std::string text;
  std::size_t pos = 0;
};

// The tokens of `text`, ending with a Tok::End token. Errors: ExpressionError with "col".
Result<std::vector<Token>> tokenize(std::string_view text, bool juel = false);

}  // namespace elva::expr
