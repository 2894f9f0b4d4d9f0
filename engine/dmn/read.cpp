// DMN XML -> Model. Namespaces by URI (DMN 1.1, 1.2, 1.3; Camunda's extension namespace is
// ignored), positions as line:col.
#include <algorithm>
#include <cctype>

#include "dmn/dmn.hpp"
#include "parse/xml_document.hpp"

namespace elva::dmn {
namespace {

bool is_dmn_uri(std::string_view uri) {
  return uri == "http://www.omg.org/spec/DMN/20151101/dmn.xsd" ||
         uri == "https://www.omg.org/spec/DMN/20191111/MODEL/" ||
         uri == "http://www.omg.org/spec/DMN/20180521/MODEL/" ||
         uri == "https://www.omg.org/spec/DMN/20180521/MODEL/" ||
         uri == "http://www.omg.org/spec/DMN/20191111/MODEL/";
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

class Reader {
 public:
  Reader(const parse::XmlDocument& doc, ReadResult& out) : doc_(doc), out_(out) {}

  void run(Model& model) {
    auto root = doc_.doc().document_element();
    parse::NsScope scope(ns_, root);
    auto name = ns_.element_name(root);
    if (!is_dmn_uri(name.uri) || name.local != "definitions") {
      error(root,
            "not a DMN file: the root element is not <definitions> in a DMN 1.1, 1.2 or 1.3 "
            "namespace");
      return;
    }
    model.id = root.attribute("id").value();
    model.name = root.attribute("name").value();
    model.namespace_uri = std::string(name.uri);
    for (auto child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      parse::NsScope s(ns_, child);
      auto q = ns_.element_name(child);
      if (is_dmn_uri(q.uri) && q.local == "decision") model.decisions.push_back(decision(child));
    }
  }

 private:
  void error(pugi::xml_node node, std::string message) {
    std::string type = node.name();
    if (auto colon = type.find(':'); colon != std::string::npos) type = type.substr(colon + 1);
    out_.diagnostics.push_back(Diagnostic{Severity::Error, doc_.file(), doc_.pos(node),
                                          node.attribute("id").value(), type, std::move(message)});
  }

  // Children in the DMN namespace with this local name.
  template <typename F>
  void each(pugi::xml_node node, std::string_view local, F&& f) {
    for (auto c : node.children()) {
      if (c.type() != pugi::node_element) continue;
      parse::NsScope s(ns_, c);
      auto q = ns_.element_name(c);
      if (is_dmn_uri(q.uri) && q.local == local) f(c);
    }
  }

  std::string text_of(pugi::xml_node node, std::string_view child = "text") {
    std::string out;
    each(node, child, [&](pugi::xml_node t) { out = trim(t.text().get()); });
    return out;
  }

  static std::string ref_id(std::string href) {
    if (auto hash = href.find('#'); hash != std::string::npos) href = href.substr(hash + 1);
    return href;
  }

  Decision decision(pugi::xml_node node) {
    Decision d;
    d.id = node.attribute("id").value();
    d.name = node.attribute("name").value();
    d.pos = doc_.pos(node);
    each(node, "informationRequirement", [&](pugi::xml_node r) {
      each(r, "requiredDecision",
           [&](pugi::xml_node rd) { d.required.push_back(ref_id(rd.attribute("href").value())); });
    });
    bool found = false;
    each(node, "decisionTable", [&](pugi::xml_node t) {
      found = true;
      table(t, d);
    });
    each(node, "literalExpression", [&](pugi::xml_node l) {
      found = true;
      d.table = false;
      d.literal = text_of(l);
      d.literal_pos = doc_.pos(l);
    });
    each(node, "variable", [&](pugi::xml_node v) { d.result_name = v.attribute("name").value(); });
    if (d.result_name.empty()) d.result_name = d.name.empty() ? d.id : d.name;
    if (!found)
      error(node, "decision '" + d.id +
                      "' has neither a decision table nor a literal expression (other kinds are "
                      "not supported)");
    return d;
  }

  void table(pugi::xml_node t, Decision& d) {
    std::string hp = t.attribute("hitPolicy").value();
    std::transform(hp.begin(), hp.end(), hp.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (hp.empty() || hp == "UNIQUE")
      d.hit_policy = HitPolicy::Unique;
    else if (hp == "FIRST")
      d.hit_policy = HitPolicy::First;
    else if (hp == "PRIORITY")
      d.hit_policy = HitPolicy::Priority;
    else if (hp == "ANY")
      d.hit_policy = HitPolicy::Any;
    else if (hp == "COLLECT")
      d.hit_policy = HitPolicy::Collect;
    else if (hp == "RULE ORDER")
      d.hit_policy = HitPolicy::RuleOrder;
    else if (hp == "OUTPUT ORDER")
      d.hit_policy = HitPolicy::OutputOrder;
    else
      error(t, "unknown hit policy '" + hp +
                   "' (UNIQUE, FIRST, PRIORITY, ANY, COLLECT, RULE ORDER, OUTPUT ORDER)");
    const std::string agg = t.attribute("aggregation").value();
    if (agg == "SUM")
      d.aggregation = Aggregation::Sum;
    else if (agg == "MIN")
      d.aggregation = Aggregation::Min;
    else if (agg == "MAX")
      d.aggregation = Aggregation::Max;
    else if (agg == "COUNT")
      d.aggregation = Aggregation::Count;
    else if (!agg.empty())
      error(t, "unknown aggregation '" + agg + "' (SUM, MIN, MAX, COUNT)");
    if (d.aggregation != Aggregation::None && d.hit_policy != HitPolicy::Collect)
      error(t, "an aggregation needs the COLLECT hit policy");
    each(t, "input", [&](pugi::xml_node i) {
      Input in;
      in.id = i.attribute("id").value();
      in.label = i.attribute("label").value();
      in.pos = doc_.pos(i);
      each(i, "inputExpression", [&](pugi::xml_node e) {
        in.expression = text_of(e);
        in.type_ref = e.attribute("typeRef").value();
      });
      each(i, "inputValues", [&](pugi::xml_node v) { in.input_values = text_of(v); });
      d.inputs.push_back(std::move(in));
    });
    each(t, "output", [&](pugi::xml_node o) {
      Output out;
      out.id = o.attribute("id").value();
      out.name = o.attribute("name").value();
      out.label = o.attribute("label").value();
      out.type_ref = o.attribute("typeRef").value();
      out.pos = doc_.pos(o);
      each(o, "outputValues", [&](pugi::xml_node v) { out.output_values = text_of(v); });
      each(o, "defaultOutputEntry", [&](pugi::xml_node v) { out.default_value = text_of(v); });
      if (out.name.empty()) out.name = out.label.empty() ? out.id : out.label;
      d.outputs.push_back(std::move(out));
    });
    each(t, "rule", [&](pugi::xml_node r) {
      Rule rule;
      rule.id = r.attribute("id").value();
      rule.pos = doc_.pos(r);
      each(r, "inputEntry", [&](pugi::xml_node e) {
        rule.input_entries.push_back(text_of(e));
        rule.input_pos.push_back(doc_.pos(e));
      });
      each(r, "outputEntry", [&](pugi::xml_node e) {
        rule.output_entries.push_back(text_of(e));
        rule.output_pos.push_back(doc_.pos(e));
      });
      each(r, "description", [&](pugi::xml_node e) { rule.annotation = trim(e.text().get()); });
      if (rule.input_entries.size() != d.inputs.size() ||
          rule.output_entries.size() != d.outputs.size()) {
        error(r, "rule '" + rule.id + "' has " + std::to_string(rule.input_entries.size()) +
                     " input and " + std::to_string(rule.output_entries.size()) +
                     " output entries; the table has " + std::to_string(d.inputs.size()) +
                     " inputs and " + std::to_string(d.outputs.size()) + " outputs");
      }
      d.rules.push_back(std::move(rule));
    });
  }

  const parse::XmlDocument& doc_;
  ReadResult& out_;
  parse::NsContext ns_;
};

Compiled compiled(const std::string& text, bool unary) {
  auto e = unary ? expr::Expression::compile_unary_tests(text.empty() ? "-" : text)
                 : expr::Expression::compile(text.empty() ? "null" : text);
  return e ? std::make_shared<const expr::Expression>(std::move(*e)) : nullptr;
}

// An output's values ("high","medium","low") as JSON, in their order: PRIORITY and OUTPUT ORDER
// rank by the position of a rule's output in them.
std::vector<nlohmann::json> priorities(const std::string& output_values) {
  if (output_values.empty()) return {};
  auto e = expr::Expression::compile("[" + output_values + "]");
  if (!e) return {};
  const expr::Value none{expr::Context{}};
  auto v = e->evaluate_checked(expr::ContextScope(none));
  if (!v) return {};
  const nlohmann::json list = v->to_json();
  return list.is_array() ? std::vector<nlohmann::json>(list.begin(), list.end())
                         : std::vector<nlohmann::json>{};
}

// Every expression and unary test, compiled once so evaluation only evaluates.
void compile_all(Model& model) {
  for (auto& d : model.decisions) {
    if (!d.table) d.literal_compiled = compiled(d.literal, false);
    for (auto& in : d.inputs) in.compiled = compiled(in.expression, false);
    for (auto& o : d.outputs) {
      if (!o.default_value.empty()) o.default_compiled = compiled(o.default_value, false);
      o.priorities = priorities(o.output_values);
    }
    for (auto& r : d.rules) {
      for (const auto& t : r.input_entries) r.input_tests.push_back(compiled(t, true));
      for (const auto& t : r.output_entries) r.output_exprs.push_back(compiled(t, false));
    }
  }
}

}  // namespace

const Decision* Model::find(const std::string& decision_id) const {
  for (const auto& d : decisions)
    if (d.id == decision_id) return &d;
  return nullptr;
}

ReadResult read_dmn(const std::string& file, std::string bytes, std::size_t max_bytes) {
  ReadResult out;
  auto doc = parse::XmlDocument::parse(file, std::move(bytes), max_bytes);
  if (!doc) {
    SourcePos pos;
    for (const auto& [k, v] : doc.error().context) {
      if (k == "line") pos.line = static_cast<std::uint32_t>(std::stoul(v));
      if (k == "col") pos.col = static_cast<std::uint32_t>(std::stoul(v));
    }
    out.diagnostics.push_back(Diagnostic{Severity::Error, file, pos, "", "", doc.error().message});
    return out;
  }
  auto model = std::make_shared<Model>();
  model->file = file;
  Reader(*doc, out).run(*model);
  compile_all(*model);
  for (const auto& d : out.diagnostics)
    if (d.severity == Severity::Error && model->decisions.empty()) return out;
  out.model = std::move(model);
  return out;
}

}  // namespace elva::dmn
