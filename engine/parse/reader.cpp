// The BPMN reader: walks <definitions> with namespace resolution by URI and builds the model.
// Vendor and Elva extensions are applied by extensions.cpp; rules are checked by validate.cpp.
#include "parse/reader.hpp"

#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "parse/extensions.hpp"
#include "parse/namespaces.hpp"
#include "parse/read_context.hpp"

namespace elva::parse {
namespace {

using namespace model;

bool attr_true(pugi::xml_node node, const char* name, bool fallback) {
  auto attr = node.attribute(name);
  if (!attr) return fallback;
  std::string_view v = attr.value();
  return v == "true" || v == "1";
}

template <typename F>
void for_each_child(ReadContext& ctx, pugi::xml_node parent, F&& f) {
  for (auto child : parent.children()) {
    if (child.type() != pugi::node_element) continue;
    NsScope scope(ctx.ns, child);
    f(child, ctx.ns.element_name(child));
  }
}

std::optional<EventKind> event_kind_from(std::string_view local) {
  static const std::unordered_map<std::string_view, EventKind> kinds{
      {"messageEventDefinition", EventKind::Message},
      {"timerEventDefinition", EventKind::Timer},
      {"signalEventDefinition", EventKind::Signal},
      {"errorEventDefinition", EventKind::Error},
      {"escalationEventDefinition", EventKind::Escalation},
      {"terminateEventDefinition", EventKind::Terminate},
      {"conditionalEventDefinition", EventKind::Conditional},
      {"linkEventDefinition", EventKind::Link},
      {"compensateEventDefinition", EventKind::Compensation},
      {"cancelEventDefinition", EventKind::Cancel},
  };
  auto it = kinds.find(local);
  return it == kinds.end() ? std::nullopt : std::optional<EventKind>(it->second);
}

// BPMN children of a process or sub-process that are not flow nodes and need no reading here.
bool is_known_non_flow_child(std::string_view local) {
  static const std::unordered_set<std::string_view> known{"documentation",
                                                          "extensionElements",
                                                          "auditing",
                                                          "monitoring",
                                                          "property",
                                                          "ioSpecification",
                                                          "ioBinding",
                                                          "association",
                                                          "textAnnotation",
                                                          "group",
                                                          "supports",
                                                          "resourceRole",
                                                          "performer",
                                                          "humanPerformer",
                                                          "potentialOwner",
                                                          "correlationSubscription",
                                                          "dataInputAssociation",
                                                          "dataOutputAssociation",
                                                          "incoming",
                                                          "outgoing",
                                                          "dataInput",
                                                          "dataOutput",
                                                          "inputSet",
                                                          "outputSet",
                                                          "standardLoopCharacteristics",
                                                          "multiInstanceLoopCharacteristics",
                                                          "script",
                                                          "categoryValueRef",
                                                          "laneSet",
                                                          "sequenceFlow",
                                                          "dataObject",
                                                          "dataObjectReference",
                                                          "dataStoreReference",
                                                          "completionCondition",
                                                          "lane"};
  return known.count(local) > 0 || local.find("EventDefinition") != std::string_view::npos;
}

ElementSpec initial_spec(ElementType type) {
  switch (type) {
    case ElementType::SendTask:
    case ElementType::ReceiveTask:
      return MessageTaskSpec{};
    case ElementType::UserTask:
      return UserTaskSpec{};
    case ElementType::ScriptTask:
      return ScriptSpec{};
    case ElementType::BusinessRuleTask:
      return DecisionSpec{};
    case ElementType::CallActivity:
      return CallActivitySpec{};
    case ElementType::SubProcess:
    case ElementType::EventSubProcess:
    case ElementType::Transaction:
    case ElementType::AdHocSubProcess:
      return SubProcessSpec{};
    default:
      break;
  }
  return is_event(type) ? ElementSpec{EventSpec{}} : ElementSpec{};
}

// "user(anna), group(hr)" -> users/groups. Unprefixed entries are groups, as in Camunda.
void read_potential_owner(std::string_view expr, UserTaskSpec& task) {
  auto append = [](std::string& list, std::string_view item) {
    if (!list.empty()) list += ",";
    list += item;
  };
  std::size_t start = 0;
  while (start <= expr.size()) {
    auto comma = expr.find(',', start);
    std::string item = trim(
        expr.substr(start, comma == std::string_view::npos ? expr.size() - start : comma - start));
    if (item.rfind("user(", 0) == 0 && item.back() == ')') {
      append(task.candidate_users, item.substr(5, item.size() - 6));
    } else if (item.rfind("group(", 0) == 0 && item.back() == ')') {
      append(task.candidate_groups, item.substr(6, item.size() - 7));
    } else if (!item.empty()) {
      append(task.candidate_groups, item);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

class Reader {
 public:
  Reader(const XmlDocument& xml, DiagnosticSink& sink) : ctx_{xml, {}, sink} {}

  std::vector<Diagnostic> take_conversions() { return std::move(ctx_.conversions); }

  std::shared_ptr<Definitions> read() {
    auto root = ctx_.xml.doc().document_element();
    NsScope scope(ctx_.ns, root);
    QName name = ctx_.ns.element_name(root);
    if (name.uri != kBpmnNs || name.local != "definitions") {
      std::string found = "<" + std::string(name.local) + ">";
      found +=
          name.uri.empty() ? " in no namespace" : " in namespace '" + std::string(name.uri) + "'";
      ctx_.sink.error(ctx_.pos(root), {}, {},
                      "not a BPMN 2.0 file: the root element is " + found +
                          "; expected <definitions> in namespace '" + std::string(kBpmnNs) + "'");
      return nullptr;
    }
    defs_ = std::make_shared<Definitions>();
    defs_->file = ctx_.sink.file();
    read_definitions(root);
    resolve_references();
    for (std::string_view uri : ctx_.ns.seen_uris()) {
      if (dialect_of(uri) == Dialect::None && uri != kBpmnNs && uri != kBpmnDiNs && uri != kXsiNs &&
          uri.find("/DD/20100524/") == std::string_view::npos &&
          uri != "http://www.w3.org/2001/XMLSchema") {
        defs_->foreign_namespaces.emplace_back(uri);
      }
    }
    report_vendor_namespaces();
    return defs_;
  }

 private:
  std::string id_of(pugi::xml_node node, std::string_view type) {
    std::string id = node.attribute("id").value();
    if (!id.empty()) {
      auto [it, fresh] = ids_.emplace(id, std::make_pair(ctx_.pos(node), std::string(type)));
      if (!fresh) {
        ctx_.sink.error(ctx_.pos(node), id, type,
                        "duplicate id: also used by the " + it->second.second + " at line " +
                            std::to_string(it->second.first.line));
      }
    }
    return id;
  }

  void read_definitions(pugi::xml_node root) {
    defs_->id = id_of(root, "definitions");
    defs_->target_namespace = root.attribute("targetNamespace").value();
    defs_->exporter = root.attribute("exporter").value();
    defs_->exporter_version = root.attribute("exporterVersion").value();
    defs_->expression_language = root.attribute("expressionLanguage").value();
    for_each_child(ctx_, root, [&](pugi::xml_node node, QName name) {
      if (name.uri != kBpmnNs) return;
      const auto& local = name.local;
      if (local == "process") {
        read_process(node);
      } else if (local == "collaboration") {
        read_collaboration(node);
      } else if (local == "message") {
        Message m{id_of(node, "message"), node.attribute("name").value(), ctx_.pos(node), {}};
        read_message_extensions(ctx_, node, m);
        defs_->messages.push_back(std::move(m));
      } else if (local == "signal") {
        defs_->signals.push_back(
            {id_of(node, "signal"), node.attribute("name").value(), ctx_.pos(node)});
      } else if (local == "error" || local == "escalation") {
        const bool error = local == "error";
        ThrowableDef def{id_of(node, local), node.attribute("name").value(),
                         node.attribute(error ? "errorCode" : "escalationCode").value(),
                         ctx_.pos(node)};
        (error ? defs_->errors : defs_->escalations).push_back(std::move(def));
      } else {
        id_of(node, local);
      }
    });
  }

  void read_collaboration(pugi::xml_node node) {
    Collaboration c{
        id_of(node, "collaboration"), node.attribute("name").value(), ctx_.pos(node), {}, {}};
    for_each_child(ctx_, node, [&](pugi::xml_node child, QName name) {
      if (name.uri != kBpmnNs) return;
      if (name.local == "participant") {
        c.participants.push_back({id_of(child, "participant"), child.attribute("name").value(),
                                  std::string(strip_prefix(child.attribute("processRef").value())),
                                  ctx_.pos(child)});
      } else if (name.local == "messageFlow") {
        c.message_flows.push_back({id_of(child, "messageFlow"), child.attribute("name").value(),
                                   std::string(strip_prefix(child.attribute("sourceRef").value())),
                                   std::string(strip_prefix(child.attribute("targetRef").value())),
                                   std::string(strip_prefix(child.attribute("messageRef").value())),
                                   ctx_.pos(child)});
      } else {
        id_of(child, name.local);
      }
    });
    defs_->collaborations.push_back(std::move(c));
  }

  void read_process(pugi::xml_node node) {
    ProcessDefinition p;
    p.id = id_of(node, "process");
    p.name = node.attribute("name").value();
    p.pos = ctx_.pos(node);
    p.executable = attr_true(node, "isExecutable", false);
    ctx_.executable = p.executable;
    if (p.id.empty()) ctx_.sink.error(p.pos, {}, "process", "process has no id");
    read_process_extensions(ctx_, node, p);
    collect_data_items(node);
    for_each_child(ctx_, node, [&](pugi::xml_node child, QName name) {
      if (name.uri != kBpmnNs) return;
      if (name.local == "documentation") p.documentation = text_of(child);
      if (name.local == "laneSet") read_lane_set(child, p, {});
    });
    read_flow_elements(node, p, kNoElement);
    resolve(p);
    defs_->processes.push_back(std::move(p));
    ctx_.executable = false;
  }

  void read_lane_set(pugi::xml_node set, ProcessDefinition& p, const std::string& parent) {
    id_of(set, "laneSet");
    for_each_child(ctx_, set, [&](pugi::xml_node lane_node, QName name) {
      if (name.uri != kBpmnNs || name.local != "lane") return;
      Lane lane{id_of(lane_node, "lane"),
                lane_node.attribute("name").value(),
                ctx_.pos(lane_node),
                parent,
                {}};
      std::string lane_id = lane.id;
      for_each_child(ctx_, lane_node, [&](pugi::xml_node child, QName cname) {
        if (cname.uri != kBpmnNs) return;
        if (cname.local == "flowNodeRef") lane.flow_node_refs.push_back(text_of(child));
      });
      p.lanes.push_back(std::move(lane));
      for_each_child(ctx_, lane_node, [&](pugi::xml_node child, QName cname) {
        if (cname.uri == kBpmnNs && cname.local == "childLaneSet") read_lane_set(child, p, lane_id);
      });
    });
  }

  void read_flow_elements(pugi::xml_node container, ProcessDefinition& p, ElementIndex scope) {
    for_each_child(ctx_, container, [&](pugi::xml_node node, QName name) {
      if (name.uri != kBpmnNs) return;
      const std::string_view local = name.local;
      if (auto type = element_type_from_bpmn(local)) {
        if (*type == ElementType::SubProcess && attr_true(node, "triggeredByEvent", false)) {
          type = ElementType::EventSubProcess;
        }
        read_flow_node(node, *type, p, scope);
      } else if (local == "sequenceFlow") {
        read_sequence_flow(node, p, scope);
      } else if (local == "association") {
        p.associations.push_back({id_of(node, "association"),
                                  std::string(strip_prefix(node.attribute("sourceRef").value())),
                                  std::string(strip_prefix(node.attribute("targetRef").value()))});
      } else if (local == "dataObject" || local == "dataObjectReference" ||
                 local == "dataStoreReference") {
        DataElement d{id_of(node, local),
                      node.attribute("name").value(),
                      std::string(local),
                      ctx_.pos(node),
                      scope,
                      {},
                      attr_true(node, "isCollection", false)};
        d.ref = strip_prefix(
            node.attribute(local == "dataStoreReference" ? "dataStoreRef" : "dataObjectRef")
                .value());
        p.data.push_back(std::move(d));
      } else if (!is_known_non_flow_child(local)) {
        ctx_.sink.warning(ctx_.pos(node), node.attribute("id").value(), local,
                          "<" + std::string(local) +
                              "> is not a BPMN flow element Elva knows; "
                              "it is ignored");
      }
    });
  }

  void read_sequence_flow(pugi::xml_node node, ProcessDefinition& p, ElementIndex scope) {
    SequenceFlow f;
    f.id = id_of(node, "sequenceFlow");
    f.name = node.attribute("name").value();
    f.pos = ctx_.pos(node);
    f.source_id = node.attribute("sourceRef").value();
    f.target_id = node.attribute("targetRef").value();
    f.scope = scope;
    for_each_child(ctx_, node, [&](pugi::xml_node child, QName name) {
      if (name.uri == kBpmnNs && name.local == "conditionExpression") {
        f.condition = text_of(child);
        f.condition_language = child.attribute("language").value();
      }
      if (name.uri == kBpmnNs && name.local == "extensionElements")
        read_flow_extension_elements(ctx_, child, f);
    });
    p.flows.push_back(std::move(f));
  }

  EventDefinition read_event_definition(pugi::xml_node node, EventKind kind) {
    EventDefinition d;
    d.kind = kind;
    d.id = id_of(node, bpmn_name(kind));
    d.pos = ctx_.pos(node);
    switch (kind) {
      case EventKind::Message:
        d.ref = strip_prefix(node.attribute("messageRef").value());
        break;
      case EventKind::Signal:
        d.ref = strip_prefix(node.attribute("signalRef").value());
        break;
      case EventKind::Error:
        d.ref = strip_prefix(node.attribute("errorRef").value());
        break;
      case EventKind::Escalation:
        d.ref = strip_prefix(node.attribute("escalationRef").value());
        break;
      case EventKind::Link:
        d.link_name = node.attribute("name").value();
        break;
      case EventKind::Compensation:
        d.activity_ref = strip_prefix(node.attribute("activityRef").value());
        d.wait_for_completion = attr_true(node, "waitForCompletion", true);
        break;
      default:
        break;
    }
    for_each_child(ctx_, node, [&](pugi::xml_node child, QName name) {
      if (name.uri != kBpmnNs) return;
      if (name.local == "timeDate")
        d.timer_kind = TimerKind::Date;
      else if (name.local == "timeDuration")
        d.timer_kind = TimerKind::Duration;
      else if (name.local == "timeCycle")
        d.timer_kind = TimerKind::Cycle;
      else if (name.local == "condition") {
        d.condition = text_of(child);
        return;
      } else
        return;
      d.timer_value = text_of(child);
    });
    return d;
  }

  // The process's item-aware elements (property, dataObject(Reference), dataInput, dataOutput)
  // by id, with their names, and where data associations connect an activity's dataInput or
  // dataOutput to them: what multi-instance data references (loopDataInputRef ...) point at.
  void collect_data_items(pugi::xml_node process) {
    data_names_.clear();
    data_links_.clear();
    auto local = [](pugi::xml_node n) {
      std::string_view name = n.name();
      const auto colon = name.find(':');
      return colon == std::string_view::npos ? name : name.substr(colon + 1);
    };
    std::vector<pugi::xml_node> todo{process};
    while (!todo.empty()) {
      auto n = todo.back();
      todo.pop_back();
      for (auto c : n.children()) {
        if (c.type() == pugi::node_element) todo.push_back(c);
      }
      const auto name = local(n);
      const std::string id = n.attribute("id").value();
      if (!id.empty() &&
          (name == "property" || name == "dataObject" || name == "dataObjectReference" ||
           name == "dataInput" || name == "dataOutput")) {
        std::string var = n.attribute("name").value();
        if (var.empty() && name == "dataObjectReference")
          data_links_[id] = std::string(strip_prefix(n.attribute("dataObjectRef").value()));
        data_names_[id] = var.empty() ? id : var;
      }
      if (name == "dataInputAssociation" || name == "dataOutputAssociation") {
        std::string source, target;
        for (auto c : n.children()) {
          if (local(c) == "sourceRef") source = text_of(c);
          if (local(c) == "targetRef") target = text_of(c);
        }
        // The activity's own item stands for the process's: in, the target; out, the source.
        if (!source.empty() && !target.empty()) {
          if (name == "dataInputAssociation")
            data_links_[target] = source;
          else
            data_links_[source] = target;
        }
      }
    }
  }

  // The variable a data reference stands for: followed through associations to the process's
  // item, named by its name (else its id); an id declared nowhere is taken as the variable name.
  std::string variable_of(std::string id) const {
    for (int hops = 0; hops < 8; ++hops) {
      auto link = data_links_.find(id);
      if (link == data_links_.end()) break;
      id = link->second;
    }
    auto it = data_names_.find(id);
    return it == data_names_.end() ? id : it->second;
  }

  // inputDataItem / outputDataItem: the variable of each instance, by name, else by id.
  static std::string item_name(pugi::xml_node item) {
    std::string name = item.attribute("name").value();
    return name.empty() ? std::string(item.attribute("id").value()) : name;
  }

  void read_loop(pugi::xml_node node, bool multi, Element& e) {
    LoopSpec& loop = e.loop;
    loop.kind = multi ? LoopKind::MultiInstance : LoopKind::Standard;
    loop.pos = ctx_.pos(node);
    if (multi) {
      loop.sequential = attr_true(node, "isSequential", false);
    } else {
      loop.test_before = attr_true(node, "testBefore", false);
      loop.loop_maximum = node.attribute("loopMaximum").value();
    }
    for_each_child(ctx_, node, [&](pugi::xml_node child, QName name) {
      if (name.uri != kBpmnNs) return;
      if (name.local == "loopCardinality") loop.cardinality = text_of(child);
      if (name.local == "completionCondition") loop.completion_condition = text_of(child);
      if (name.local == "loopCondition") loop.loop_condition = text_of(child);
      // Standard BPMN multi-instance data: references by id to item-aware elements, which act
      // as Camunda's collection / elementVariable (docs/bpmn-extensions.md).
      if (name.local == "loopDataInputRef") loop.input_collection = variable_of(text_of(child));
      if (name.local == "loopDataOutputRef") loop.output_collection = variable_of(text_of(child));
      if (name.local == "inputDataItem") loop.input_element = item_name(child);
      if (name.local == "outputDataItem") loop.output_element = item_name(child);
    });
    read_loop_extensions(ctx_, node, e);
  }

  void read_flow_node(pugi::xml_node node, ElementType type, ProcessDefinition& p,
                      ElementIndex scope) {
    Element e;
    e.type = type;
    e.id = id_of(node, bpmn_name(type));
    e.name = node.attribute("name").value();
    e.pos = ctx_.pos(node);
    e.scope = scope;
    e.index = static_cast<ElementIndex>(p.elements.size());
    e.spec = initial_spec(type);
    if (e.id.empty()) {
      ctx_.sink.error(e.pos, {}, bpmn_name(type), "flow node has no id");
      e.id = std::string(bpmn_name(type)) + "@" + std::to_string(e.pos.line) + ":" +
             std::to_string(e.pos.col);
    }
    e.default_flow_id = node.attribute("default").value();
    e.is_for_compensation = attr_true(node, "isForCompensation", false);
    read_standard_attributes(node, e);
    read_extension_attributes(ctx_, node, e);
    for_each_child(ctx_, node, [&](pugi::xml_node child, QName name) {
      if (name.uri != kBpmnNs) return;
      const std::string_view local = name.local;
      if (auto kind = event_kind_from(local)) {
        if (auto* ev = std::get_if<EventSpec>(&e.spec)) {
          ev->definitions.push_back(read_event_definition(child, *kind));
        }
        // Camunda 7 puts a throw event's delegate (camunda:class, type="external" + topic) on
        // its messageEventDefinition: it belongs to the event.
        read_extension_attributes(ctx_, child, e);
      } else if (local == "documentation") {
        e.documentation = text_of(child);
      } else if (local == "extensionElements") {
        read_extension_elements(ctx_, child, e);
      } else if (local == "standardLoopCharacteristics") {
        read_loop(child, false, e);
      } else if (local == "multiInstanceLoopCharacteristics") {
        read_loop(child, true, e);
      } else if (local == "script") {
        if (auto* script = std::get_if<ScriptSpec>(&e.spec)) script->body = text_of(child);
      } else if (local == "humanPerformer" || local == "potentialOwner") {
        read_performer(child, local == "humanPerformer", e);
      } else if (local == "eventDefinitionRef") {
        ctx_.unsupported(ctx_.pos(child), e.id, bpmn_name(type),
                         "eventDefinitionRef (an event definition shared at file level) is not "
                         "supported; put the event definition inside the event");
      }
    });
    p.elements.push_back(std::move(e));
    if (is_scope(type)) {
      const ElementIndex self = static_cast<ElementIndex>(p.elements.size() - 1);
      read_flow_elements(node, p, self);
    }
  }

  void read_standard_attributes(pugi::xml_node node, Element& e) {
    if (auto* ev = std::get_if<EventSpec>(&e.spec)) {
      ev->attached_to_id = strip_prefix(node.attribute("attachedToRef").value());
      ev->cancel_activity = attr_true(node, "cancelActivity", true);
      ev->interrupting = attr_true(node, "isInterrupting", true);
      ev->parallel_multiple = attr_true(node, "parallelMultiple", false);
    } else if (auto* call = std::get_if<CallActivitySpec>(&e.spec)) {
      call->called_element = strip_prefix(node.attribute("calledElement").value());
    } else if (auto* message = std::get_if<MessageTaskSpec>(&e.spec)) {
      message->message_ref = strip_prefix(node.attribute("messageRef").value());
    } else if (auto* script = std::get_if<ScriptSpec>(&e.spec)) {
      script->format = node.attribute("scriptFormat").value();
    }
  }

  void read_performer(pugi::xml_node node, bool human, Element& e) {
    auto* task = std::get_if<UserTaskSpec>(&e.spec);
    std::string expr;
    for_each_child(ctx_, node, [&](pugi::xml_node assignment, QName name) {
      if (name.uri != kBpmnNs || name.local != "resourceAssignmentExpression") return;
      for_each_child(ctx_, assignment, [&](pugi::xml_node formal, QName fname) {
        if (fname.uri == kBpmnNs && fname.local == "formalExpression") expr = text_of(formal);
      });
    });
    if (!task || expr.empty()) return;
    if (human) {
      task->assignee = expr;
    } else {
      read_potential_owner(expr, *task);
    }
  }

  // Copies what message, signal, error and escalation references stand for into the events
  // and tasks that use them, so that a process needs nothing else of its file to run.
  void resolve_references() {
    for (auto& p : defs_->processes) {
      for (auto& e : p.elements) {
        if (auto* ev = std::get_if<EventSpec>(&e.spec)) {
          for (auto& d : ev->definitions) {
            if (d.ref.empty()) continue;
            if (d.kind == EventKind::Message) {
              if (const auto* m = find_by_id(defs_->messages, d.ref)) {
                d.resolved = m->name;
                d.correlation_key = m->correlation_key;
              }
            } else if (d.kind == EventKind::Signal) {
              if (const auto* s = find_by_id(defs_->signals, d.ref)) d.resolved = s->name;
            } else if (d.kind == EventKind::Error) {
              if (const auto* x = find_by_id(defs_->errors, d.ref)) d.resolved = x->code;
            } else if (d.kind == EventKind::Escalation) {
              if (const auto* x = find_by_id(defs_->escalations, d.ref)) d.resolved = x->code;
            }
          }
        } else if (auto* task = std::get_if<MessageTaskSpec>(&e.spec);
                   task && !task->message_ref.empty()) {
          if (const auto* m = find_by_id(defs_->messages, task->message_ref)) {
            task->message_name = m->name;
            task->correlation_key = m->correlation_key;
          }
        }
      }
    }
  }

  // Turns id references into indices and fills incoming/outgoing, boundary and child lists.
  void resolve(ProcessDefinition& p) {
    std::unordered_map<std::string_view, ElementIndex> index;
    for (const auto& e : p.elements) index.emplace(e.id, e.index);
    auto lookup = [&](std::string_view id) {
      auto it = index.find(id);
      return it == index.end() ? kNoElement : it->second;
    };
    for (FlowIndex f = 0; f < p.flows.size(); ++f) {
      auto& flow = p.flows[f];
      flow.source = lookup(flow.source_id);
      flow.target = lookup(flow.target_id);
      if (flow.source != kNoElement) p.elements[flow.source].outgoing.push_back(f);
      if (flow.target != kNoElement) p.elements[flow.target].incoming.push_back(f);
    }
    for (auto& e : p.elements) {
      for (FlowIndex f : e.outgoing) {
        if (p.flows[f].id == e.default_flow_id && !e.default_flow_id.empty()) e.default_flow = f;
      }
      if (auto* ev = std::get_if<EventSpec>(&e.spec); ev && !ev->attached_to_id.empty()) {
        ev->attached_to = lookup(ev->attached_to_id);
        if (ev->attached_to != kNoElement) {
          p.elements[ev->attached_to].boundary_events.push_back(e.index);
        }
      }
      if (e.scope != kNoElement) {
        if (auto* sub = std::get_if<SubProcessSpec>(&p.elements[e.scope].spec)) {
          sub->children.push_back(e.index);
        }
      }
    }
    // Compensation: boundary (compensate) --association--> handler activity.
    for (const auto& a : p.associations) {
      const ElementIndex from = lookup(a.source_ref), to = lookup(a.target_ref);
      if (from == kNoElement || to == kNoElement) continue;
      const auto* ev = std::get_if<EventSpec>(&p.elements[from].spec);
      if (!ev || ev->attached_to == kNoElement || !p.elements[to].is_for_compensation) continue;
      p.elements[ev->attached_to].compensation_handler = to;
    }
    p.index();
  }

  // One warning per vendor namespace that carried something in an executable process, naming
  // what was ignored (an import report lists it; docs/sharing.md).
  void report_vendor_namespaces() {
    for (const auto& [uri, use] : ctx_.vendor) {
      std::string what;
      for (std::size_t i = 0; i < use.carried.size() && i < 5; ++i)
        what += (i ? ", " : "") + use.carried[i];
      if (use.carried.size() > 5)
        what += ", and " + std::to_string(use.carried.size() - 5) + " more";
      ctx_.sink.warning(use.first, use.element_id, use.element_type,
                        "namespace '" + uri +
                            "' is no dialect Elva reads (Elva, Camunda 7, Operaton, Zeebe, "
                            "Flowable, Activiti); what it carried is ignored: " +
                            what);
    }
  }

  ReadContext ctx_;
  std::shared_ptr<Definitions> defs_;
  std::map<std::string, std::string> data_names_;  // item-aware element id -> variable name
  std::map<std::string, std::string> data_links_;  // item id -> the item it stands for
  std::unordered_map<std::string, std::pair<SourcePos, std::string>> ids_;
};

}  // namespace

void DiagnosticSink::report(Severity severity, SourcePos pos, std::string_view element_id,
                            std::string_view element_type, std::string message) {
  out_.push_back(Diagnostic{severity, file_, pos, std::string(element_id),
                            std::string(element_type), std::move(message)});
}

bool is_modelling_namespace(std::string_view uri) {
  return uri == kBpmnNs || uri == kBpmnDiNs || uri == kXsiNs ||
         uri.find("/DD/20100524/") != std::string_view::npos ||
         uri == "http://www.w3.org/2001/XMLSchema" ||
         uri == "http://www.w3.org/XML/1998/namespace" ||
         uri == "http://bpmn.io/schema/bpmn/biocolor/1.0" ||
         uri == "http://www.omg.org/spec/BPMN/non-normative/color/1.0" ||
         dialect_of(uri) == Dialect::CamundaModeler;
}

std::string text_of(pugi::xml_node node) {
  std::string out;
  for (auto child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) out += child.value();
  }
  return trim(out);
}

ReadResult read_bpmn(const std::string& file, std::string bytes, std::size_t max_bytes) {
  DiagnosticSink sink(file);
  ReadResult result;
  auto xml = XmlDocument::parse(file, std::move(bytes), max_bytes);
  if (!xml) {
    const Error& err = xml.error();
    SourcePos pos;
    for (const auto& [key, value] : err.context) {
      if (key == "line") pos.line = static_cast<std::uint32_t>(std::stoul(value));
      if (key == "col") pos.col = static_cast<std::uint32_t>(std::stoul(value));
    }
    sink.error(pos, {}, {}, err.message);
    result.diagnostics = std::move(sink.diagnostics());
    return result;
  }
  Reader reader(*xml, sink);
  result.definitions = reader.read();
  result.diagnostics = std::move(sink.diagnostics());
  result.conversions = reader.take_conversions();
  return result;
}

}  // namespace elva::parse
