// FEEL lexer and recursive-descent parser (grammar of DMN 1.3 chapter 10, without function
// definitions). Multi-word built-in names ("string length(") are single names.
#pragma once

#include <string_view>

#include "elva/result.hpp"
#include "expr/ast.hpp"

namespace elva::expr {

Result<NodePtr> parse_expression(std::string_view text);
Result<NodePtr> parse_unary_tests(std::string_view text);

}  // namespace elva::expr
