// elva/import.hpp: the binding applied to the files' text, then the deployer's plan (the checks
// deploy makes), then each element classified from the plan's findings and the model.
#include "elva/import.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "api/import_binding.hpp"
#include "exec/deployer.hpp"
#include "expr/feel.hpp"
#include "expr/juel.hpp"
#include "parse/binding.hpp"
#include "parse/reader.hpp"
#include "parse/validate.hpp"

namespace elva {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kRuns = "runs";
constexpr const char* kAfterConfiguration = "runs after configuration";
constexpr const char* kDegraded = "degraded";
constexpr const char* kDoesNotRun = "does not run";
constexpr const char* kDropped = "dropped";

int rank(const std::string& c) {
  if (c == kDoesNotRun) return 3;
  if (c == kDegraded) return 2;
  if (c == kAfterConfiguration) return 1;
  return 0;
}

Result<std::string> read_bytes(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fail(Errc::InvalidArgument, path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::NotFound, path + ": cannot be read");
  std::string bytes(max_bytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

std::string dialect_of_bytes(const std::string& bytes) {
  if (bytes.find("http://operaton.org/schema/1.0/bpmn") != std::string::npos) return "Operaton";
  if (bytes.find("http://camunda.org/schema/zeebe/1.0") != std::string::npos) return "Camunda 8";
  if (bytes.find("http://camunda.org/schema/1.0/bpmn") != std::string::npos) return "Camunda 7";
  if (bytes.find("http://flowable.org/bpmn") != std::string::npos) return "Flowable";
  if (bytes.find("http://activiti.org/bpmn") != std::string::npos) return "Activiti";
  if (bytes.find("urn:elva:bpmn:1.0") != std::string::npos) return "Elva";
  return "BPMN";
}

// A warning that says something is lost when the file runs in Elva (rather than a modelling
// hint such as "no default flow").
bool is_loss(const std::string& message) {
  for (const char* word : {"ignore", "not applied", "not supported", "not understood"})
    if (message.find(word) != std::string::npos) return true;
  return false;
}

json at(const Diagnostic& d) {
  return {{"file", d.file},
          {"line", d.pos.line},
          {"element", d.element_id},
          {"type", d.element_type},
          {"message", d.message}};
}

bool literal_list(const std::string& text) {
  return !text.empty() && !expr::looks_like_expression(text);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',') {
      const auto a = item.find_first_not_of(' ');
      if (a != std::string::npos) out.push_back(item.substr(a, item.find_last_not_of(' ') - a + 1));
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

// One file's classification.
class Classifier {
 public:
  Classifier(const exec::DeploymentPlan::Bpmn& file, const std::vector<Diagnostic>& errors,
             const std::vector<Diagnostic>& warnings, const std::vector<Diagnostic>& applied,
             const std::set<std::string>& processes_in_set, bool bound_any, json& configure,
             json& conversions)
      : f_(file),
        conversions_read_(
            parse::read_bpmn(file.file, file.bytes, file.bytes.size() + 1).conversions),
        errors_(errors),
        warnings_(warnings),
        applied_(applied),
        in_set_(processes_in_set),
        configure_(configure),
        conversions_(conversions) {
    (void)bound_any;
  }

  json run() {
    json out = json::array();
    const auto& defs = *f_.definitions;
    for (const auto& p : defs.processes) {
      if (!p.executable) continue;
      for (const auto& e : p.elements) out.push_back(element(p, e));
      for (const auto& flow : p.flows) {
        if (flow.condition.empty() && !has_findings(flow.id)) continue;
        out.push_back(sequence_flow(flow));
      }
    }
    for (const auto& w : warnings_) {
      if (w.file == f_.file &&
          w.message.find("is not a BPMN flow element Elva knows") != std::string::npos)
        out.push_back({{"id", w.element_id},
                       {"type", w.element_type},
                       {"line", w.pos.line},
                       {"class", kDropped},
                       {"notes", json::array({w.message})}});
    }
    return out;
  }

 private:
  bool has_findings(const std::string& id) const {
    for (const auto* list : {&errors_, &warnings_})
      for (const auto& d : *list)
        if (d.file == f_.file && d.element_id == id) return true;
    return false;
  }

  void raise(std::string& cls, const char* to) {
    if (rank(to) > rank(cls)) cls = to;
  }

  void findings(const std::string& id, std::string& cls, json& notes) {
    for (const auto& d : errors_)
      if (d.file == f_.file && d.element_id == id) {
        raise(cls, kDoesNotRun);
        notes.push_back(d.message);
      }
    for (const auto& d : warnings_) {
      if (d.file != f_.file || d.element_id != id) continue;
      if (is_loss(d.message)) {
        raise(cls, kDegraded);
        notes.push_back("lost: " + d.message);
      } else {
        notes.push_back("note: " + d.message);
      }
    }
    for (const std::vector<Diagnostic>* list :
         std::initializer_list<const std::vector<Diagnostic>*>{&conversions_read_, &applied_})
      for (const auto& d : *list)
        if (d.element_id == id) {
          notes.push_back("converted: " + d.message);
          conversions_.push_back(at(d));
        }
  }

  // JUEL that is converted when compiled (expr/juel.hpp), each at the element's line.
  void juel(const std::string& text, const std::string& what, SourcePos pos, const std::string& id,
            const std::string& type, json& notes) {
    if (!expr::has_juel(text)) return;
    auto conv = expr::convert_juel(text);
    if (!conv || !conv->changed) return;
    for (const auto& n : conv->notes) {
      const std::string msg = what + ": " + n;
      notes.push_back("converted: " + msg);
      conversions_.push_back(at(Diagnostic{Severity::Warning, f_.file, pos, id, type, msg}));
    }
  }

  void need(const char* list, const std::string& name, const model::Element& e) {
    configure_[list].push_back(
        {{"name", name}, {"file", f_.file}, {"line", e.pos.line}, {"element", e.id}});
  }

  json element(const model::ProcessDefinition& p, const model::Element& e) {
    const std::string type(model::bpmn_name(e.type));
    std::string cls = kRuns;
    json notes = json::array();
    findings(e.id, cls, notes);
    bool bound = false;
    for (const auto& d : applied_) bound = bound || d.element_id == e.id;
    if (e.job && cls != kDoesNotRun) {
      if (!e.job->connector) {
        raise(cls, kAfterConfiguration);
        notes.push_back("needs an external worker for topic '" + e.job->job_type + "'");
        need("workerTopics", e.job->job_type, e);
      } else if (bound) {
        raise(cls, kAfterConfiguration);
        need("connectors", e.job->job_type, e);
      } else {
        need("connectors", e.job->job_type, e);
      }
    }
    if (const auto* script = e.as<model::ScriptSpec>();
        script && !e.job && cls != kDoesNotRun &&
        model::script_language(script->format) == model::ScriptLanguage::JavaScript) {
      notes.push_back("runs in Elva's JavaScript sandbox (time and memory limits)");
    }
    if (cls != kDoesNotRun) {
      for (const auto* list : {&e.inputs, &e.outputs})
        for (const auto& m : *list)
          if (!m.script_format.empty())
            notes.push_back(std::string(list == &e.inputs ? "input '" : "output '") + m.target +
                            "' runs in Elva's JavaScript sandbox");
      for (const auto& l : e.listeners)
        if (!l.script_format.empty())
          notes.push_back(l.what + " listener runs in Elva's JavaScript sandbox");
    }
    if (const auto* call = e.as<model::CallActivitySpec>();
        call && !call->called_element.empty() &&
        !expr::looks_like_expression(call->called_element) &&
        !in_set_.count(call->called_element)) {
      raise(cls, kAfterConfiguration);
      notes.push_back("calls process '" + call->called_element + "', which is not in the files");
      need("calledProcesses", call->called_element, e);
    }
    if (const auto* ev = e.event()) {
      const bool is_catch = e.type != model::ElementType::IntermediateThrowEvent &&
                            e.type != model::ElementType::EndEvent;
      for (const auto& d : ev->definitions) {
        if (d.kind == model::EventKind::Message && is_catch && !d.resolved.empty() &&
            d.correlation_key.empty() && e.type != model::ElementType::StartEvent) {
          raise(cls, kAfterConfiguration);
          notes.push_back("message '" + d.resolved +
                          "' has no correlation key: senders must address the instance by "
                          "business key or variables");
          need("messagesWithoutKeys", d.resolved, e);
        }
        if (d.kind == model::EventKind::Timer)
          juel(d.timer_value, "timer", e.pos, e.id, type, notes);
        if (d.kind == model::EventKind::Timer && d.timer_kind == model::TimerKind::Cycle &&
            (d.timer_value.find(' ') != std::string::npos)) {
          const bool zoned = d.timer_value.rfind("CRON_TZ=", 0) == 0;
          const std::string msg = "timer cycle '" + d.timer_value + "' is read as cron" +
                                  (zoned ? "" : ", firing in UTC");
          notes.push_back("converted: " + msg);
          conversions_.push_back(
              at(Diagnostic{Severity::Warning, f_.file, e.pos, e.id, type, msg}));
        }
      }
    }
    if (const auto* t = e.as<model::UserTaskSpec>()) {
      for (const auto& [text, list] :
           {std::pair{&t->candidate_groups, "groups"}, std::pair{&t->candidate_users, "users"},
            std::pair{&t->assignee, "users"}}) {
        if (!literal_list(*text)) continue;
        raise(cls, kAfterConfiguration);
        for (const auto& name : split_list(*text)) {
          notes.push_back(std::string(list == std::string("groups") ? "group" : "user") + " '" +
                          name + "' must exist");
          need(list, name, e);
        }
      }
      juel(t->assignee, "assignee", e.pos, e.id, type, notes);
      juel(t->candidate_groups, "candidateGroups", e.pos, e.id, type, notes);
      juel(t->candidate_users, "candidateUsers", e.pos, e.id, type, notes);
      juel(t->due_date, "dueDate", e.pos, e.id, type, notes);
    }
    for (const auto& m : e.inputs)
      if (m.script_format.empty())
        juel(m.source, "input '" + m.target + "'", m.pos, e.id, type, notes);
    for (const auto& m : e.outputs)
      if (m.script_format.empty())
        juel(m.source, "output '" + m.target + "'", m.pos, e.id, type, notes);
    (void)p;
    return {{"id", e.id}, {"type", type}, {"line", e.pos.line}, {"class", cls}, {"notes", notes}};
  }

  json sequence_flow(const model::SequenceFlow& flow) {
    std::string cls = kRuns;
    json notes = json::array();
    findings(flow.id, cls, notes);
    juel(flow.condition, "condition", flow.pos, flow.id, "sequenceFlow", notes);
    return {{"id", flow.id},
            {"type", "sequenceFlow"},
            {"line", flow.pos.line},
            {"class", cls},
            {"notes", notes}};
  }

  const exec::DeploymentPlan::Bpmn& f_;
  // The reader's conversions of this file (the plan keeps only the model).
  std::vector<Diagnostic> conversions_read_;
  const std::vector<Diagnostic>& errors_;
  const std::vector<Diagnostic>& warnings_;
  const std::vector<Diagnostic>& applied_;
  const std::set<std::string>& in_set_;
  json& configure_;
  json& conversions_;
};

}  // namespace

Result<ImportResult> import_files(const std::vector<std::string>& files,
                                  const ImportOptions& options) {
  auto binding = api::binding_from_json(options.binding);
  if (!binding) return fail(binding.error());
  ImportResult out;
  std::vector<parse::DelegateUse> delegates;
  std::vector<Diagnostic> applied;
  std::map<std::string, std::string> dialects;
  for (const auto& file : files) {
    auto bytes = read_bytes(file, options.read.max_file_bytes);
    if (!bytes) return fail(bytes.error());
    dialects[file] = dialect_of_bytes(*bytes);
    if (exec::is_bpmn_file(fs::path(file).filename().string())) {
      auto bound = parse::apply_binding(file, *bytes, *binding);
      *bytes = std::move(bound.bytes);
      delegates.insert(delegates.end(), bound.delegates.begin(), bound.delegates.end());
      applied.insert(applied.end(), bound.applied.begin(), bound.applied.end());
    }
    out.files.emplace_back(file, std::move(*bytes));
  }
  // The deployer's checks, as `elva deploy` makes them.
  auto plan = exec::plan_deployment(out.files, options.connectors, options.read.min_timer_cycle_ms);
  std::vector<const model::Definitions*> all;
  std::set<std::string> processes;
  for (const auto& f : plan.bpmn) {
    all.push_back(f.definitions.get());
    for (const auto& p : f.definitions->processes) processes.insert(p.id);
  }
  for (auto& d : parse::validate_across(all))
    if (d.severity == Severity::Error) plan.errors.push_back(std::move(d));

  json configure = {{"workerTopics", json::array()},    {"connectors", json::array()},
                    {"calledProcesses", json::array()}, {"messagesWithoutKeys", json::array()},
                    {"groups", json::array()},          {"users", json::array()},
                    {"bindings", json::array()}};
  json conversions = json::array();
  json report_files = json::array();
  std::map<std::string, int> shares{
      {kRuns, 0}, {kAfterConfiguration, 0}, {kDegraded, 0}, {kDoesNotRun, 0}};
  std::map<std::string, int> element_shares{
      {kRuns, 0}, {kAfterConfiguration, 0}, {kDegraded, 0}, {kDoesNotRun, 0}, {kDropped, 0}};
  int descriptive = 0;
  for (const auto& f : plan.bpmn) {
    const bool bound_any = std::any_of(applied.begin(), applied.end(),
                                       [&](const Diagnostic& d) { return d.file == f.file; });
    Classifier c(f, plan.errors, plan.warnings, applied, processes, bound_any, configure,
                 conversions);
    json elements = c.run();
    bool executable = false;
    for (const auto& p : f.definitions->processes) executable = executable || p.executable;
    std::string verdict = kRuns;
    for (const auto& el : elements) {
      const std::string cls = el["class"];
      ++element_shares[cls];
      if (cls != kDropped && rank(cls) > rank(verdict)) verdict = cls;
    }
    json file_errors = json::array();
    for (const auto& d : plan.errors)
      if (d.file == f.file) {
        verdict = kDoesNotRun;
        if (d.element_id.empty()) file_errors.push_back(d.message);
      }
    if (!executable) {
      verdict = "descriptive";
      ++descriptive;
    } else {
      ++shares[verdict];
    }
    json process_ids = json::array();
    for (const auto& p : f.definitions->processes) process_ids.push_back(p.id);
    report_files.push_back({{"file", f.file},
                            {"dialect", dialects[f.file]},
                            {"processes", process_ids},
                            {"verdict", verdict},
                            {"fileErrors", file_errors},
                            {"elements", elements}});
  }
  // Files the reader could not read at all (not BPMN, broken XML).
  for (const auto& d : plan.errors) {
    bool known = false;
    for (const auto& f : plan.bpmn) known = known || f.file == d.file;
    for (const auto& f : plan.decisions) known = known || f.file == d.file;
    if (known || !exec::is_bpmn_file(fs::path(d.file).filename().string())) continue;
    bool listed = false;
    for (auto& rf : report_files)
      if (rf["file"] == d.file) {
        rf["fileErrors"].push_back(d.message);
        listed = true;
      }
    if (listed) continue;
    ++shares[kDoesNotRun];
    report_files.push_back({{"file", d.file},
                            {"dialect", dialects[d.file]},
                            {"processes", json::array()},
                            {"verdict", kDoesNotRun},
                            {"fileErrors", json::array({d.message})},
                            {"elements", json::array()}});
  }
  for (const auto& u : delegates) {
    configure["bindings"].push_back({{"kind", u.kind},
                                     {"name", u.name},
                                     {"file", u.file},
                                     {"line", u.pos.line},
                                     {"element", u.element_id},
                                     {"bound", u.bound}});
  }
  json errors = json::array();
  for (const auto& d : plan.errors) errors.push_back(d.to_string());
  const int executable =
      shares[kRuns] + shares[kAfterConfiguration] + shares[kDegraded] + shares[kDoesNotRun];
  out.report = {{"files", report_files},
                {"binding", options.binding_file},
                {"configure", configure},
                {"conversions", conversions},
                {"deployable", plan.ok()},
                {"errors", errors},
                {"summary",
                 {{"files", report_files.size()},
                  {"executable", executable},
                  {"descriptive", descriptive},
                  {"runs", shares[kRuns]},
                  {"afterConfiguration", shares[kAfterConfiguration]},
                  {"degraded", shares[kDegraded]},
                  {"notAtAll", shares[kDoesNotRun]},
                  {"elements",
                   {{"runs", element_shares[kRuns]},
                    {"afterConfiguration", element_shares[kAfterConfiguration]},
                    {"degraded", element_shares[kDegraded]},
                    {"doesNotRun", element_shares[kDoesNotRun]},
                    {"dropped", element_shares[kDropped]}}}}}};
  out.binding_skeleton = api::binding_skeleton(delegates);
  return out;
}

}  // namespace elva
