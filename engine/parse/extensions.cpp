// Mapping of extension attributes/elements onto the model, one small function per dialect.
#include "parse/extensions.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "common/iso8601.hpp"
#include "expr/juel.hpp"
#include "parse/data_classes.hpp"
#include "parse/namespaces.hpp"

namespace elva::parse {
namespace {

using namespace model;

struct Ext {
  Dialect dialect;
  std::string_view local;
  std::string_view value;
};

std::string qualified(Dialect d, std::string_view local) {
  return std::string(dialect_prefix(d)) + ":" + std::string(local);
}

JobSpec& ensure_job(Element& e) {
  if (!e.job) e.job.emplace();
  return *e.job;
}

template <typename Spec>
Spec* ensure_spec(Element& e) {
  if (auto* spec = std::get_if<Spec>(&e.spec)) return spec;
  return nullptr;
}

bool apply_user_task(Element& e, std::string_view local, std::string_view value) {
  auto* t = std::get_if<UserTaskSpec>(&e.spec);
  if (!t) return false;
  std::string* field = nullptr;
  if (local == "assignee")
    field = &t->assignee;
  else if (local == "candidateUsers")
    field = &t->candidate_users;
  else if (local == "candidateGroups")
    field = &t->candidate_groups;
  else if (local == "dueDate")
    field = &t->due_date;
  else if (local == "followUpDate")
    field = &t->follow_up_date;
  else if (local == "priority")
    field = &t->priority;
  else if (local == "formKey" || local == "formRef" || local == "formId")
    field = &t->form_key;
  if (!field) return false;
  *field = value;
  return true;
}

bool apply_result_variable(Element& e, std::string_view value) {
  if (auto* script = std::get_if<ScriptSpec>(&e.spec)) {
    script->result_variable = value;
  } else if (auto* decision = std::get_if<DecisionSpec>(&e.spec)) {
    decision->result_variable = value;
  } else {
    return false;
  }
  return true;
}

const std::string_view kIgnoredNote = " is not understood by Elva and is ignored";

void warn_ignored(ReadContext& ctx, SourcePos pos, const Element& e, const std::string& what,
                  std::string_view why = kIgnoredNote) {
  ctx.sink.warning(pos, e.id, bpmn_name(e.type), what + std::string(why));
}

// Camunda 7, Activiti and Flowable attributes on a flow node.
void camunda_attribute(ReadContext& ctx, SourcePos pos, Element& e, const Ext& x) {
  const auto l = x.local;
  const auto v = x.value;
  const std::string name = qualified(x.dialect, l);
  const auto type = bpmn_name(e.type);
  if (apply_user_task(e, l, v)) return;
  if (l == "asyncBefore" || l == "asyncAfter" || l == "async" || l == "exclusive" ||
      l == "jobPriority" || l == "taskPriority" || l == "modelerTemplate" ||
      l == "modelerTemplateVersion") {
    return;  // Elva commits every step durably; transaction boundaries need no markers.
  }
  if (l == "type") {
    if (v == "external") {
      ensure_job(e);
    } else {
      e.vendor_code = true;
      ctx.unsupported(pos, e.id, type,
                      name + "=\"" + std::string(v) + "\" is a task type built into " +
                          std::string(dialect_prefix(x.dialect)) +
                          " that Elva does not have; use a connector (elva:connector) instead");
    }
  } else if (l == "topic") {
    ensure_job(e).job_type = v;
  } else if (l == "class" || l == "delegateExpression" || l == "expression") {
    e.vendor_code = true;
    ctx.unsupported(pos, e.id, type,
                    name +
                        " runs Java code inside the engine, which Elva cannot do; give the task "
                        "a connector (elva:connector=\"hr.createUser\") or an external-worker "
                        "topic (camunda:type=\"external\" camunda:topic=\"...\")");
  } else if (l == "resultVariable") {
    if (!apply_result_variable(e, v))
      warn_ignored(ctx, pos, e, name, " is ignored on this element");
  } else if (l == "decisionRef") {
    if (auto* d = ensure_spec<DecisionSpec>(e)) d->decision_ref = v;
  } else if (l == "mapDecisionResult") {
    if (auto* d = ensure_spec<DecisionSpec>(e)) d->map_result = v;
  } else if (l == "decisionRefBinding" || l == "calledElementBinding") {
    if (v != "latest") {
      ctx.sink.warning(pos, e.id, type,
                       name + "=\"" + std::string(v) +
                           "\" is not supported: Elva always uses the latest deployed version");
    }
  } else if (l == "initiator") {
    e.properties.push_back({std::string(l), std::string(v)});
  } else if ((l == "formKey" || l == "formRef") && e.type == ElementType::StartEvent) {
    e.properties.push_back({"formKey", std::string(v)});  // the start form (PeopleApi::start_form)
  } else if (l == "resource") {
    ctx.unsupported(pos, e.id, type,
                    name +
                        " (a script loaded from a resource) is not supported; "
                        "put the script inline");
  } else {
    warn_ignored(ctx, pos, e, name);
  }
}

constexpr std::array<std::string_view, 20> kElvaAttributes{"connector",
                                                           "retries",
                                                           "retryCycle",
                                                           "assignee",
                                                           "candidateUsers",
                                                           "candidateGroups",
                                                           "dueDate",
                                                           "followUpDate",
                                                           "priority",
                                                           "formKey",
                                                           "decisionRef",
                                                           "resultVariable",
                                                           "mapDecisionResult",
                                                           "propagateAllParentVariables",
                                                           "propagateAllChildVariables",
                                                           "collection",
                                                           "elementVariable",
                                                           "completionVariables",
                                                           "acceptAnyVariables",
                                                           "initiator"};

// "a, b,,c " -> {"a", "b", "c"}.
std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    auto item = text.substr(start, end - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())))
      item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())))
      item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

// An expression where Elva needs a literal list (FEEL "=...", JUEL "${...}" / "#{...}").
bool is_expression(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  return (!text.empty() && text.front() == '=') || text.find("${") != std::string_view::npos ||
         text.find("#{") != std::string_view::npos;
}

void elva_attribute(ReadContext& ctx, SourcePos pos, Element& e, const Ext& x) {
  const auto l = x.local;
  const auto v = x.value;
  const auto type = bpmn_name(e.type);
  const std::string name = "elva:" + std::string(l);
  auto misplaced = [&](std::string_view applies_to) {
    ctx.sink.error(pos, e.id, type, name + " applies to " + std::string(applies_to) + " only");
  };
  if (l == "connector" || l == "retries" || l == "retryCycle") {
    const bool can_job = e.type == ElementType::ServiceTask || e.type == ElementType::SendTask ||
                         e.type == ElementType::ScriptTask ||
                         e.type == ElementType::BusinessRuleTask || is_event(e.type);
    if (!can_job) return misplaced("service, send, script and business rule tasks and events");
    auto& job = ensure_job(e);
    (l == "connector" ? job.job_type : l == "retries" ? job.retries : job.retry_cycle) = v;
    if (l == "connector") job.connector = true;
  } else if (apply_user_task(e, l, v)) {
  } else if (l == "completionVariables" || l == "acceptAnyVariables") {
    auto* task = ensure_spec<UserTaskSpec>(e);
    if (!task) return misplaced("user tasks");
    if (l == "acceptAnyVariables") {
      if (v != "true" && v != "false")
        return ctx.sink.error(pos, e.id, type, name + " must be true or false");
      task->accept_any_variables = v == "true";
    } else if (is_expression(v)) {
      ctx.sink.error(
          pos, e.id, type,
          name + " must be a literal comma-separated list of variable names, not an expression");
    } else {
      task->completion_variables = comma_list(v);
    }
  } else if ((l == "formKey" || l == "initiator") && e.type == ElementType::StartEvent) {
    // The start form, and the variable that gets the id of the user who started the instance.
    e.properties.push_back({std::string(l), std::string(v)});
  } else if (l == "initiator") {
    misplaced("start events");
  } else if (l == "assignee" || l == "candidateUsers" || l == "candidateGroups" || l == "dueDate" ||
             l == "followUpDate" || l == "priority" || l == "formKey") {
    misplaced("user tasks");
  } else if (l == "decisionRef" || l == "mapDecisionResult") {
    auto* d = ensure_spec<DecisionSpec>(e);
    if (!d) return misplaced("business rule tasks");
    (l == "decisionRef" ? d->decision_ref : d->map_result) = v;
  } else if (l == "resultVariable") {
    if (!apply_result_variable(e, v)) misplaced("script and business rule tasks");
  } else if (l == "propagateAllParentVariables" || l == "propagateAllChildVariables") {
    auto* call = ensure_spec<CallActivitySpec>(e);
    if (!call) return misplaced("call activities");
    (l == "propagateAllParentVariables" ? call->propagate_all_in : call->propagate_all_out) =
        v == "true";
  } else {
    std::string msg = "unknown attribute " + name;
    if (auto guess = closest_elva_attribute(l); !guess.empty()) {
      msg += " (did you mean elva:" + std::string(guess) + "?)";
    }
    ctx.sink.error(pos, e.id, type, msg);
  }
}

// Calls f(Ext) for each attribute in a known execution dialect.
template <typename F>
void for_each_dialect_attribute(ReadContext& ctx, pugi::xml_node node, F&& f) {
  for (auto attr : node.attributes()) {
    std::string_view raw = attr.name();
    if (raw == "xmlns" || raw.substr(0, 6) == "xmlns:") continue;
    QName name = ctx.ns.attribute_name(attr);
    Dialect d = dialect_of(name.uri);
    if (d == Dialect::None || d == Dialect::CamundaModeler) continue;
    f(Ext{d, name.local, attr.value()});
  }
}

template <typename F>
void for_each_element(ReadContext& ctx, pugi::xml_node parent, F&& f) {
  for (auto child : parent.children()) {
    if (child.type() != pugi::node_element) continue;
    NsScope scope(ctx.ns, child);
    f(child, ctx.ns.element_name(child));
  }
}

std::string attr(pugi::xml_node node, const char* name) { return node.attribute(name).value(); }

// A text of a camunda:map or camunda:list as part of one ${...}: a quoted literal, or the body
// of its (converted) JUEL.
std::string juel_part(const std::string& text) {
  if (expr::has_juel(text)) {
    if (auto conv = expr::convert_juel(text); conv && conv->text.size() > 3)
      return "(" + conv->text.substr(2, conv->text.size() - 3) + ")";
  }
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

// camunda:map / camunda:list of texts -> one ${...} giving a context / list; empty when an item
// is a script or nested (not converted).
std::string map_or_list(ReadContext& ctx, pugi::xml_node value, QName name) {
  std::string out;
  bool ok = true;
  for_each_element(ctx, value, [&](pugi::xml_node item, QName) {
    for (auto c : item.children()) ok = ok && c.type() != pugi::node_element;
    if (!out.empty()) out += ", ";
    if (name.local == "map") out += juel_part(attr(item, "key")) + ": ";
    out += juel_part(text_of(item));
  });
  if (!ok || (name.local != "map" && name.local != "list")) return {};
  return name.local == "map" ? "${{" + out + "}}" : "${[" + out + "]}";
}

// camunda:inputOutput / camunda:connector's inputOutput.
void camunda_input_output(ReadContext& ctx, pugi::xml_node node, Element& e) {
  for_each_element(ctx, node, [&](pugi::xml_node param, QName name) {
    const bool input = name.local == "inputParameter";
    if (!input && name.local != "outputParameter") return;
    for (auto child : param.children()) {
      if (child.type() != pugi::node_element) continue;
      NsScope scope(ctx.ns, child);
      const QName value_name = ctx.ns.element_name(child);
      const std::string what = std::string(name.local) + " '" + attr(param, "name") + "'";
      if (value_name.local == "script") {
        const std::string format = attr(child, "scriptFormat");
        if (child.attribute("resource")) {
          ctx.unsupported(ctx.pos(param), e.id, bpmn_name(e.type),
                          what + " uses an external script file (resource=\"" +
                              attr(child, "resource") +
                              "\"), which Elva does not read; put the script inline");
        } else if (model::script_language(format) != model::ScriptLanguage::JavaScript) {
          ctx.unsupported(ctx.pos(param), e.id, bpmn_name(e.type),
                          what + " is a script in '" + format +
                              "', which needs a worker: Elva runs JavaScript mapping scripts "
                              "only; use a FEEL expression (${...} or =...) instead");
        } else {
          IoMapping m{text_of(child), attr(param, "name"), ctx.pos(param), format};
          (input ? e.inputs : e.outputs).push_back(std::move(m));
        }
        return;
      }
      std::string converted = map_or_list(ctx, child, value_name);
      if (converted.empty()) {
        ctx.unsupported(ctx.pos(param), e.id, bpmn_name(e.type),
                        what +
                            " uses a nested list or map value, which is not "
                            "supported; use a FEEL expression (${...} or =...) instead");
        return;
      }
      ctx.converted(ctx.pos(param), e.id, bpmn_name(e.type),
                    std::string(name.local) + " '" + attr(param, "name") +
                        "': camunda:" + std::string(value_name.local) + " read as " + converted);
      IoMapping m{converted, attr(param, "name"), ctx.pos(param)};
      (input ? e.inputs : e.outputs).push_back(std::move(m));
      return;
    }
    IoMapping m{text_of(param), attr(param, "name"), ctx.pos(param)};
    (input ? e.inputs : e.outputs).push_back(std::move(m));
  });
}

// Replaces the whole word `from` by `to` outside quotes.
std::string rename_word(const std::string& text, std::string_view from, std::string_view to) {
  std::string out;
  char quote = 0;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (text.compare(i, from.size(), from) == 0 && (i == 0 || !word(text[i - 1])) &&
               (i + from.size() >= text.size() || !word(text[i + from.size()]))) {
      out += to;
      i += from.size() - 1;
      continue;
    }
    out += c;
  }
  return out;
}

// Camunda 7's http-connector onto Elva's http connector (http.request): payload -> body; its
// outputs read response/statusCode, which Elva's connector answers as body/status.
void camunda_http_connector(ReadContext& ctx, SourcePos pos, Element& e) {
  auto& job = ensure_job(e);
  job.job_type = "http.request";
  job.connector = true;
  for (auto& m : e.inputs)
    if (m.target == "payload") m.target = "body";
  for (auto& m : e.outputs) {
    std::string s = rename_word(m.source, "S(response)", "body");
    s = rename_word(rename_word(s, "response", "body"), "statusCode", "status");
    m.source = rename_word(s, "S(body)", "body");
  }
  ctx.converted(pos, e.id, bpmn_name(e.type),
                "camunda:connector http-connector runs on Elva's http connector (http.request): "
                "payload is sent as body; outputs read response as body, statusCode as status");
}

// Splits `text` at `sep` outside quotes and brackets.
std::vector<std::string> split_top(const std::string& text, char sep) {
  std::vector<std::string> out(1);
  char quote = 0;
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == '\\' && i + 1 < text.size()) {
        out.back() += c;
        out.back() += text[++i];
        continue;
      }
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    } else if (c == sep && depth == 0) {
      out.emplace_back();
      continue;
    }
    out.back() += c;
  }
  return out;
}

std::string trimmed(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// ${execution.setVariable('name', EXPR); task.setVariable('other', EXPR)} -> name := FEEL of
// EXPR, in order. An error says what is not such a call.
Result<std::vector<IoMapping>> listener_sets(const std::string& expression, SourcePos pos) {
  const std::string text = trimmed(expression);
  if (text.size() < 4 || (text.rfind("${", 0) != 0 && text.rfind("#{", 0) != 0) ||
      text.back() != '}')
    return fail(Errc::InvalidArgument, "it is not one ${...} expression");
  std::vector<IoMapping> out;
  for (const auto& raw : split_top(text.substr(2, text.size() - 3), ';')) {
    const std::string call = trimmed(raw);
    if (call.empty()) continue;
    std::string args;
    for (const char* prefix : {"execution.setVariable(", "task.setVariable("}) {
      const std::string_view p(prefix);
      if (call.rfind(p, 0) == 0 && call.back() == ')')
        args = call.substr(p.size(), call.size() - p.size() - 1);
    }
    const auto parts = split_top(args, ',');
    if (args.empty() || parts.size() != 2)
      return fail(Errc::InvalidArgument,
                  "'" + call + "' is not execution.setVariable('name', value)");
    const std::string name = trimmed(parts[0]);
    const std::string value = trimmed(parts[1]);
    bool plain = name.size() >= 3 && (name.front() == '\'' || name.front() == '"') &&
                 name.back() == name.front() && !value.empty();
    for (std::size_t i = 1; plain && i + 1 < name.size(); ++i)
      plain = name[i] != '\'' && name[i] != '"' && name[i] != '\\';
    if (!plain)
      return fail(Errc::InvalidArgument,
                  "'" + call + "' does not set a variable named in quotes to a value");
    auto conv = expr::convert_juel("${" + value + "}");
    if (!conv) return fail(conv.error());
    out.push_back({conv->text, name.substr(1, name.size() - 2), pos, {}});
  }
  if (out.empty()) return fail(Errc::InvalidArgument, "it sets no variable");
  return out;
}

// camunda:executionListener / taskListener (and Operaton's, Flowable's, Activiti's): run when
// they only set variables at start/end (execution) or create/complete (task, on user tasks),
// by an expression of execution.setVariable calls or an inline JavaScript script; any other is
// ignored with a warning naming it.
void camunda_listener(ReadContext& ctx, pugi::xml_node node, const std::string& kind, bool task,
                      Element& e) {
  const auto pos = ctx.pos(node);
  const std::string event = attr(node, "event");
  std::string named = kind + " (event '" + event + "'";
  for (const char* a : {"class", "delegateExpression", "expression"})
    if (node.attribute(a)) named += std::string(", ") + a + " '" + attr(node, a) + "'";
  pugi::xml_node script;
  for (auto c : node.children())
    if (c.type() == pugi::node_element) {
      NsScope scope(ctx.ns, c);
      if (ctx.ns.element_name(c).local == "script") script = c;
    }
  if (script) named += ", script in '" + attr(script, "scriptFormat") + "'";
  named += ")";
  auto ignored = [&](const std::string& why) {
    ctx.sink.warning(pos, e.id, bpmn_name(e.type),
                     named + " " + why + "; Elva ignores it. Model the work as a task instead");
  };
  Listener listener;
  listener.pos = pos;
  listener.what = kind + " " + event;
  if (!task && event == "start")
    listener.event = ListenerEvent::Start;
  else if (!task && event == "end")
    listener.event = ListenerEvent::End;
  else if (task && event == "create" && e.type == ElementType::UserTask)
    listener.event = ListenerEvent::Create;
  else if (task && event == "complete" && e.type == ElementType::UserTask)
    listener.event = ListenerEvent::Complete;
  else
    return ignored(
        "runs code inside the Camunda engine at an event Elva does not run "
        "listeners at (it runs start, end, and a user task's create and complete)");
  if (node.attribute("class") || node.attribute("delegateExpression"))
    return ignored("runs code inside the Camunda engine");
  if (script) {
    const std::string format = attr(script, "scriptFormat");
    if (script.attribute("resource"))
      return ignored("reads its script from a file (resource), which Elva does not read");
    if (script_language(format) != ScriptLanguage::JavaScript)
      return ignored("is a script in '" + format + "', which Elva does not run (JavaScript only)");
    listener.script_format = format;
    listener.script = text_of(script);
    ctx.converted(pos, e.id, bpmn_name(e.type),
                  named +
                      " runs in Elva's JavaScript sandbox; the variables it sets with "
                      "execution.setVariable are set");
  } else if (node.attribute("expression")) {
    auto sets = listener_sets(attr(node, "expression"), pos);
    if (!sets)
      return ignored("runs code inside the Camunda engine (" + sets.error().message +
                     "; Elva runs listeners that only call execution.setVariable)");
    std::string shown;
    for (const auto& m : *sets) {  // as FEEL reads, for the report
      auto feel = expr::convert_juel(m.source);
      shown += (shown.empty() ? "" : ", ") + m.target +
               " := " + (feel && !feel->shown.empty() ? feel->shown : m.source);
    }
    listener.sets = std::move(*sets);
    ctx.converted(pos, e.id, bpmn_name(e.type), named + " runs as " + shown);
  } else {
    return ignored("has no expression or inline script Elva can run");
  }
  e.listeners.push_back(std::move(listener));
}

void camunda_element(ReadContext& ctx, pugi::xml_node node, QName name, Dialect d, Element& e) {
  const auto l = name.local;
  const auto pos = ctx.pos(node);
  const auto type = bpmn_name(e.type);
  if (l == "inputOutput") {
    camunda_input_output(ctx, node, e);
  } else if (l == "in" || l == "out") {
    auto* call = ensure_spec<CallActivitySpec>(e);
    if (!call)
      return warn_ignored(ctx, pos, e, qualified(d, l), " applies to call activities only");
    if (attr(node, "variables") == "all") {
      (l == "in" ? call->propagate_all_in : call->propagate_all_out) = true;
      return;
    }
    if (node.attribute("businessKey")) {
      e.properties.push_back({"businessKey", attr(node, "businessKey")});
      return;
    }
    std::string source = attr(node, "sourceExpression");
    if (source.empty()) source = attr(node, "source");
    (l == "in" ? call->in : call->out).push_back({source, attr(node, "target"), pos});
  } else if (l == "properties") {
    for_each_element(ctx, node, [&](pugi::xml_node p, QName) {
      e.properties.push_back({attr(p, "name"), attr(p, "value")});
    });
  } else if (l == "failedJobRetryTimeCycle") {
    ensure_job(e).retry_cycle = text_of(node);
  } else if (l == "connector") {
    for_each_element(ctx, node, [&](pugi::xml_node child, QName cname) {
      if (cname.local == "connectorId") ensure_job(e).job_type = text_of(child);
      if (cname.local == "inputOutput") camunda_input_output(ctx, child, e);
    });
    if (e.job && e.job->job_type == "http-connector") camunda_http_connector(ctx, pos, e);
  } else if (l == "executionListener" || l == "taskListener") {
    camunda_listener(ctx, node, qualified(d, l), l == "taskListener", e);
  } else if (l == "formData" || l == "formProperty") {
    ctx.sink.warning(pos, e.id, type,
                     qualified(d, l) +
                         " (generated forms) is not supported and is ignored; "
                         "reference a form file with formKey");
  } else {
    warn_ignored(ctx, pos, e, qualified(d, l));
  }
}

void zeebe_element(ReadContext& ctx, pugi::xml_node node, QName name, Element& e) {
  const auto l = name.local;
  const auto pos = ctx.pos(node);
  const auto type = bpmn_name(e.type);
  if (l == "taskDefinition") {
    auto& job = ensure_job(e);
    job.job_type = attr(node, "type");
    job.retries = attr(node, "retries");
  } else if (l == "ioMapping") {
    for_each_element(ctx, node, [&](pugi::xml_node m, QName mname) {
      IoMapping io{attr(m, "source"), attr(m, "target"), ctx.pos(m)};
      if (mname.local == "input") e.inputs.push_back(std::move(io));
      if (mname.local == "output") e.outputs.push_back(std::move(io));
    });
  } else if (l == "taskHeaders") {
    for_each_element(ctx, node, [&](pugi::xml_node h, QName) {
      ensure_job(e).headers.push_back({attr(h, "key"), attr(h, "value")});
    });
  } else if (l == "formDefinition" && e.type == ElementType::StartEvent) {
    // Camunda 8's start form: formId (a linked form) or formKey / externalReference.
    for (const char* key : {"formId", "formKey", "externalReference"}) {
      if (node.attribute(key)) e.properties.push_back({"formKey", attr(node, key)});
    }
  } else if (l == "assignmentDefinition" || l == "taskSchedule" || l == "formDefinition" ||
             l == "priorityDefinition") {
    for (auto a : node.attributes()) {
      if (!apply_user_task(e, a.name(), a.value()) &&
          std::string_view(a.name()) != "externalReference") {
        warn_ignored(ctx, pos, e, "zeebe:" + std::string(l) + "/@" + a.name());
      }
    }
    if (auto* task = std::get_if<UserTaskSpec>(&e.spec);
        task && node.attribute("externalReference")) {
      task->form_key = attr(node, "externalReference");
    }
  } else if (l == "calledElement") {
    if (auto* call = ensure_spec<CallActivitySpec>(e)) {
      call->called_element = attr(node, "processId");
      call->propagate_all_out = node.attribute("propagateAllChildVariables").as_bool(true);
      call->propagate_all_in = node.attribute("propagateAllParentVariables").as_bool(true);
    }
  } else if (l == "calledDecision") {
    if (auto* d = ensure_spec<DecisionSpec>(e)) {
      d->decision_ref = attr(node, "decisionId");
      d->result_variable = attr(node, "resultVariable");
    }
  } else if (l == "script") {
    if (auto* s = ensure_spec<ScriptSpec>(e)) {
      s->format = "feel";
      s->body = attr(node, "expression");
      s->result_variable = attr(node, "resultVariable");
    }
  } else if (l == "properties") {
    for_each_element(ctx, node, [&](pugi::xml_node p, QName) {
      e.properties.push_back({attr(p, "name"), attr(p, "value")});
    });
  } else if (l == "userTask") {
    // Marks a Camunda 8 "Zeebe user task"; Elva's user tasks are always engine-managed.
  } else if (l == "executionListeners" || l == "taskListeners") {
    ctx.sink.warning(pos, e.id, type,
                     "zeebe:" + std::string(l) +
                         " run job workers around the element; Elva "
                         "ignores them. Model the work as a task instead");
  } else {
    warn_ignored(ctx, pos, e, "zeebe:" + std::string(l));
  }
}

// <elva:summary><elva:field label="Employee" value="=employee.name"/>...</elva:summary>
void read_summary(ReadContext& ctx, pugi::xml_node node, const std::string& owner,
                  std::string_view owner_type, std::vector<SummaryField>& into) {
  for_each_element(ctx, node, [&](pugi::xml_node f, QName fname) {
    if (fname.local != "field") {
      ctx.sink.error(
          ctx.pos(f), owner, owner_type,
          "elva:summary holds elva:field elements (label, value), not " + std::string(fname.local));
      return;
    }
    SummaryField field{attr(f, "label"), attr(f, "value"), ctx.pos(f)};
    if (field.value.empty())
      ctx.sink.error(ctx.pos(f), owner, owner_type,
                     "elva:field needs a value: a variable as a FEEL expression "
                     "(value=\"=employee.name\") or a text with {{...}}");
    if (field.label.empty()) field.label = field.value;
    into.push_back(std::move(field));
  });
}

// <elva:data name="employee" class="personal" retention="P5Y" subject="true" purpose="..."/>
void read_data_declaration(ReadContext& ctx, pugi::xml_node node, ProcessDefinition& process) {
  const SourcePos pos = ctx.pos(node);
  auto error = [&](std::string msg) { ctx.sink.error(pos, process.id, "process", std::move(msg)); };
  DataDeclaration d;
  d.pos = pos;
  d.variable = attr(node, "name");
  if (d.variable.empty() || d.variable.find_first_of(" .=${}") != std::string::npos)
    return error(
        "elva:data needs name=\"...\": the process variable (a plain name, no path or "
        "expression)");
  const std::string cls = attr(node, "class");
  auto data_class = data_class_from(cls);
  if (!data_class)
    return error("elva:data '" + d.variable + "': class=\"" + cls +
                 "\" is not a data class (personal, sensitive, record, working)");
  d.data_class = *data_class;
  d.retention = attr(node, "retention");
  if (!d.retention.empty() && !retention_interval(d.retention))
    return error("elva:data '" + d.variable + "': retention=\"" + d.retention +
                 "\" is not an ISO 8601 duration (P5Y, P6M, P30D) or whole days");
  const std::string subject = attr(node, "subject");
  if (!subject.empty() && subject != "true" && subject != "false")
    return error("elva:data '" + d.variable + "': subject must be true or false");
  d.subject = subject == "true";
  d.purpose = attr(node, "purpose");
  for (auto a : node.attributes()) {
    const std::string_view n = a.name();
    if (n != "name" && n != "class" && n != "retention" && n != "subject" && n != "purpose")
      error("elva:data '" + d.variable + "': unknown attribute " + std::string(n) +
            " (known: name, class, retention, subject, purpose)");
  }
  for (const auto& other : process.data_declarations)
    if (other.variable == d.variable)
      return error("elva:data '" + d.variable + "' is declared twice (line " +
                   std::to_string(other.pos.line) + ")");
  process.data_declarations.push_back(std::move(d));
}

void elva_element(ReadContext& ctx, pugi::xml_node node, QName name, Element& e) {
  const auto l = name.local;
  if (l == "summary" && e.as<UserTaskSpec>()) {
    read_summary(ctx, node, e.id, bpmn_name(e.type), std::get<UserTaskSpec>(e.spec).summary);
  } else if (l == "input" || l == "output") {
    IoMapping m{attr(node, "source"), attr(node, "target"), ctx.pos(node)};
    (l == "input" ? e.inputs : e.outputs).push_back(std::move(m));
  } else if (l == "header") {
    ensure_job(e).headers.push_back({attr(node, "key"), attr(node, "value")});
  } else if (l == "property") {
    e.properties.push_back({attr(node, "name"), attr(node, "value")});
  } else {
    ctx.sink.error(ctx.pos(node), e.id, bpmn_name(e.type),
                   "unknown element elva:" + std::string(l) +
                       " (Elva's extension elements are input, output, header, property, and "
                       "summary on a user task)");
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Something in a namespace Elva does not read, on or in an element of an executable process.
void note_vendor(ReadContext& ctx, std::string_view uri, std::string_view raw_name, SourcePos pos,
                 const Element& e, std::string_view how) {
  if (!ctx.executable || uri.empty() || is_modelling_namespace(uri)) return;
  auto [it, fresh] = ctx.vendor.try_emplace(std::string(uri));
  if (fresh) it->second = VendorUse{pos, e.id, std::string(bpmn_name(e.type)), {}};
  it->second.carried.push_back(std::string(raw_name) + " " + std::string(how) + " '" + e.id + "'");
}

}  // namespace

std::string_view closest_elva_attribute(std::string_view name) {
  std::string_view best;
  std::size_t best_distance = 3;  // suggest only near misses
  for (auto candidate : kElvaAttributes) {
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

void read_extension_attributes(ReadContext& ctx, pugi::xml_node node, Element& element) {
  const SourcePos pos = ctx.pos(node);
  for (auto a : node.attributes()) {
    std::string_view raw = a.name();
    if (raw == "xmlns" || raw.substr(0, 6) == "xmlns:" || raw.find(':') == std::string_view::npos)
      continue;
    QName name = ctx.ns.attribute_name(a);
    if (dialect_of(name.uri) == Dialect::None) note_vendor(ctx, name.uri, raw, pos, element, "on");
  }
  for_each_dialect_attribute(ctx, node, [&](const Ext& x) {
    if (x.dialect == Dialect::Elva) {
      elva_attribute(ctx, pos, element, x);
    } else if (is_camunda_family(x.dialect)) {
      camunda_attribute(ctx, pos, element, x);
    } else if (x.local != "modelerTemplate" && x.local != "modelerTemplateVersion" &&
               x.local != "modelerTemplateIcon") {
      warn_ignored(ctx, pos, element, qualified(x.dialect, x.local));
    }
  });
}

namespace {

// Camunda 8's REST connector (io.camunda:http-json:1) onto Elva's http connector: the same
// inputs (queryParameters as query), the answer {status, headers, body} into resultVariable.
// Authentication and timeouts belong to the connector's settings in elva.toml.
void zeebe_rest_connector(ReadContext& ctx, pugi::xml_node ext, Element& e) {
  auto& job = *e.job;
  const auto pos = ctx.pos(ext);
  const auto type = bpmn_name(e.type);
  job.job_type = "http.request";
  job.connector = true;
  std::vector<IoMapping> inputs;
  std::string dropped;
  for (auto& m : e.inputs) {
    if (m.target == "queryParameters") m.target = "query";
    if (m.target == "authentication.type" && (m.source == "noAuth" || m.source.empty())) continue;
    if (m.target.rfind("authentication", 0) == 0 || m.target.find("Timeout") != std::string::npos) {
      dropped += (dropped.empty() ? "" : ", ") + m.target;
      continue;
    }
    inputs.push_back(std::move(m));
  }
  e.inputs = std::move(inputs);
  std::vector<Property> headers;
  for (auto& h : job.headers) {
    if (h.name == "resultVariable" && !h.value.empty()) {
      e.outputs.push_back({"={status: status, headers: headers, body: body}", h.value, pos});
    } else if (h.name == "resultExpression" || h.name == "errorExpression") {
      ctx.sink.warning(pos, e.id, type,
                       "zeebe:header " + h.name +
                           " of the REST connector is not applied; map the answer (status, "
                           "headers, body) with output mappings instead");
    } else if (h.name != "retryBackoff") {
      headers.push_back(std::move(h));
    }
  }
  job.headers = std::move(headers);
  ctx.converted(pos, e.id, type,
                "Camunda 8 REST connector (io.camunda:http-json:1) runs on Elva's http connector "
                "(http.request)");
  if (!dropped.empty())
    ctx.sink.warning(pos, e.id, type,
                     "REST connector inputs " + dropped +
                         " are not applied: set credentials and timeouts on the http connector "
                         "in elva.toml (docs/connectors.md)");
}

}  // namespace

void read_extension_elements(ReadContext& ctx, pugi::xml_node ext, Element& element) {
  for_each_element(ctx, ext, [&](pugi::xml_node node, QName name) {
    const Dialect d = dialect_of(name.uri);
    if (d == Dialect::Elva)
      elva_element(ctx, node, name, element);
    else if (d == Dialect::Zeebe)
      zeebe_element(ctx, node, name, element);
    else if (is_camunda_family(d))
      camunda_element(ctx, node, name, d, element);
    else if (d == Dialect::None && name.uri != kBpmnNs)
      note_vendor(ctx, name.uri, node.name(), ctx.pos(node), element, "in");
  });
  if (element.job && element.job->job_type.rfind("io.camunda:http-json:", 0) == 0)
    zeebe_rest_connector(ctx, ext, element);
}

void read_flow_extension_elements(ReadContext& ctx, pugi::xml_node ext,
                                  const model::SequenceFlow& flow) {
  for_each_element(ctx, ext, [&](pugi::xml_node node, QName name) {
    const Dialect d = dialect_of(name.uri);
    if (!is_camunda_family(d) || name.local != "executionListener") return;
    std::string named = qualified(d, name.local) + " (event '" + attr(node, "event") + "'";
    for (const char* a : {"class", "delegateExpression", "expression"})
      if (node.attribute(a)) named += std::string(", ") + a + " '" + attr(node, a) + "'";
    ctx.sink.warning(ctx.pos(node), flow.id, "sequenceFlow",
                     named +
                         ") on a sequence flow runs code inside the Camunda engine when the flow "
                         "is taken; Elva ignores it. Model the work as a task instead");
  });
}

void read_loop_extensions(ReadContext& ctx, pugi::xml_node loop_node, Element& element) {
  LoopSpec& loop = element.loop;
  for_each_dialect_attribute(ctx, loop_node, [&](const Ext& x) {
    const bool elva = x.dialect == Dialect::Elva;
    if (!elva && !is_camunda_family(x.dialect)) return;
    if (x.local == "collection")
      loop.input_collection = x.value;
    else if (x.local == "elementVariable")
      loop.input_element = x.value;
    else if (elva && x.local == "outputCollection")
      loop.output_collection = x.value;
    else if (elva && x.local == "outputElement")
      loop.output_element = x.value;
    else if (elva) {
      ctx.sink.error(ctx.pos(loop_node), element.id, bpmn_name(element.type),
                     "unknown attribute elva:" + std::string(x.local) +
                         " on multi-instance characteristics (known: collection, "
                         "elementVariable, outputCollection, outputElement)");
    } else if (x.local != "asyncBefore" && x.local != "asyncAfter" && x.local != "exclusive") {
      warn_ignored(ctx, ctx.pos(loop_node), element, qualified(x.dialect, x.local));
    }
  });
  for_each_element(ctx, loop_node, [&](pugi::xml_node child, QName name) {
    if (name.local != "extensionElements") return;
    for_each_element(ctx, child, [&](pugi::xml_node z, QName zname) {
      if (dialect_of(zname.uri) != Dialect::Zeebe || zname.local != "loopCharacteristics") return;
      loop.input_collection = attr(z, "inputCollection");
      loop.input_element = attr(z, "inputElement");
      loop.output_collection = attr(z, "outputCollection");
      loop.output_element = attr(z, "outputElement");
    });
  });
}

void read_message_extensions(ReadContext& ctx, pugi::xml_node node, Message& message) {
  for_each_dialect_attribute(ctx, node, [&](const Ext& x) {
    if (x.dialect == Dialect::Elva && x.local == "correlationKey")
      message.correlation_key = x.value;
  });
  for_each_element(ctx, node, [&](pugi::xml_node child, QName) {
    for_each_element(ctx, child, [&](pugi::xml_node z, QName zname) {
      if (dialect_of(zname.uri) == Dialect::Zeebe && zname.local == "subscription") {
        message.correlation_key = attr(z, "correlationKey");
      }
    });
  });
}

void read_process_extensions(ReadContext& ctx, pugi::xml_node node, ProcessDefinition& process) {
  for_each_dialect_attribute(ctx, node, [&](const Ext& x) {
    if (x.local == "versionTag")
      process.version_tag = x.value;
    else if (x.local == "historyTimeToLive" ||
             (x.dialect == Dialect::Elva && x.local == "retention")) {
      process.history_time_to_live = x.value;
      if (!retention_interval(x.value))
        ctx.sink.error(ctx.pos(node), process.id, "process",
                       qualified(x.dialect, x.local) + "=\"" + std::string(x.value) +
                           "\" is not a retention: give an ISO 8601 duration (P5Y, P180D) or "
                           "whole days (180)");
    } else if (x.dialect == Dialect::Elva && x.local == "withdrawMessage") {
      process.withdraw_message = x.value;
      process.withdraw_pos = ctx.pos(node);
    } else if (x.dialect == Dialect::Elva && x.local == "deadline") {
      // How long a case may take from its start (the stats' share met and cases at risk): an ISO
      // 8601 duration, since a deadline that moves with the case's data could not be compared.
      const auto d = iso8601::parse_duration(x.value);
      if (!d || (d->years <= 0 && d->months <= 0 && d->days <= 0 && d->millis <= 0)) {
        ctx.sink.error(ctx.pos(node), process.id, "process",
                       "elva:deadline must be a positive ISO 8601 duration measured from the "
                       "start (P10W, P30D, PT48H), not '" +
                           std::string(x.value) + "'");
        return;
      }
      process.deadline = x.value;
    } else if (x.dialect == Dialect::Elva && x.local == "purpose")
      process.purpose = x.value;
    else if (x.local == "candidateStarterGroups" || x.local == "candidateStarterUsers") {
      // Start rights are read once, at deploy: an expression would need a caller to evaluate it
      // against, and a wrong guess would let everyone (or no one) start the process.
      if (is_expression(x.value)) {
        ctx.sink.error(ctx.pos(node), process.id, "process",
                       qualified(x.dialect, x.local) +
                           " must be a literal comma-separated list, not an expression");
        return;
      }
      auto& into = x.local == "candidateStarterGroups" ? process.candidate_starter_groups
                                                       : process.candidate_starter_users;
      for (auto& item : comma_list(x.value)) into.push_back(std::move(item));
    } else if (x.dialect != Dialect::Elva)
      process.properties.push_back({std::string(x.local), std::string(x.value)});
    else {
      ctx.sink.error(
          ctx.pos(node), process.id, "process",
          "unknown attribute elva:" + std::string(x.local) +
              " on a process (known: versionTag, historyTimeToLive, retention, purpose, "
              "candidateStarterGroups, candidateStarterUsers, withdrawMessage, deadline)");
    }
  });
  for_each_element(ctx, node, [&](pugi::xml_node ext, QName name) {
    if (name.uri != kBpmnNs || name.local != "extensionElements") return;
    for_each_element(ctx, ext, [&](pugi::xml_node child, QName cname) {
      const Dialect d = dialect_of(cname.uri);
      if (d == Dialect::None || d == Dialect::CamundaModeler) return;
      if (cname.local == "properties") {
        for_each_element(ctx, child, [&](pugi::xml_node p, QName) {
          process.properties.push_back({attr(p, "name"), attr(p, "value")});
        });
      } else if (cname.local == "versionTag") {
        process.version_tag = attr(child, "value");
      } else if (d == Dialect::Elva && cname.local == "summary") {
        read_summary(ctx, child, process.id, "process", process.summary);
      } else if (d == Dialect::Elva && cname.local == "data") {
        read_data_declaration(ctx, child, process);
      } else if (d == Dialect::Zeebe && cname.local == "userTaskForm") {
        process.embedded_forms.push_back({attr(child, "id"), child.child_value(), ctx.pos(child)});
      } else {
        ctx.sink.warning(ctx.pos(child), process.id, "process",
                         qualified(d, cname.local) + std::string(kIgnoredNote));
      }
    });
  });
}

Dialect dialect_of(std::string_view uri) noexcept {
  if (uri == kElvaNs) return Dialect::Elva;
  if (uri == kCamundaNs) return Dialect::Camunda;
  if (uri == kOperatonNs) return Dialect::Operaton;
  if (uri == kZeebeNs) return Dialect::Zeebe;
  if (uri == kActivitiNs) return Dialect::Activiti;
  if (uri == kFlowableNs) return Dialect::Flowable;
  if (uri == kModelerNs) return Dialect::CamundaModeler;
  return Dialect::None;
}

std::string_view dialect_prefix(Dialect dialect) noexcept {
  switch (dialect) {
    case Dialect::Elva:
      return "elva";
    case Dialect::Camunda:
      return "camunda";
    case Dialect::Operaton:
      return "operaton";
    case Dialect::Activiti:
      return "activiti";
    case Dialect::Flowable:
      return "flowable";
    case Dialect::Zeebe:
      return "zeebe";
    case Dialect::CamundaModeler:
      return "modeler";
    case Dialect::None:
      break;
  }
  return "";
}

}  // namespace elva::parse
