// apply_binding: a pugixml walk over the original text (whitespace kept, output unindented), so
// that the bound file keeps every element on its line.
#include "parse/binding.hpp"

#include <algorithm>
#include <pugixml.hpp>
#include <sstream>

#include "expr/cron.hpp"
#include "parse/namespaces.hpp"

namespace elva::parse {
namespace {

constexpr int kMaxDepth = 512;

std::string_view prefix_of(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view{} : qname.substr(0, colon);
}

std::string_view local_of(std::string_view qname) {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string trim(std::string s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// "${archiveDelegate}" -> archiveDelegate; "${bookingService.reserve(...)}" -> bookingService.
std::string bean_of(std::string text) {
  text = trim(text);
  if (text.size() < 4 || (text[0] != '$' && text[0] != '#') || text[1] != '{') return {};
  std::size_t i = 2;
  while (i < text.size() && text[i] == ' ') ++i;
  const std::size_t start = i;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
    ++i;
  std::string name = text.substr(start, i - start);
  if (name.empty() || name == "execution" || name == "task") return {};
  return name;
}

class Binder {
 public:
  Binder(const std::string& file, const std::string& bytes, const Binding& binding)
      : file_(file), bytes_(bytes), binding_(binding) {}

  BoundFile run() {
    BoundFile out;
    out.bytes = bytes_;
    const unsigned opts = pugi::parse_default | pugi::parse_ws_pcdata | pugi::parse_declaration |
                          pugi::parse_comments;
    if (!doc_.load_buffer(bytes_.data(), bytes_.size(), opts, pugi::encoding_utf8)) return out;
    auto root = doc_.document_element();
    walk(root, {}, 0);
    out.applied = std::move(applied_);
    out.delegates = std::move(delegates_);
    if (!changed_) return out;
    if (!root.attribute("xmlns:elva")) root.append_attribute("xmlns:elva") = "urn:elva:bpmn:1.0";
    // The file's own XML declaration and line break, then the rest as it was: pugixml would
    // write its declaration without a line break, and every element would move up a line.
    std::ostringstream s;
    if (bytes_.rfind("<?xml", 0) == 0) {
      const auto end = bytes_.find("?>");
      if (end != std::string::npos) {
        auto after = end + 2;
        while (after < bytes_.size() && (bytes_[after] == '\r' || bytes_[after] == '\n' ||
                                         bytes_[after] == ' ' || bytes_[after] == '\t'))
          ++after;
        s << bytes_.substr(0, after);
      }
    }
    doc_.save(s, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
    out.bytes = s.str();
    // And what followed the root element (the last line break), which pugixml does not keep.
    if (const auto last = bytes_.find_last_of('>'); last != std::string::npos)
      out.bytes += bytes_.substr(last + 1);
    return out;
  }

 private:
  using Scope = std::vector<std::pair<std::string, std::string>>;  // prefix -> URI

  static std::string uri_of(const Scope& scope, std::string_view prefix) {
    for (auto it = scope.rbegin(); it != scope.rend(); ++it)
      if (it->first == prefix) return it->second;
    return {};
  }

  SourcePos pos(pugi::xml_node node) const {
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, node.offset_debug()));
    const auto end = bytes_.begin() + static_cast<std::ptrdiff_t>(std::min(offset, bytes_.size()));
    SourcePos p;
    p.line = static_cast<std::uint32_t>(1 + std::count(bytes_.begin(), end, '\n'));
    return p;
  }

  void note(pugi::xml_node at, const std::string& id, std::string msg) {
    applied_.push_back(Diagnostic{Severity::Warning, file_, pos(at), id,
                                  std::string(local_of(at.name())), std::move(msg)});
  }

  // The task a camunda:connector or zeebe:taskDefinition sits in (two levels up).
  static pugi::xml_node task_of(pugi::xml_node ext_child) { return ext_child.parent().parent(); }

  void bind(pugi::xml_node task, std::string_view vendor_prefix, const BindingTarget& target,
            const std::string& what) {
    const std::string id = task.attribute("id").value();
    if (!target.connector.empty()) {
      task.remove_attribute("elva:connector");
      task.append_attribute("elva:connector") = target.connector.c_str();
      note(task, id, what + " bound to connector " + target.connector + " (elva-binding.toml)");
    } else {
      if (!vendor_prefix.empty()) {
        const std::string p(vendor_prefix);
        task.remove_attribute((p + ":type").c_str());
        task.remove_attribute((p + ":topic").c_str());
        task.append_attribute((p + ":type").c_str()) = "external";
        task.append_attribute((p + ":topic").c_str()) = target.topic.c_str();
      }
      note(task, id, what + " bound to worker topic " + target.topic + " (elva-binding.toml)");
    }
    if (target.inputs.empty() && target.outputs.empty()) return;
    const std::string bpmn(prefix_of(task.name()));
    const std::string ext_name = bpmn.empty() ? "extensionElements" : bpmn + ":extensionElements";
    auto ext = task.child(ext_name.c_str());
    if (!ext) ext = task.prepend_child(ext_name.c_str());
    for (const auto& [name, source] : target.inputs) {
      auto in = ext.append_child("elva:input");
      in.append_attribute("source") = source.c_str();
      in.append_attribute("target") = name.c_str();
    }
    for (const auto& [name, source] : target.outputs) {
      auto o = ext.append_child("elva:output");
      o.append_attribute("source") = source.c_str();
      o.append_attribute("target") = name.c_str();
    }
  }

  void use(const char* kind, const std::string& name, pugi::xml_node at, const std::string& id,
           bool bound) {
    delegates_.push_back({kind, name, file_, pos(at), id, bound});
    changed_ = changed_ || bound;
  }

  // Delegates on BPMN elements (listeners' classes are not bindable: docs/sharing.md). A class
  // on a message event definition is bound on its event.
  void element_attributes(pugi::xml_node node, const Scope& scope) {
    if (uri_of(scope, prefix_of(node.name())) != kBpmnNs) return;
    const bool definition = local_of(node.name()).find("EventDefinition") != std::string_view::npos;
    const auto owner = definition ? node.parent() : node;
    const std::string id = owner.attribute("id").value();
    std::vector<pugi::xml_attribute> attrs(node.attributes_begin(), node.attributes_end());
    for (auto a : attrs) {
      const std::string_view prefix = prefix_of(a.name());
      if (prefix.empty() || prefix == "xmlns") continue;
      if (!is_camunda_family(dialect_of(uri_of(scope, prefix)))) continue;
      const auto local = local_of(a.name());
      const std::string value = a.value();
      const std::string what = std::string(a.name()) + "=\"" + value + "\"";
      if (local == "class") {
        auto it = binding_.classes.find(value);
        use("class", value, owner, id, it != binding_.classes.end());
        if (it == binding_.classes.end()) continue;
        node.remove_attribute(a);
        bind(owner, prefix, it->second, what);
      } else if (local == "delegateExpression" || local == "expression") {
        const std::string bean = bean_of(value);
        if (bean.empty()) continue;
        auto it = binding_.beans.find(bean);
        use("bean", bean, owner, id, it != binding_.beans.end());
        if (it == binding_.beans.end()) continue;
        node.remove_attribute(a);
        node.remove_attribute((std::string(prefix) + ":resultVariable").c_str());
        bind(owner, prefix, it->second, what);
      }
    }
  }

  void element(pugi::xml_node node, const Scope& scope) {
    const auto local = local_of(node.name());
    const Dialect d = dialect_of(uri_of(scope, prefix_of(node.name())));
    if (is_camunda_family(d) && local == "connectorId") {
      const std::string name = trim(node.text().get());
      if (name == "http-connector" || name.empty()) return;  // built in (extensions.cpp)
      auto task = task_of(node.parent());
      auto it = binding_.connectors.find(name);
      use("connector", name, task, task.attribute("id").value(), it != binding_.connectors.end());
      if (it == binding_.connectors.end()) return;
      const auto& t = it->second;
      node.text().set((t.connector.empty() ? t.topic : t.connector).c_str());
      bind(task, {}, t, "camunda:connector '" + name + "'");
    } else if (d == Dialect::Zeebe && local == "taskDefinition") {
      const std::string type = node.attribute("type").value();
      if (type.rfind("io.camunda:http-json:", 0) == 0 || type.empty()) return;
      auto task = task_of(node);
      auto it = binding_.job_types.find(type);
      use("jobType", type, task, task.attribute("id").value(), it != binding_.job_types.end());
      if (it == binding_.job_types.end()) return;
      const auto& t = it->second;
      node.attribute("type").set_value((t.connector.empty() ? t.topic : t.connector).c_str());
      bind(task, {}, t, "zeebe job type '" + type + "'");
    } else if (local == "timeCycle" && !binding_.time_zone.empty()) {
      const std::string text = trim(node.text().get());
      if (!expr::looks_like_cron(text) || text.rfind("CRON_TZ=", 0) == 0) return;
      node.text().set(("CRON_TZ=" + binding_.time_zone + " " + text).c_str());
      changed_ = true;
      auto event = node.parent().parent();
      note(event, event.attribute("id").value(),
           "cron cycle '" + text + "' fires in " + binding_.time_zone + " (elva-binding.toml)");
    }
  }

  void walk(pugi::xml_node node, Scope scope, int depth) {
    if (depth > kMaxDepth) return;
    for (auto a : node.attributes()) {
      const std::string_view n = a.name();
      if (n == "xmlns") scope.emplace_back("", a.value());
      if (n.rfind("xmlns:", 0) == 0) scope.emplace_back(std::string(n.substr(6)), a.value());
    }
    element_attributes(node, scope);
    element(node, scope);
    for (auto child : node.children())
      if (child.type() == pugi::node_element) walk(child, scope, depth + 1);
  }

  const std::string& file_;
  const std::string& bytes_;
  const Binding& binding_;
  pugi::xml_document doc_;
  bool changed_ = false;
  std::vector<Diagnostic> applied_;
  std::vector<DelegateUse> delegates_;
};

}  // namespace

BoundFile apply_binding(const std::string& file, const std::string& bytes, const Binding& binding) {
  return Binder(file, bytes, binding).run();
}

}  // namespace elva::parse
