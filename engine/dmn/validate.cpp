// DMN checks with file:line: references, FEEL syntax, requirement cycles, and UNIQUE tables whose
// rules overlap in a way visible without evaluating (every input entry of two rules is "-" or
// the same text).
#include <functional>
#include <set>

#include "dmn/dmn.hpp"

namespace elva::dmn {
namespace {

Diagnostic at(const Model& m, SourcePos pos, const Decision& d, std::string msg,
              Severity sev = Severity::Error) {
  return Diagnostic{sev, m.file, pos, d.id, d.table ? "decisionTable" : "decision", std::move(msg)};
}

// `compiled` is what read_dmn made of the text: only a text that did not compile is compiled
// again, for its message.
void syntax(const Model& m, const Decision& d, std::vector<Diagnostic>& out,
            const std::string& text, bool unary, SourcePos pos, const std::string& what,
            const Compiled& compiled = nullptr) {
  if (compiled) return;
  auto e = unary ? expr::Expression::compile_unary_tests(text.empty() ? "-" : text)
                 : expr::Expression::compile(text.empty() ? "null" : text);
  if (!e) out.push_back(at(m, pos, d, what + ": cannot read '" + text + "': " + e.error().message));
}

bool overlaps(const Rule& a, const Rule& b) {
  for (std::size_t i = 0; i < a.input_entries.size() && i < b.input_entries.size(); ++i) {
    const auto& x = a.input_entries[i];
    const auto& y = b.input_entries[i];
    const bool any_x = x.empty() || x == "-", any_y = y.empty() || y == "-";
    if (!any_x && !any_y && x != y) return false;
  }
  return true;
}

}  // namespace

std::vector<Diagnostic> validate(const Model& m) {
  std::vector<Diagnostic> out;
  std::set<std::string> ids;
  for (const auto& d : m.decisions) {
    if (!ids.insert(d.id).second)
      out.push_back(at(m, d.pos, d, "another decision has the id '" + d.id + "'"));
    for (const auto& r : d.required) {
      if (!m.find(r))
        out.push_back(at(m, d.pos, d, "requires decision '" + r + "', which is not in this file"));
    }
    if (!d.table) {
      syntax(m, d, out, d.literal, false, d.literal_pos, "literal expression", d.literal_compiled);
      continue;
    }
    for (const auto& in : d.inputs) {
      syntax(m, d, out, in.expression, false, in.pos,
             "input '" + (in.label.empty() ? in.id : in.label) + "'", in.compiled);
      if (!in.input_values.empty())
        syntax(m, d, out, in.input_values, true, in.pos, "input values");
    }
    for (const auto& o : d.outputs) {
      if (!o.default_value.empty())
        syntax(m, d, out, o.default_value, false, o.pos, "default output", o.default_compiled);
    }
    for (std::size_t r = 0; r < d.rules.size(); ++r) {
      const auto& rule = d.rules[r];
      const std::string name = "rule " + (rule.id.empty() ? std::to_string(r + 1) : rule.id);
      for (std::size_t i = 0; i < rule.input_entries.size(); ++i) {
        syntax(m, d, out, rule.input_entries[i], true,
               i < rule.input_pos.size() ? rule.input_pos[i] : rule.pos,
               name + ", input " + std::to_string(i + 1),
               i < rule.input_tests.size() ? rule.input_tests[i] : nullptr);
      }
      for (std::size_t o = 0; o < rule.output_entries.size(); ++o) {
        syntax(m, d, out, rule.output_entries[o], false,
               o < rule.output_pos.size() ? rule.output_pos[o] : rule.pos,
               name + ", output " + std::to_string(o + 1),
               o < rule.output_exprs.size() ? rule.output_exprs[o] : nullptr);
      }
      if (d.hit_policy != HitPolicy::Unique) continue;
      for (std::size_t q = 0; q < r; ++q) {
        if (overlaps(d.rules[q], rule)) {
          out.push_back(at(m, rule.pos, d,
                           "hit policy UNIQUE, but " + name + " overlaps rule " +
                               (d.rules[q].id.empty() ? std::to_string(q + 1) : d.rules[q].id) +
                               " (the same or '-' entries on every input): an input matching both "
                               "is an incident"));
          break;
        }
      }
    }
  }
  // Requirement cycles.
  std::set<std::string> done, active;
  std::function<bool(const std::string&)> cyclic = [&](const std::string& id) {
    if (active.count(id)) return true;
    if (done.count(id)) return false;
    active.insert(id);
    const Decision* d = m.find(id);
    bool found = false;
    if (d)
      for (const auto& r : d->required) found = found || cyclic(r);
    active.erase(id);
    done.insert(id);
    return found;
  };
  for (const auto& d : m.decisions) {
    done.clear();
    if (cyclic(d.id)) {
      out.push_back(at(m, d.pos, d, "its decision requirements form a cycle"));
      break;
    }
  }
  return out;
}

}  // namespace elva::dmn
