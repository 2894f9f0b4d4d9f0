// FEEL recursive-descent parser (grammar of DMN 1.5 chapter 10) over the tokens of lexer.hpp,
// in which multi-word built-in names ("string length(") are single names.
#pragma once

#include <string_view>

#include "elva/result.hpp"
#include "expr/ast.hpp"

namespace elva::expr {

Result<NodePtr> parse_expression(std::string_view text);
// Camunda/Flowable JUEL subset (the text inside ${...}): && || ! == != eq ne lt gt le ge,
// empty / not empty, a ? b : c, 'single-quoted' strings, property paths, literals.
Result<NodePtr> parse_juel(std::string_view text);
Result<NodePtr> parse_unary_tests(std::string_view text);

}  // namespace elva::expr
