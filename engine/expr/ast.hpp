// The FEEL syntax tree. Parsed once (at deploy) and evaluated many times; immutable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "expr/value.hpp"

namespace elva::expr {

enum class Op {
  Literal,
  Name,
  Input,  // Input: '?' or the value a unary test is applied to
  Neg,
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  And,
  Or,
  If,
  Path,
  Filter,
  Call,
  ListLit,
  ContextLit,
  RangeLit,
  For,
  Some,
  Every,
  Between,
  In,
  InstanceOf,
  AnyTest,      // '-' in unary tests
  NotTests,     // not(test, ...)
  TestList,     // test, test, ... (any holds)
  FunctionDef,  // function(names...) kids[0]
};

// A FEEL type (DMN 1.5 §10.3.2.9) as `instance of` and function parameters write it:
// "number", "date and time", list<number>, context<name: string, age: number>, range<date>,
// function<number, number> -> boolean.
struct TypeSpec {
  std::string name;                      // "list", "context", "range", "function" or a plain type
  std::vector<std::string> field_names;  // context<...>: entry names, typed by args
  std::vector<TypeSpec> args;  // list<T>, range<T>, context fields, function<params..., result>
  bool generic = false;        // written with <...>
};

struct Node {
  Op op = Op::Literal;
  std::size_t pos = 0;  // byte offset in the source, for messages
  Value literal;        // Literal
  std::string name;     // Name, Path member, Call function ("" when kids[0] is the callee)
  std::vector<std::string> names;  // ContextLit keys, For/Some/Every variables, Call named args
  std::vector<std::unique_ptr<Node>> kids;
  bool start_included = true;  // RangeLit
  bool end_included = true;
  bool uses_partial = false;             // For: the body names `partial` (the results so far)
  std::uint32_t height = 1;              // of this subtree: the parser bounds it (kMaxTreeDepth)
  std::shared_ptr<const TypeSpec> type;  // InstanceOf
};

using NodePtr = std::unique_ptr<Node>;

}  // namespace elva::expr
