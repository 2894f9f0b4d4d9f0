// FEEL parsing: tokens (lexer.hpp), then one function per precedence level.
#include "expr/parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <optional>

#include "expr/builtins.hpp"
#include "expr/feel.hpp"
#include "expr/lexer.hpp"

namespace elva::expr {
namespace {

NodePtr node(Op op, std::size_t pos) {
  auto n = std::make_unique<Node>();
  n->op = op;
  n->pos = pos;
  return n;
}

// Makes `kid` a child of `parent`, keeping the subtree height.
void adopt(Node& parent, NodePtr kid) {
  parent.height = std::max(parent.height, kid->height + 1);
  parent.kids.push_back(std::move(kid));
}

// A range between two literals ([1000..1999], DMN's most common test) is a literal itself: built
// once when parsed instead of at every evaluation.
NodePtr constant_range(NodePtr r) {
  if (r->kids.size() != 2 || r->kids[0]->op != Op::Literal || r->kids[1]->op != Op::Literal)
    return r;
  auto range = std::make_shared<Range>();
  range->start = r->kids[0]->literal;
  range->end = r->kids[1]->literal;
  range->start_included = r->start_included;
  range->end_included = r->end_included;
  auto n = node(Op::Literal, r->pos);
  n->literal = Value(std::shared_ptr<const Range>(std::move(range)));
  return n;
}

NodePtr binary(Op op, NodePtr a, NodePtr b, std::size_t pos) {
  auto n = node(op, pos);
  adopt(*n, std::move(a));
  adopt(*n, std::move(b));
  return n;
}

// Counts nesting while a parse function recurses (RAII): the parser's own stack stays bounded
// whatever the text (((((...
class Nesting {
 public:
  explicit Nesting(std::size_t& depth, bool counts = true) : depth_(depth), counts_(counts) {
    depth_ += counts_;
  }
  ~Nesting() { depth_ -= counts_; }
  Nesting(const Nesting&) = delete;
  Nesting& operator=(const Nesting&) = delete;
  bool too_deep() const { return depth_ > kMaxNesting; }

 private:
  std::size_t& depth_;
  bool counts_;
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens, bool juel = false)
      : t_(std::move(tokens)), juel_(juel) {}

  Result<NodePtr> whole_expression() {
    auto e = expression();
    if (!e) return e;
    if (peek().kind != Tok::End)
      return error("unexpected '" + peek().text + "' after the expression");
    return e;
  }

  Result<NodePtr> whole_unary_tests() {
    if (is_sym("-") && t_[pos_ + 1].kind == Tok::End) return node(Op::AnyTest, next().pos);
    if (is_name("not") && t_[pos_ + 1].text == "(") {
      const std::size_t at = next().pos;
      next();
      auto list = test_list();
      if (!list) return list;
      if (!expect(")")) return error("expected ')' to close not(");
      auto n = node(Op::NotTests, at);
      adopt(*n, std::move(*list));
      if (peek().kind != Tok::End) return error("unexpected '" + peek().text + "' after not(...)");
      return n;
    }
    auto list = test_list();
    if (!list) return list;
    if (peek().kind != Tok::End) return error("unexpected '" + peek().text + "'");
    return list;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    return t_[std::min(pos_ + ahead, t_.size() - 1)];
  }
  const Token& next() {
    const Token& t = t_[pos_];
    if (pos_ + 1 < t_.size()) ++pos_;
    return t;
  }
  bool is_sym(std::string_view s) const { return peek().kind == Tok::Symbol && peek().text == s; }
  bool is_name(std::string_view s) const { return peek().kind == Tok::Name && peek().text == s; }
  bool expect(std::string_view s) {
    if (!is_sym(s)) return false;
    next();
    return true;
  }

  Failure error(std::string msg) const {
    Error e{Errc::ExpressionError, std::move(msg), {}};
    e.with("col", std::to_string(peek().pos + 1));
    return fail(std::move(e));
  }

  static bool is_keyword(std::string_view w) {
    static constexpr std::array<std::string_view, 17> words{
        "then", "else", "return", "satisfies", "and",   "or",   "in",    "between", "instance",
        "of",   "if",   "for",    "some",      "every", "true", "false", "null"};
    return std::find(words.begin(), words.end(), w) != words.end();
  }

  Failure too_deep() const {
    return error("the expression nests deeper than " + std::to_string(kMaxNesting) + " levels");
  }
  Failure too_tall() const {
    return error("the expression applies more than " + std::to_string(kMaxTreeDepth) +
                 " operators to each other; split it (a context with named parts)");
  }

  Result<NodePtr> expression() {
    Nesting nesting(nesting_);
    if (nesting.too_deep()) return too_deep();
    if (is_name("if")) return if_expression();
    if (is_name("for")) return quantified(Op::For, "return");
    if (is_name("some")) return quantified(Op::Some, "satisfies");
    if (is_name("every")) return quantified(Op::Every, "satisfies");
    auto cond = disjunction();
    if (!cond || !juel_ || !is_sym("?")) return cond;
    const std::size_t at = next().pos;  // JUEL: a ? b : c
    auto n = node(Op::If, at);
    adopt(*n, std::move(*cond));
    auto yes = expression();
    if (!yes) return yes;
    if (!expect(":")) return error("expected ':' in 'a ? b : c'");
    auto no = expression();
    if (!no) return no;
    adopt(*n, std::move(*yes));
    adopt(*n, std::move(*no));
    return n;
  }

  Result<NodePtr> if_expression() {
    const std::size_t at = next().pos;
    auto n = node(Op::If, at);
    for (const char* word : {"then", "else", ""}) {
      auto part = expression();
      if (!part) return part;
      adopt(*n, std::move(*part));
      if (*word) {
        if (!is_name(word)) return error(std::string("expected '") + word + "'");
        next();
      }
    }
    return n;
  }

  Result<NodePtr> quantified(Op op, const char* body_word) {
    const std::size_t at = next().pos;
    auto n = node(op, at);
    do {
      if (peek().kind != Tok::Name) return error("expected a variable name");
      n->names.push_back(next().text);
      if (!is_name("in")) return error("expected 'in'");
      next();
      auto domain = disjunction();
      if (!domain) return domain;
      if (expect("..")) {  // for i in 1..3
        auto end = disjunction();
        if (!end) return end;
        auto r = node(Op::RangeLit, (*domain)->pos);
        adopt(*r, std::move(*domain));
        adopt(*r, std::move(*end));
        adopt(*n, constant_range(std::move(r)));
      } else {
        adopt(*n, std::move(*domain));
      }
    } while (expect(","));
    if (!is_name(body_word)) return error(std::string("expected '") + body_word + "'");
    next();
    auto body = expression();
    if (!body) return body;
    n->uses_partial = op == Op::For && names_partial(**body);
    adopt(*n, std::move(*body));
    return n;
  }

  static bool names_partial(const Node& n) {
    if (n.op == Op::Name && n.name == "partial") return true;
    return std::any_of(n.kids.begin(), n.kids.end(),
                       [](const auto& k) { return names_partial(*k); });
  }

  Result<NodePtr> disjunction() {
    return left_assoc(&Parser::conjunction, {{"or", Op::Or}, {"||", Op::Or}});
  }
  Result<NodePtr> conjunction() {
    return left_assoc(&Parser::comparison, {{"and", Op::And}, {"&&", Op::And}});
  }

  std::optional<Op> comparison_op() const {
    if (peek().kind != Tok::Symbol) return std::nullopt;
    const auto& s = peek().text;
    if (s == "=" || s == "==") return Op::Eq;
    if (s == "!=") return Op::Ne;
    if (s == "<") return Op::Lt;
    if (s == "<=") return Op::Le;
    if (s == ">") return Op::Gt;
    if (s == ">=") return Op::Ge;
    return std::nullopt;
  }

  Result<NodePtr> comparison() {
    auto left = additive();
    if (!left) return left;
    if (auto op = comparison_op()) {
      const std::size_t at = next().pos;
      auto right = additive();
      if (!right) return right;
      return binary(*op, std::move(*left), std::move(*right), at);
    }
    if (is_name("between")) {
      const std::size_t at = next().pos;
      auto low = additive();
      if (!low) return low;
      if (!is_name("and")) return error("expected 'and' in 'between ... and ...'");
      next();
      auto high = additive();
      if (!high) return high;
      auto n = binary(Op::Between, std::move(*left), std::move(*low), at);
      adopt(*n, std::move(*high));
      return n;
    }
    if (is_name("in")) {
      const std::size_t at = next().pos;
      // (a, b, c) is a list of tests; (a..b) a range; (expr) one test.
      auto tests = is_sym("(") ? paren_tests() : positive_test(false);
      if (!tests) return tests;
      return binary(Op::In, std::move(*left), std::move(*tests), at);
    }
    if (is_name("instance") && peek(1).text == "of") {
      const std::size_t at = next().pos;
      next();
      auto n = node(Op::InstanceOf, at);
      adopt(*n, std::move(*left));
      if (peek().kind != Tok::Name) return error("expected a type name after 'instance of'");
      auto type = type_spec();
      if (!type) return fail(type.error());
      n->name = type->name;
      n->type = std::make_shared<const TypeSpec>(std::move(*type));
      return n;
    }
    return left;
  }

  Result<NodePtr> paren_tests() {
    const std::size_t at = peek().pos;
    next();  // (
    auto first = positive_test(true);
    if (!first) return first;
    if (expect("..")) {  // (a..b] : an open-start range
      auto end = additive();
      if (!end) return end;
      auto r = node(Op::RangeLit, at);
      r->start_included = false;
      adopt(*r, std::move(*first));
      adopt(*r, std::move(*end));
      if (is_sym(")"))
        r->end_included = false;
      else if (!is_sym("]"))
        return error("expected ')' or ']' to close the range");
      next();
      return constant_range(std::move(r));
    }
    auto list = node(Op::TestList, at);
    adopt(*list, std::move(*first));
    while (expect(",")) {
      auto t = positive_test(true);
      if (!t) return t;
      adopt(*list, std::move(*t));
    }
    if (!expect(")")) return error("expected ')'");
    return list;
  }

  Result<NodePtr> test_list() {
    auto list = node(Op::TestList, peek().pos);
    do {
      auto t = positive_test(true);
      if (!t) return t;
      adopt(*list, std::move(*t));
    } while (expect(","));
    return list;
  }

  // "< 5", "[1..10)", "\"a\"", "? > 3", or any expression (compared with the input). After
  // `x in` a bare test binds tighter than and/or: `x in [1..5] and y` is (x in [1..5]) and y.
  Result<NodePtr> positive_test(bool full) {
    if (auto op = comparison_op()) {
      const std::size_t at = next().pos;
      auto endpoint = additive();
      if (!endpoint) return endpoint;
      return binary(*op, node(Op::Input, at), std::move(*endpoint), at);
    }
    return full ? expression() : additive();
  }

  // One left-associative precedence level: operand (operator operand)*. Operators are
  // symbols ("+") or keywords ("or"); both come as token text.
  using Level = Result<NodePtr> (Parser::*)();
  Result<NodePtr> left_assoc(Level operand,
                             std::initializer_list<std::pair<std::string_view, Op>> ops) {
    auto left = (this->*operand)();
    while (left) {
      std::optional<Op> op;
      for (const auto& [text, o] : ops) {
        if (peek().kind != Tok::String && peek().text == text) op = o;
      }
      if (!op) break;
      const std::size_t at = next().pos;
      auto right = (this->*operand)();
      if (!right) return right;
      left = binary(*op, std::move(*left), std::move(*right), at);
      if ((*left)->height > kMaxTreeDepth) return too_tall();
    }
    return left;
  }

  Result<NodePtr> additive() {
    return left_assoc(&Parser::multiplicative, {{"+", Op::Add}, {"-", Op::Sub}});
  }
  Result<NodePtr> multiplicative() {
    return left_assoc(&Parser::power, {{"*", Op::Mul}, {"/", Op::Div}});
  }
  Result<NodePtr> power() { return left_assoc(&Parser::unary, {{"**", Op::Pow}}); }

  Result<NodePtr> unary() {
    // - - - x and ! ! ! x recurse here: each operator is a level (an operand without one is not).
    const bool prefix = is_sym("-") || is_sym("!") ||
                        (juel_ && (is_name("empty") || (is_name("not") && peek(1).text != "(")));
    Nesting nesting(nesting_, prefix);
    if (nesting.too_deep()) return too_deep();
    if (is_sym("-")) {
      const std::size_t at = next().pos;
      auto operand = unary();
      if (!operand) return operand;
      auto n = node(Op::Neg, at);
      adopt(*n, std::move(*operand));
      return n;
    }
    if (juel_ && (is_name("empty") || (is_name("not") && peek(1).text != "("))) {
      const bool negated = peek().text == "not";
      const std::size_t at = next().pos;
      auto operand = unary();
      if (!operand) return operand;
      auto n = node(Op::Call, at);
      n->name = negated ? "not" : "is empty";
      adopt(*n, std::move(*operand));
      return n;
    }
    if (is_sym("!")) {  // JUEL-style negation, as not(x)
      const std::size_t at = next().pos;
      auto operand = unary();
      if (!operand) return operand;
      auto n = node(Op::Call, at);
      n->name = "not";
      adopt(*n, std::move(*operand));
      return n;
    }
    return postfix();
  }

  Result<NodePtr> postfix() {
    auto base = primary();
    while (base) {
      if ((*base)->height > kMaxTreeDepth) return too_tall();
      if (is_sym(".")) {
        const std::size_t at = next().pos;
        if (peek().kind != Tok::Name) return error("expected a name after '.'");
        auto n = node(Op::Path, at);
        n->name = next().text;
        while (!juel_ && peek().kind == Tok::Name && !is_keyword(peek().text) &&
               !(peek(1).kind == Tok::Symbol && peek(1).text == "(")) {
          n->name += " " + next().text;  // a.first name
        }
        adopt(*n, std::move(*base));
        base = std::move(n);
      } else if (is_sym("[")) {
        const std::size_t at = next().pos;
        auto filter = expression();
        if (!filter) return filter;
        if (!expect("]")) return error("expected ']' to close the filter");
        base = binary(Op::Filter, std::move(*base), std::move(*filter), at);
      } else if (is_sym("(") && ((*base)->op == Op::Name || (!juel_ && callable((*base)->op)))) {
        const std::size_t at = next().pos;
        auto n = node(Op::Call, at);
        if ((*base)->op == Op::Name)
          n->name = (*base)->name;
        else
          adopt(*n, std::move(*base));  // the callee: (function(a) a + 1)(2), ctx.f(x)
        if (!is_sym(")")) {
          do {
            if (std::size_t words = argument_name_words()) {  // start position: 2
              std::string name = next().text;
              for (std::size_t w = 1; w < words; ++w) name += " " + next().text;
              n->names.push_back(std::move(name));
              next();
            } else if (!n->names.empty()) {
              return error("positional arguments cannot follow named ones");
            }
            auto arg = expression();
            if (!arg) return arg;
            adopt(*n, std::move(*arg));
          } while (expect(","));
        }
        if (!expect(")"))
          return error("expected ')' to close the call of " +
                       (n->name.empty() ? std::string("the function") : n->name + "()"));
        base = std::move(n);
      } else {
        break;
      }
    }
    return base;
  }

  // What a FEEL call may apply to besides a name (JUEL's method calls, such as
  // execution.getVariable('x'), stay syntax errors).
  static bool callable(Op op) {
    return op == Op::FunctionDef || op == Op::Path || op == Op::Filter || op == Op::Call;
  }

  // How many name tokens before a ':' start the next argument (a named one); 0 if none do.
  std::size_t argument_name_words() const {
    std::size_t k = 0;
    while (peek(k).kind == Tok::Name) ++k;
    return k > 0 && peek(k).kind == Tok::Symbol && peek(k).text == ":" ? k : 0;
  }

  // A type: number, date and time, days and time duration, list<T>, context<a: T, b: U>,
  // range<T>, function<T, U> -> R (DMN 1.5 §10.3.2.9).
  Result<TypeSpec> type_spec() {
    Nesting nesting(nesting_);
    if (nesting.too_deep()) return too_deep();
    if (peek().kind != Tok::Name) return error("expected a type name");
    TypeSpec t;
    t.name = next().text;
    if ((t.name == "date" || t.name == "days" || t.name == "years") && is_name("and") &&
        (peek(1).text == "time" || peek(1).text == "months")) {
      t.name += " " + next().text;
      const std::size_t more = t.name == "date and" ? 1 : 2;  // time | time/months duration
      for (std::size_t k = 0; k < more && peek().kind == Tok::Name; ++k)
        t.name += " " + next().text;
    }
    const bool generic =
        t.name == "list" || t.name == "range" || t.name == "context" || t.name == "function";
    if (!generic || !is_sym("<")) return t;
    next();
    t.generic = true;
    if (!is_sym(">")) {
      do {
        if (t.name == "context") {
          std::string field;
          while (peek().kind == Tok::Name || peek().kind == Tok::String)
            field += (field.empty() ? "" : " ") + next().text;
          if (field.empty() || !expect(":")) return error("expected 'name: type' in context<...>");
          t.field_names.push_back(std::move(field));
        }
        auto arg = type_spec();
        if (!arg) return arg;
        t.args.push_back(std::move(*arg));
      } while (expect(","));
    }
    if (!expect(">")) return error("expected '>' to close the type");
    if ((t.name == "list" || t.name == "range") && t.args.size() != 1)
      return error("expected one type in " + t.name + "<...>");
    if (t.name == "function") {
      if (!is_sym("-") || peek(1).text != ">") return error("expected '->' and a result type");
      next();
      next();
      auto result = type_spec();
      if (!result) return result;
      t.args.push_back(std::move(*result));
    }
    return t;
  }

  static Value temporal_literal(const std::string& text) {
    if (text.size() == 10) return date_from_string(text);
    if (auto t = time_from_string(text)) return Value(*t);
    if (!text.empty() && (text[0] == 'P' || text.rfind("-P", 0) == 0))
      return duration_from_string(text);
    return date_time_from_string(text);
  }

  // function(a, b) body
  Result<NodePtr> function_definition() {
    auto n = node(Op::FunctionDef, next().pos);
    next();  // (
    if (!is_sym(")")) {
      do {
        if (peek().kind != Tok::Name) return error("expected a parameter name");
        n->names.push_back(next().text);
        if (expect(":")) {  // a parameter type: accepted, not checked
          auto type = type_spec();
          if (!type) return fail(type.error());
        }
      } while (expect(","));
    }
    if (!expect(")")) return error("expected ')' after the parameters of the function");
    auto body = expression();
    if (!body) return body;
    adopt(*n, std::move(*body));
    return n;
  }

  Result<NodePtr> primary() {
    const Token& t = peek();
    if (t.kind == Tok::Number) {
      auto n = node(Op::Literal, t.pos);
      n->literal = Value(*decimal_from_string(next().text));
      return n;
    }
    if (t.kind == Tok::String) {
      auto n = node(Op::Literal, t.pos);
      n->literal = Value(next().text);
      return n;
    }
    if (is_sym("@") && peek(1).kind == Tok::String) {  // @"2024-05-01", @"10:30:00", @"P3D"
      const std::size_t at = next().pos;
      const std::string text = next().text;
      auto n = node(Op::Literal, at);
      n->literal = temporal_literal(text);
      if (n->literal.is_null())
        return error("@\"" + text + "\" is not a date, time, date and time or duration");
      return n;
    }
    if (t.kind == Tok::Name && t.text == "function" && peek(1).text == "(")
      return function_definition();
    if (t.kind == Tok::Name) {
      if (t.text == "true" || t.text == "false") {
        auto n = node(Op::Literal, t.pos);
        n->literal = Value(next().text == "true");
        return n;
      }
      if (t.text == "null") {
        next();
        return node(Op::Literal, t.pos);
      }
      static constexpr std::array<std::string_view, 9> reserved{
          "then", "else", "return", "satisfies", "and", "or", "in", "between", "instance"};
      for (auto r : reserved)
        if (t.text == r) return error("unexpected '" + t.text + "'");
      auto n = node(Op::Name, t.pos);
      n->name = next().text;
      // FEEL names may contain spaces ("Vacation Approval Status"): adjacent words that are not
      // keywords form one name, as feelin and Trisotech read them.
      while (!juel_ && peek().kind == Tok::Name && !is_keyword(peek().text) && !is_sym("(")) {
        if (peek(1).kind == Tok::Symbol && peek(1).text == "(") break;  // "x f(" stays apart
        n->name += " " + next().text;
      }
      return n;
    }
    if (is_sym("?")) return node(Op::Input, next().pos);
    if (is_sym("(")) {
      const std::size_t at = next().pos;
      auto inner = expression();
      if (!inner) return inner;
      if (expect("..")) return range_rest(std::move(*inner), false, at);
      if (!expect(")")) return error("expected ')'");
      return inner;
    }
    if (is_sym("[") || is_sym("]")) {
      const bool open_start = peek().text == "]";
      const std::size_t at = next().pos;
      if (!open_start && expect("]")) return node(Op::ListLit, at);
      auto first = expression();
      if (!first) return first;
      if (expect("..")) return range_rest(std::move(*first), !open_start, at);
      if (open_start) return error("expected '..' in the range");
      auto list = node(Op::ListLit, at);
      adopt(*list, std::move(*first));
      while (expect(",")) {
        auto item = expression();
        if (!item) return item;
        adopt(*list, std::move(*item));
      }
      if (!expect("]")) return error("expected ']' to close the list");
      return list;
    }
    if (is_sym("{")) return context_literal();
    if (t.kind == Tok::End) return error("the expression ends too early");
    return error("unexpected '" + t.text + "'");
  }

  Result<NodePtr> range_rest(NodePtr start, bool start_included, std::size_t at) {
    auto end = expression();
    if (!end) return end;
    auto r = node(Op::RangeLit, at);
    r->start_included = start_included;
    if (is_sym("]"))
      r->end_included = true;
    else if (is_sym(")") || is_sym("["))
      r->end_included = false;
    else
      return error("expected ']', ')' or '[' to close the range");
    next();
    adopt(*r, std::move(start));
    adopt(*r, std::move(*end));
    return constant_range(std::move(r));
  }

  Result<NodePtr> context_literal() {
    auto n = node(Op::ContextLit, next().pos);
    if (expect("}")) return n;
    do {
      std::string key;
      if (peek().kind == Tok::String || peek().kind == Tok::Name) {
        key = next().text;
        while (peek().kind == Tok::Name) key += " " + next().text;  // names with spaces
      } else {
        return error("expected a context key");
      }
      if (!expect(":")) return error("expected ':' after the context key '" + key + "'");
      auto value = expression();
      if (!value) return value;
      n->names.push_back(std::move(key));
      adopt(*n, std::move(*value));
    } while (expect(","));
    if (!expect("}")) return error("expected '}' to close the context");
    return n;
  }

  std::vector<Token> t_;
  bool juel_ = false;
  std::size_t pos_ = 0;
  std::size_t nesting_ = 0;
};

Failure too_long(std::string_view text) {
  Error e{Errc::ExpressionError,
          "the expression is " + std::to_string(text.size()) + " bytes long; at most " +
              std::to_string(kMaxExpressionBytes) + " are read",
          {}};
  return fail(std::move(e).with("col", "1"));
}

}  // namespace

Result<NodePtr> parse_expression(std::string_view text) {
  if (text.size() > kMaxExpressionBytes) return too_long(text);
  auto tokens = tokenize(text);
  if (!tokens) return fail(tokens.error());
  return Parser(std::move(*tokens)).whole_expression();
}

Result<NodePtr> parse_juel(std::string_view text) {
  if (text.size() > kMaxExpressionBytes) return too_long(text);
  auto tokens = tokenize(text, true);
  if (!tokens) return fail(tokens.error());
  return Parser(std::move(*tokens), true).whole_expression();
}

Result<NodePtr> parse_unary_tests(std::string_view text) {
  if (text.size() > kMaxExpressionBytes) return too_long(text);
  auto tokens = tokenize(text);
  if (!tokens) return fail(tokens.error());
  return Parser(std::move(*tokens)).whole_unary_tests();
}

}  // namespace elva::expr
