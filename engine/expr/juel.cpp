// JUEL conversion: a scanner over the text (quotes respected), no second grammar. The result is
// one ${...} that the JUEL mode of the parser reads; `+` on texts is FEEL's concatenation.
#include "expr/juel.hpp"

#include <cctype>

namespace elva::expr {
namespace {

struct Segment {
  bool expression = false;
  std::string text;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

Error juel_error(std::string message) {
  return Error{Errc::ExpressionError, std::move(message), {}}.with("col", "1");
}

// Index of the bracket closing the one before `from` (depth 1), quotes respected; npos if none.
std::size_t closing(std::string_view s, std::size_t from, char open, char close) {
  int depth = 1;
  char quote = 0;
  for (std::size_t j = from; j < s.size(); ++j) {
    const char c = s[j];
    if (quote) {
      if (c == '\\')
        ++j;
      else if (c == quote)
        quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == open) {
      ++depth;
    } else if (c == close && --depth == 0) {
      return j;
    }
  }
  return std::string_view::npos;
}

Result<std::vector<Segment>> split_template(std::string_view text) {
  std::vector<Segment> out;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((text[i] == '$' || text[i] == '#') && i + 1 < text.size() && text[i + 1] == '{') {
      const auto end = closing(text, i + 2, '{', '}');
      if (end == std::string_view::npos)
        return fail(juel_error("the ${ at column " + std::to_string(i + 1) + " is not closed"));
      if (!literal.empty()) out.push_back({false, std::move(literal)});
      literal.clear();
      out.push_back({true, std::string(text.substr(i + 2, end - i - 2))});
      i = end;
    } else {
      literal += text[i];
    }
  }
  if (!literal.empty()) out.push_back({false, std::move(literal)});
  return out;
}

std::string trim(std::string s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// 'x' or "x" -> x, when x is a plain name; else empty.
std::string quoted_name(std::string args) {
  args = trim(args);
  if (args.size() < 3 || (args.front() != '\'' && args.front() != '"') ||
      args.back() != args.front())
    return {};
  std::string name = args.substr(1, args.size() - 2);
  if (!ident_start(name.front())) return {};
  for (char c : name)
    if (!ident_char(c)) return {};
  return name;
}

// Rewrites calls on `execution` in one expression body; other method calls are errors.
Result<std::string> rewrite_body(std::string_view body, std::vector<std::string>& notes) {
  std::string out;
  char quote = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (quote) {
      out += c;
      if (c == '\\' && i + 1 < body.size())
        out += body[++i];
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    const bool starts =
        ident_start(c) && (i == 0 || (!ident_char(body[i - 1]) && body[i - 1] != '.'));
    if (!starts) {
      out += c;
      continue;
    }
    std::size_t j = i;
    while (j < body.size() && ident_char(body[j])) ++j;
    const std::string object(body.substr(i, j - i));
    std::size_t k = j;
    while (k < body.size() && body[k] == ' ') ++k;
    if (k >= body.size() || body[k] != '.') {
      out += object;
      i = j - 1;
      continue;
    }
    std::size_t m = k + 1;
    while (m < body.size() && body[m] == ' ') ++m;
    std::size_t n = m;
    while (n < body.size() && ident_char(body[n])) ++n;
    const std::string method(body.substr(m, n - m));
    std::size_t p = n;
    while (p < body.size() && body[p] == ' ') ++p;
    if (method.empty() || p >= body.size() || body[p] != '(') {  // a property path
      out += object;
      i = j - 1;
      continue;
    }
    const auto close = closing(body, p + 1, '(', ')');
    if (close == std::string_view::npos) return fail(juel_error("a '(' is not closed"));
    const std::string args(body.substr(p + 1, close - p - 1));
    const std::string call(body.substr(i, close + 1 - i));
    std::string replacement;
    if (object != "execution") {
      return fail(juel_error(
          "'" + call + "' calls the method '" + method + "' of '" + object +
          "': Java code inside the Camunda engine, which Elva cannot run; map the bean in "
          "elva-binding.toml or write the expression over variables"));
    }
    if (method == "getVariable" || method == "getVariableLocal" || method == "getVariableTyped") {
      replacement = quoted_name(args);
    } else if (method == "hasVariable" || method == "hasVariableLocal") {
      const auto name = quoted_name(args);
      if (!name.empty()) replacement = "(" + name + " != null)";
    } else if (method == "getProcessInstanceId" && trim(args).empty()) {
      replacement = "execution.processInstanceId";
    } else if ((method == "getBusinessKey" || method == "getProcessBusinessKey") &&
               trim(args).empty()) {
      replacement = "execution.businessKey";
    } else if (method == "setVariable" || method == "setVariableLocal" ||
               method == "setVariables" || method == "removeVariable") {
      return fail(juel_error("'" + call +
                             "' changes variables, which an expression cannot do in Elva; use an "
                             "output mapping (elva:output) instead"));
    } else {
      return fail(juel_error("'" + call + "': execution." + method +
                             "() is Camunda engine API that Elva does not provide"));
    }
    if (replacement.empty())
      return fail(juel_error("'" + call + "': only a quoted variable name can be converted"));
    notes.push_back(call + " -> " + replacement);
    out += replacement;
    i = close;
  }
  return out;
}

std::string juel_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string feel_literal(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A FEEL reading of a JUEL body for reports: its operators and quotes.
std::string shown_as_feel(std::string s) {
  std::string out;
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      out += c == '\'' && quote == '\'' ? '"' : c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += '"';
    } else if (s.compare(i, 2, "&&") == 0) {
      out += "and";
      ++i;
    } else if (s.compare(i, 2, "||") == 0) {
      out += "or";
      ++i;
    } else if (s.compare(i, 2, "==") == 0) {
      out += "=";
      ++i;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

bool has_juel(std::string_view text) {
  return text.find("${") != std::string_view::npos || text.find("#{") != std::string_view::npos;
}

Result<JuelConversion> convert_juel(std::string_view text) {
  JuelConversion conv;
  conv.text = std::string(text);
  auto segments = split_template(text);
  if (!segments) return fail(segments.error());
  std::size_t expressions = 0;
  bool blank_literals = true;
  for (const auto& s : *segments) {
    if (s.expression)
      ++expressions;
    else
      blank_literals = blank_literals && trim(s.text).empty();
  }
  if (expressions == 0) return conv;
  std::vector<std::string> bodies;
  for (auto& s : *segments) {
    if (!s.expression) continue;
    auto body = rewrite_body(s.text, conv.notes);
    if (!body) return fail(body.error());
    bodies.push_back(trim(*body));
  }
  if (expressions == 1 && blank_literals) {  // the whole text is one expression
    conv.changed = !conv.notes.empty();
    conv.text = "${" + bodies.front() + "}";
    conv.shown = shown_as_feel(bodies.front());
    return conv;
  }
  // A template: literal parts and each expression as text, null as "" (as JUEL coerces it).
  std::string juel, shown;
  std::size_t b = 0;
  for (const auto& s : *segments) {
    if (!juel.empty()) {
      juel += " + ";
      shown += " + ";
    }
    if (s.expression) {
      const auto& body = bodies[b++];
      juel += "((" + body + ") == null ? '' : string(" + body + "))";
      shown += "string(" + shown_as_feel(body) + ")";
    } else {
      juel += juel_literal(s.text);
      shown += feel_literal(s.text);
    }
  }
  conv.changed = true;
  conv.text = "${" + juel + "}";
  conv.shown = shown;
  conv.notes.insert(conv.notes.begin(), "text template '" + std::string(text) + "' -> " + shown);
  return conv;
}

}  // namespace elva::expr
