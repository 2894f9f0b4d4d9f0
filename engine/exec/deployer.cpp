// The deployer (deployer.hpp): plan (pure), then apply (versions through the store).
#include "exec/deployer.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "dmn/dmn.hpp"
#include "expr/feel.hpp"
#include "forms/translations.hpp"
#include "parse/reader.hpp"
#include "parse/validate.hpp"
#include "runtime/shared/timers.hpp"

namespace elva::exec {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxFileBytes = 64u << 20;

std::string hash_of(const std::string& bytes) {  // FNV-1a 64: detects an unchanged file
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The deploy-time contract check: each service task naming a connector (elva:connector) in an
// executable process must name a configured connector and operation and map its required inputs.
void check_connectors(const connector::Registry& registry, const std::string& file,
                      const model::Definitions& defs, std::vector<Diagnostic>& out) {
  for (const auto& p : defs.processes) {
    if (!p.executable) continue;
    for (const auto& e : p.elements) {
      if (!e.job || !e.job->connector) continue;
      std::vector<std::string> inputs;
      for (const auto& m : e.inputs) inputs.push_back(m.target);
      if (auto problem = registry.check(e.job->job_type, inputs)) {
        out.push_back(
            {Severity::Error, file, e.pos, e.id, std::string(model::bpmn_name(e.type)), *problem});
      }
    }
  }
}

}  // namespace

// Timer cycles written as text, on any timer (start, boundary, intermediate, event sub-process):
// one repeating faster than the minimum is refused here, at its line, rather than as an
// incident (or a refused start timer) once the process runs. Expressions are checked when
// evaluated (runtime/shared/timers.cpp).
void check_timer_cycles(const std::string& file, const model::Definitions& defs,
                        std::int64_t min_cycle_ms, std::vector<Diagnostic>& out) {
  if (min_cycle_ms <= 0) return;
  for (const auto& p : defs.processes) {
    if (!p.executable) continue;
    for (const auto& e : p.elements) {
      const auto* ev = e.event();
      if (!ev) continue;
      for (const auto& d : ev->definitions) {
        if (d.kind != model::EventKind::Timer || d.timer_kind != model::TimerKind::Cycle ||
            expr::looks_like_expression(d.timer_value))
          continue;
        auto due = runtime::first_due_of(d.timer_kind, d.timer_value, 0, min_cycle_ms);
        if (!due)
          out.push_back({Severity::Error, file, e.pos, e.id, std::string(model::bpmn_name(e.type)),
                         due.error().message});
      }
    }
  }
}

namespace {

Result<forms::Form> read_form_json(const std::string& text) { return forms::read_form_text(text); }

void sort_findings(std::vector<Diagnostic>& all, DeploymentPlan& plan) {
  for (auto& d : all)
    (d.severity == Severity::Error ? plan.errors : plan.warnings).push_back(std::move(d));
  all.clear();
}

Diagnostic file_error(const std::string& file, std::string message) {
  return Diagnostic{Severity::Error, file, {}, "", "", std::move(message)};
}

}  // namespace

namespace {

// "x.<kind>", "x.<kind><digits>", "x.<kind>.xml" or "x.<kind><digits>.xml" (other tools' names:
// x.bpmn2, x.bpmn20.xml, x.dmn11.xml).
bool has_kind(const std::string& name, const std::string& kind) {
  std::string n = lower(name);
  if (ends_with(n, ".xml")) n.resize(n.size() - 4);
  const auto at = n.rfind("." + kind);
  if (at == std::string::npos) return false;
  const std::string rest = n.substr(at + 1 + kind.size());
  return rest.find('/') == std::string::npos &&
         std::all_of(rest.begin(), rest.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

bool is_dmn_file(const std::string& name) { return has_kind(name, "dmn"); }

bool is_bpmn_file(const std::string& name) { return has_kind(name, "bpmn"); }

bool is_form_file(const std::string& name) {
  const std::string n = lower(name);
  return ends_with(n, ".form") || ends_with(n, ".form.json");
}

std::string DeploymentPlan::error_text() const {
  std::string out = "nothing was deployed; fix these first:";
  for (const auto& e : errors) out += "\n" + e.to_string();
  return out;
}

DeploymentPlan plan_deployment(const std::vector<std::pair<std::string, std::string>>& files,
                               const connector::Registry* connectors, std::int64_t min_cycle_ms) {
  DeploymentPlan plan;
  for (const auto& [name, bytes] : files) {
    plan.files.push_back(name);
    std::vector<Diagnostic> all;
    if (const std::string lang = forms::translation_language(name); !lang.empty()) {
      // processes/i18n/LANG.json: kept among the forms, one document per language.
      auto doc = forms::read_translations(bytes);
      if (!doc) {
        plan.errors.push_back(file_error(name, "translations: " + doc.error().message));
        continue;
      }
      forms::Form form;
      form.id = std::string(forms::kTranslationPrefix) + lang;
      form.schema = std::move(*doc);
      plan.forms.push_back({name, bytes, std::move(form)});
      continue;
    }
    if (is_form_file(name)) {
      auto form = read_form_json(bytes);
      if (!form) {
        plan.errors.push_back(file_error(name, "form: " + form.error().message));
        continue;
      }
      if (form->id.empty()) {
        // A form without an id is known by its file name ("approve-hire.form" -> approve-hire).
        auto base = name.substr(name.find_last_of('/') + 1);
        form->id = base.substr(0, base.find(".form"));
      }
      plan.forms.push_back({name, bytes, std::move(*form)});
      continue;
    }
    if (is_dmn_file(name)) {
      auto read = dmn::read_dmn(name, bytes, kMaxFileBytes);
      all = read.diagnostics;
      if (read.model) {
        auto more = dmn::validate(*read.model);
        all.insert(all.end(), more.begin(), more.end());
        plan.decisions.push_back({name, bytes, read.model});
      }
      sort_findings(all, plan);
      continue;
    }
    auto read = parse::read_bpmn(name, bytes, kMaxFileBytes);
    all = read.diagnostics;
    if (read.definitions) {
      auto more = parse::validate(*read.definitions);
      all.insert(all.end(), more.begin(), more.end());
      if (connectors) check_connectors(*connectors, name, *read.definitions, all);
      check_timer_cycles(name, *read.definitions, min_cycle_ms, all);
      plan.bpmn.push_back({name, bytes, read.definitions});
      // Forms embedded by Camunda 8 modelers deploy as forms of their own, keyed as Zeebe does.
      for (const auto& p : read.definitions->processes) {
        for (const auto& ef : p.embedded_forms) {
          auto form = read_form_json(ef.json);
          if (!form) {
            plan.errors.push_back({Severity::Error, name, ef.pos, "", "",
                                   "zeebe:userTaskForm '" + ef.id + "': " + form.error().message});
            continue;
          }
          form->id = "camunda-forms:bpmn:" + ef.id;
          plan.forms.push_back({name, ef.json, std::move(*form)});
        }
      }
    }
    sort_findings(all, plan);
  }
  // BPMN files without a process that runs: deploying nothing and saying "deployed" misleads.
  if (!plan.bpmn.empty() && plan.errors.empty()) {
    bool runs = false;
    for (const auto& f : plan.bpmn)
      for (const auto& p : f.definitions->processes) runs = runs || p.executable;
    if (!runs) {
      std::string names;
      for (const auto& f : plan.bpmn) names += (names.empty() ? "" : ", ") + f.file;
      plan.errors.push_back(file_error(
          plan.bpmn.front().file,
          "no executable process in " + names +
              ": only processes with isExecutable=\"true\" run (a descriptive model can be "
              "checked with `elva validate`)"));
    }
  }
  return plan;
}

Result<DeployReport> apply_deployment(const DeploymentPlan& plan, store::Tx& tx, KeySource& keys,
                                      std::int64_t now, const std::string& actor,
                                      std::int64_t min_cycle_ms) {
  DeployReport report;
  report.diagnostics = plan.warnings;
  std::int64_t deployment = 0;
  auto deployment_id = [&]() -> Result<std::int64_t> {
    if (deployment == 0) {
      auto d = tx.insert_deployment(actor, json(plan.files));
      if (!d) return fail(d.error());
      deployment = *d;
    }
    return deployment;
  };
  for (const auto& f : plan.forms) {
    auto dep = deployment_id();
    if (!dep) return fail(dep.error());
    auto v = tx.insert_form(f.form.id, f.file, f.form.schema, hash_of(f.bytes), *dep);
    if (!v) return fail(v.error());
    report.forms.push_back({f.form.id, v->version, 0, v->unchanged, f.file});
  }
  for (const auto& f : plan.decisions) {
    const std::string hash = hash_of(f.bytes);
    for (const auto& d : f.model->decisions) {
      auto latest = tx.latest_decision(d.id, false);
      if (!latest) return fail(latest.error());
      if (*latest && (*latest)->hash == hash) {
        report.decisions.push_back({d.id, (*latest)->version, (*latest)->id, true, f.file});
        continue;
      }
      auto dep = deployment_id();
      if (!dep) return fail(dep.error());
      store::DefinitionRow row{
          0, d.id, *latest ? (*latest)->version + 1 : 1, d.name, f.file, f.bytes, hash, ""};
      auto id = tx.insert_decision(row, *dep);
      if (!id) return fail(id.error());
      report.decisions.push_back({d.id, row.version, *id, false, f.file});
    }
  }
  for (const auto& f : plan.bpmn) {
    const std::string hash = hash_of(f.bytes);
    for (const auto& p : f.definitions->processes) {
      if (!p.executable) continue;
      auto latest = tx.latest_definition(p.id);
      if (!latest) return fail(latest.error());
      if (*latest && (*latest)->hash == hash) {
        report.processes.push_back({p.id, (*latest)->version, (*latest)->id, true, f.file});
        continue;
      }
      auto dep = deployment_id();
      if (!dep) return fail(dep.error());
      store::DefinitionRow row{
          0, p.id, *latest ? (*latest)->version + 1 : 1, p.name, f.file, f.bytes, hash, ""};
      auto id = tx.insert_definition(row, *dep);
      if (!id) return fail(id.error());
      std::vector<store::StartEventRow> starts;
      std::vector<store::TimerRow> timers;
      for (const auto& e : p.elements) {
        if (e.type != model::ElementType::StartEvent || e.scope != model::kNoElement) continue;
        for (const auto& d : e.event()->definitions) {
          if (d.kind == model::EventKind::Message)
            starts.push_back({*id, p.id, e.id, "message", d.resolved});
          if (d.kind == model::EventKind::Signal)
            starts.push_back({*id, p.id, e.id, "signal", d.resolved});
          if (d.kind == model::EventKind::Timer) {
            starts.push_back({*id, p.id, e.id, "timer", ""});
            auto due = runtime::first_due_of(d.timer_kind, d.timer_value, now, min_cycle_ms);
            if (!due)
              return fail(Errc::ValidationError,
                          f.file + ": timer start event '" + e.id + "': " + due.error().message);
            if (auto r = keys.reserve(tx, 1); !r) return fail(r.error());
            timers.push_back({keys.next(), 0, *id, e.id, *due, 0});
          }
        }
      }
      if (auto rs = tx.replace_start_events(p.id, starts, timers); !rs) return fail(rs.error());
      report.processes.push_back({p.id, row.version, *id, false, f.file});
    }
  }
  return report;
}

}  // namespace elva::exec
