// XPath (XSD) and ECMAScript regular expression syntax -> RE2 syntax (regex.hpp says what is
// translated and what is refused).
#pragma once

#include <string>
#include <string_view>

#include "elva/result.hpp"
#include "expr/regex.hpp"

namespace elva::expr {

struct RegexSyntax {
  RegexDialect dialect = RegexDialect::XPath;
  bool dot_all = false;     // XPath "s": '.' matches newlines too
  bool whitespace = false;  // XPath "x": whitespace outside character classes is ignored
};

// The RE2 pattern with the same meaning. Errors (ExpressionError) name the construct.
Result<std::string> translate_regex(std::string_view pattern, const RegexSyntax& syntax);

}  // namespace elva::expr
