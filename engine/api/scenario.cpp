// The scenario runner behind `elva test`: reads the scenario, drives the deterministic runtime
// with a ManualEnv clock, completes jobs from mocks, and checks expectations.
#include "elva/scenario.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/iso8601.hpp"
#include "parse/reader.hpp"
#include "parse/validate.hpp"
#include "api/decisions.hpp"
#include "runtime/state_json.hpp"
#include "runtime/step.hpp"

namespace elva {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using runtime::Key;

constexpr std::int64_t kDefaultStart = 1767225600000;  // 2026-01-01T00:00:00Z

// Expected is a subset of actual: object keys recursively, arrays and scalars exactly.
bool subset(const json& expected, const json& actual) {
  if (expected.is_object()) {
    if (!actual.is_object()) return false;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      if (!actual.contains(it.key()) || !subset(it.value(), actual[it.key()])) return false;
    }
    return true;
  }
  if (expected.is_number() && actual.is_number()) return expected.get<double>() == actual.get<double>();
  if (expected.is_array() && actual.is_array()) {
    if (expected.size() != actual.size()) return false;
    for (std::size_t i = 0; i < expected.size(); ++i) if (!subset(expected[i], actual[i])) return false;
    return true;
  }
  return expected == actual;
}

std::string list(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

// Drives the root instance and the child instances its call activities start, like the
// scheduler will: fulfils call requests, reports child completion and escaped errors back.
class Runner {
 public:
  using Processes = std::map<std::string, std::shared_ptr<const model::ProcessDefinition>>;

  Runner(const json& scenario, std::shared_ptr<const model::ProcessDefinition> process,
         Processes processes, const ModelDecisions& decisions, const ScenarioOptions& options, ScenarioReport& report)
      : sc_(scenario), processes_(std::move(processes)), options_(options), report_(report),
        env_(kDefaultStart, decisions.empty() ? nullptr : &decisions) {
    instances_.emplace_back();
    instances_[0].process = std::move(process);
    if (sc_.contains("mocks")) mocks_ = sc_["mocks"];
  }

  void run() {
    const json start = sc_.value("start", json::object());
    runtime::StartInstance cmd{start.value("variables", json::object()), start.value("businessKey", ""), 0, 0,
                               start.value("event", "")};
    if (!command(0, cmd, "start")) return;
    const json steps = sc_.value("steps", json::array());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (!step(steps[i], "step " + std::to_string(i + 1))) return;
    }
    check_expect(sc_.value("expect", json::object()));
  }

 private:
  struct Where {
    std::size_t instance = 0;
    Key key = 0;
  };

  bool failed(std::string msg) {
    report_.failures.push_back(std::move(msg));
    return false;
  }

  bool active(std::size_t i) const { return instances_[i].status == runtime::InstanceStatus::Active; }

  // Applies one command to one instance and records its events.
  bool apply_to(std::size_t i, const runtime::Command& c, const std::string& where) {
    auto r = runtime::step(instances_[i], c, env_);
    if (!r) return failed(where + ": " + r.error().message);
    if (options_.through_snapshots && !reload(i, where)) return false;
    const std::string prefix = i == 0 ? "" : "[" + instances_[i].process->id + "] ";
    for (const auto& e : r->events) {
      report_.trace.push_back(prefix + runtime::describe(e, instances_[i]));
      if (const auto* m = std::get_if<runtime::MessagePublished>(&e)) {
        published_.push_back({i, false, m->name, m->correlation_key, m->variables, env_.now_millis() + kMessageTtl});
      } else if (const auto* sig = std::get_if<runtime::SignalPublished>(&e)) {
        published_.push_back({i, true, sig->name, "", sig->variables, 0});
      }
    }
    return true;
  }

  bool reload(std::size_t i, const std::string& where) {
    runtime::InstanceState copy;
    copy.process = instances_[i].process;
    copy.completed = instances_[i].completed;  // history, which the store keeps elsewhere
    const json snapshot = json::parse(runtime::state_to_json(instances_[i]).dump());
    if (auto r = runtime::state_from_json(snapshot, copy); !r) return failed(where + ": snapshot: " + r.error().message);
    instances_[i] = std::move(copy);
    return true;
  }

  // A message or signal thrown by an instance (or, for a signal, sent by the scenario).
  struct Publication {
    std::size_t from;
    bool signal;
    std::string name;
    std::string correlation_key;
    json variables;
    std::int64_t expires;  // messages nobody takes yet wait this long (virtual clock)
  };

  // Top-level start events of executable processes triggered by this message or signal.
  std::vector<std::pair<std::shared_ptr<const model::ProcessDefinition>, std::string>> start_events(bool signal, const std::string& name) const {
    std::vector<std::pair<std::shared_ptr<const model::ProcessDefinition>, std::string>> out;
    for (const auto& [id, p] : processes_) {
      if (!p->executable) continue;
      for (const auto& e : p->elements) {
        if (e.type != model::ElementType::StartEvent || e.scope != model::kNoElement) continue;
        for (const auto& d : e.event()->definitions) {
          if (d.kind == (signal ? model::EventKind::Signal : model::EventKind::Message) && d.resolved == name) out.emplace_back(p, e.id);
        }
      }
    }
    return out;
  }

  bool start_instance(std::shared_ptr<const model::ProcessDefinition> p, const std::string& event, const json& vars,
                      const std::string& business_key, const std::string& where) {
    instances_.emplace_back();
    const std::size_t i = instances_.size() - 1;
    instances_[i].process = std::move(p);
    return apply_to(i, runtime::StartInstance{vars, business_key, 0, 0, event}, where);
  }

  // Routes one publication: a message to one waiting instance, else a message start event,
  // else it waits (buffered) until it expires; a signal to every other instance that waits for
  // it and to every signal start event.
  bool route(const Publication& p, const std::string& where, bool& moved) {
    if (p.signal) {
      for (std::size_t i = 0; i < instances_.size(); ++i) {
        if (i == p.from || !active(i) || !waits_for_signal(i, p.name)) continue;
        moved = true;
        if (!apply_to(i, runtime::BroadcastSignal{p.name, p.variables}, where)) return false;
      }
      for (const auto& [process, event] : start_events(true, p.name)) {
        moved = true;
        if (!start_instance(process, event, p.variables, "", where)) return false;
      }
      return true;
    }
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      if (!active(i) || !waits_for_message(i, p.name, p.correlation_key)) continue;
      moved = true;
      return apply_to(i, runtime::CorrelateMessage{p.name, p.correlation_key, p.variables}, where);
    }
    auto starts = start_events(false, p.name);
    if (!starts.empty()) {
      moved = true;
      return start_instance(starts.front().first, starts.front().second, p.variables, p.correlation_key, where);
    }
    buffered_.push_back(p);
    return true;
  }

  bool route_publications(const std::string& where, bool& moved) {
    // Buffered messages first: a subscription may have opened since.
    for (auto it = buffered_.begin(); it != buffered_.end();) {
      bool taken = false;
      if (it->expires >= env_.now_millis()) {
        for (std::size_t i = 0; i < instances_.size() && !taken; ++i) {
          if (!active(i) || !waits_for_message(i, it->name, it->correlation_key)) continue;
          const Publication p = *it;
          it = buffered_.erase(it);
          taken = moved = true;
          if (!apply_to(i, runtime::CorrelateMessage{p.name, p.correlation_key, p.variables}, where)) return false;
        }
        if (taken) return true;
        ++it;
      } else {
        it = buffered_.erase(it);  // expired
      }
    }
    if (published_.empty()) return true;
    const Publication p = published_.front();
    published_.pop_front();
    moved = true;
    return route(p, where, moved);
  }

  bool command(std::size_t i, const runtime::Command& c, const std::string& where) {
    return apply_to(i, c, where) && settle(where);
  }

  // Completes mocked jobs and coordinates call activities until nothing moves.
  bool settle(const std::string& where) {
    for (int guard = 0; guard < 10000; ++guard) {
      bool moved = false;
      for (std::size_t i = 0; i < instances_.size() && !moved; ++i) {
        if (!active(i) || instances_[i].jobs.empty()) continue;
        if (!complete_job(i, instances_[i].jobs.begin()->second, where)) return false;
        moved = true;
      }
      if (!moved && !coordinate_calls(where, moved)) return false;
      if (!moved && !route_publications(where, moved)) return false;
      if (!moved) return true;
    }
    return failed(where + ": work kept coming after 10000 steps (a loop?)");
  }

  bool complete_job(std::size_t i, const runtime::Job& job, const std::string& where) {
    const json mock = mocks_.contains(job.type) ? mocks_[job.type] : json();
    if (mock.is_null()) {
      if (std::find(report_.unmocked.begin(), report_.unmocked.end(), job.type) == report_.unmocked.end()) {
        report_.unmocked.push_back(job.type);
      }
      if (options_.strict) return failed(where + ": job '" + job.type + "' has no mock (--strict)");
      return apply_to(i, runtime::CompleteJob{job.key, json::object()}, where);
    }
    if (attempts_[job.type] < mock.value("fail", 0)) {
      ++attempts_[job.type];
      return apply_to(i, runtime::FailJob{job.key, "mocked failure"}, where);
    }
    if (mock.contains("error")) {
      return apply_to(i, runtime::ThrowError{job.element_instance, mock["error"].get<std::string>(), mock.value("variables", json::object())}, where);
    }
    return apply_to(i, runtime::CompleteJob{job.key, mock.value("output", json::object())}, where);
  }

  bool coordinate_calls(const std::string& where, bool& moved) {
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      for (const auto& [element, call] : instances_[i].calls) {
        if (children_.count({i, element})) continue;
        auto p = processes_.find(call.process_id);
        if (p == processes_.end()) return failed(where + ": the call activity calls process '" + call.process_id + "', which is in none of the scenario's files");
        const json vars = call.variables;  // copied before the deque grows
        instances_.emplace_back();
        const std::size_t child = instances_.size() - 1;
        instances_[child].process = p->second;
        children_[{i, element}] = child;
        const Key parent_key = instances_[i].key;
        if (!apply_to(child, runtime::StartInstance{vars, "", parent_key, element, ""}, where)) return false;
        moved = true;
        return true;
      }
    }
    for (auto it = children_.begin(); it != children_.end(); ++it) {
      const auto [parent, element] = it->first;
      const std::size_t child = it->second;
      if (reported_.count(child)) continue;
      const auto& c = instances_[child];
      const bool caller_waits = instances_[parent].calls.count(element) > 0;
      if (c.status == runtime::InstanceStatus::Active && !caller_waits) {  // the caller was interrupted
        reported_.insert(child);
        moved = true;
        return apply_to(child, runtime::CancelInstance{}, where);
      }
      if (c.status == runtime::InstanceStatus::Active) continue;
      reported_.insert(child);
      moved = true;
      if (!c.escaped_error.empty()) return apply_to(parent, runtime::ThrowError{element, c.escaped_error, json::object()}, where);
      if (c.status == runtime::InstanceStatus::Completed) return apply_to(parent, runtime::CompleteCall{element, c.variables}, where);
      return true;
    }
    return true;
  }

  std::vector<std::string> open_waits() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      if (!active(i)) continue;
      for (const auto& [key, el] : instances_[i].elements) {
        if (el.waiting) out.push_back(instances_[i].process->elements[el.element].id);
      }
    }
    return out;
  }

  std::vector<std::pair<std::string, std::string>> incidents() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& s : instances_) {
      for (const auto& [key, inc] : s.incidents) {
        auto it = s.elements.find(inc.element_instance);
        out.emplace_back(it == s.elements.end() ? "?" : s.process->elements[it->second.element].id, inc.message);
      }
    }
    return out;
  }

  std::string incidents_text() const {
    std::string out;
    for (const auto& [id, message] : incidents()) out += "\n    incident at " + id + ": " + message;
    return out;
  }

  std::optional<Where> find_element(const std::string& id, bool waiting_only) const {
    for (std::size_t i = 0; i < instances_.size(); ++i) {
      if (!active(i)) continue;
      for (const auto& [key, el] : instances_[i].elements) {
        if (instances_[i].process->elements[el.element].id == id && (!waiting_only || el.waiting)) return Where{i, key};
      }
    }
    return std::nullopt;
  }

  bool step(const json& s, const std::string& where) {
    if (s.contains("expectTasks")) {
      auto expected = s["expectTasks"].get<std::vector<std::string>>();
      auto open = open_waits();
      if (list(expected) != list(open)) {
        return failed(where + " (expectTasks): expected open " + list(expected) + ", but open are " + list(open) + incidents_text());
      }
      return true;
    }
    if (s.contains("complete")) {
      const std::string id = s["complete"];
      auto at = find_element(id, true);
      if (!at) return failed(where + " (complete): '" + id + "' is not waiting; open are " + list(open_waits()) + incidents_text());
      return command(at->instance, runtime::CompleteWait{at->key, s.value("variables", json::object())}, where);
    }
    if (s.contains("message")) {
      runtime::CorrelateMessage m{s["message"], s.value("correlationKey", ""), s.value("variables", json::object())};
      for (std::size_t i = 0; i < instances_.size(); ++i) {
        if (!active(i) || !waits_for_message(i, m.name, m.correlation_key)) continue;
        return command(i, m, where);
      }
      if (auto starts = start_events(false, m.name); !starts.empty()) {
        return start_instance(starts.front().first, starts.front().second, m.variables, m.correlation_key, where) && settle(where);
      }
      return failed(where + ": no one waits for message '" + m.name + "'" + (m.correlation_key.empty() ? "" : " with correlation key '" + m.correlation_key + "'"));
    }
    if (s.contains("signal")) {
      const std::string name = s["signal"];
      bool any = !start_events(true, name).empty();
      for (std::size_t i = 0; i < instances_.size(); ++i) any |= active(i) && waits_for_signal(i, name);
      if (!any) return failed(where + ": no one waits for signal '" + name + "'");
      bool moved = false;
      const std::size_t nobody = instances_.size() + 1;
      return route(Publication{nobody, true, name, "", s.value("variables", json::object()), 0}, where, moved) && settle(where);
    }
    if (s.contains("advance")) return advance(s["advance"].get<std::string>(), where);
    if (s.contains("throwError")) {
      const std::string id = s["throwError"];
      auto at = find_element(id, false);
      if (!at) return failed(where + " (throwError): '" + id + "' is not active");
      return command(at->instance, runtime::ThrowError{at->key, s.value("code", ""), s.value("variables", json::object())}, where);
    }
    if (s.contains("expectVariables")) {
      if (!subset(s["expectVariables"], instances_[0].variables)) {
        return failed(where + " (expectVariables): expected " + s["expectVariables"].dump() + " within " + instances_[0].variables.dump());
      }
      return true;
    }
    return failed(where + ": unknown step " + s.dump() + " (known: expectTasks, complete, message, signal, advance, throwError, expectVariables)");
  }

  bool waits_for_signal(std::size_t i, const std::string& name) const {
    for (const auto& [k, sub] : instances_[i].subscriptions) if (sub.signal && sub.name == name) return true;
    return false;
  }

  bool waits_for_message(std::size_t i, const std::string& name, const std::string& key) const {
    for (const auto& [k, sub] : instances_[i].subscriptions) {
      if (!sub.signal && sub.name == name && (sub.correlation_key.empty() || sub.correlation_key == key)) return true;
    }
    return false;
  }

  // Moves the virtual clock, firing due timers (of every instance) in due order.
  bool advance(const std::string& text, const std::string& where) {
    auto d = iso8601::parse_duration(text);
    if (!d) return failed(where + " (advance): '" + text + "' is not an ISO 8601 duration such as P5D");
    const std::int64_t target = iso8601::add(env_.now_millis(), *d);  // calendar months, as timers
    for (int guard = 0; guard < 100000; ++guard) {
      std::optional<std::pair<std::size_t, runtime::Timer>> next;
      for (std::size_t i = 0; i < instances_.size(); ++i) {
        if (!active(i)) continue;
        for (const auto& [key, t] : instances_[i].timers) {
          if (t.due <= target && (!next || t.due < next->second.due)) next = {i, t};
        }
      }
      if (!next) break;
      env_.set_now(std::max(env_.now_millis(), next->second.due));
      if (!command(next->first, runtime::FireTimer{next->second.key}, where)) return false;
    }
    env_.set_now(target);
    return true;
  }

  void check_expect(const json& e) {
    const auto& root = instances_[0];
    std::vector<std::string> completed;
    for (const auto& s : instances_) completed.insert(completed.end(), s.completed.begin(), s.completed.end());
    if (e.contains("state")) {
      std::string actual = root.status == runtime::InstanceStatus::Completed ? "completed"
                           : root.status == runtime::InstanceStatus::Terminated ? "terminated"
                           : !incidents().empty() ? "incident" : "active";
      if (actual != e["state"]) failed("expect.state: expected " + e["state"].get<std::string>() + ", but the instance is " + actual + incidents_text());
    }
    for (const auto& id : e.value("completed", json::array())) {
      if (std::find(completed.begin(), completed.end(), id.get<std::string>()) == completed.end()) {
        failed("expect.completed: '" + id.get<std::string>() + "' never completed; completed were " + list(completed));
      }
    }
    for (const auto& id : e.value("notCompleted", json::array())) {
      if (std::find(completed.begin(), completed.end(), id.get<std::string>()) != completed.end()) {
        failed("expect.notCompleted: '" + id.get<std::string>() + "' completed");
      }
    }
    if (e.contains("variables") && !subset(e["variables"], root.variables)) {
      failed("expect.variables: expected " + e["variables"].dump() + " within " + root.variables.dump());
    }
    for (const auto& name : e.value("absentVariables", json::array())) {
      if (root.variables.contains(name.get<std::string>())) {
        failed("expect.absentVariables: '" + name.get<std::string>() + "' is a process variable: " + root.variables[name.get<std::string>()].dump());
      }
    }
    if (e.contains("openTasks")) {
      auto expected = e["openTasks"].get<std::vector<std::string>>();
      if (list(expected) != list(open_waits())) failed("expect.openTasks: expected " + list(expected) + ", but open are " + list(open_waits()));
    }
    if (e.contains("incidents")) {
      auto expected = e["incidents"].get<std::vector<std::string>>();
      std::vector<std::string> at;
      for (const auto& [id, msg] : incidents()) at.push_back(id);
      if (list(expected) != list(at)) {
        failed("expect.incidents: expected incidents at " + list(expected) + ", but they are at " + list(at) + incidents_text());
      }
    }
  }

  const json& sc_;
  Processes processes_;
  const ScenarioOptions& options_;
  ScenarioReport& report_;
  runtime::ManualEnv env_;
  std::deque<runtime::InstanceState> instances_;  // [0] is the root; deque: references stay valid
  std::map<std::pair<std::size_t, Key>, std::size_t> children_;  // (caller, call element) -> child
  std::set<std::size_t> reported_;
  static constexpr std::int64_t kMessageTtl = 3'600'000;  // PT1H
  std::deque<Publication> published_;
  std::vector<Publication> buffered_;
  json mocks_ = json::object();
  std::map<std::string, int> attempts_;
};

Result<std::string> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return fail(Errc::NotFound, p.string() + ": cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<ScenarioReport> run_scenario(const std::string& path, const ScenarioOptions& options) {
  auto text = slurp(path);
  if (!text) return fail(text.error());
  json sc = json::parse(*text, nullptr, false, /*ignore_comments=*/true);
  if (sc.is_discarded() || !sc.is_object()) return fail(Errc::InvalidArgument, path + ": not a JSON object");
  ScenarioReport report;
  report.file = path;
  report.name = sc.value("name", fs::path(path).stem().string());

  std::vector<std::shared_ptr<const model::Definitions>> defs;
  ModelDecisions decisions;
  for (const auto& f : sc.value("files", json::array())) {
    const fs::path file = fs::path(path).parent_path() / f.get<std::string>();
    auto bytes = slurp(file);
    if (!bytes) return fail(bytes.error());
    if (file.extension() == ".dmn") {  // decisions for business rule tasks
      auto dmn_read = dmn::read_dmn(file.string(), std::move(*bytes));
      std::vector<Diagnostic> found = dmn_read.diagnostics;
      if (dmn_read.model) {
        auto more = dmn::validate(*dmn_read.model);
        found.insert(found.end(), more.begin(), more.end());
        decisions.add(dmn_read.model);
      }
      for (const auto& d : found) if (d.severity == Severity::Error) report.failures.push_back(d.to_string());
      continue;
    }
    auto read = parse::read_bpmn(file.string(), std::move(*bytes), 16u << 20);
    std::vector<Diagnostic> diagnostics = read.diagnostics;
    if (read.definitions) {
      auto more = parse::validate(*read.definitions);
      diagnostics.insert(diagnostics.end(), more.begin(), more.end());
    }
    for (const auto& d : diagnostics) {
      if (d.severity == Severity::Error) report.failures.push_back(d.to_string());
    }
    if (read.definitions) defs.push_back(read.definitions);
  }
  if (!report.failures.empty()) return report;

  std::shared_ptr<const model::ProcessDefinition> process;
  const std::string wanted = sc.value("process", "");
  for (const auto& d : defs) {
    for (const auto& p : d->processes) {
      if (wanted.empty() ? p.executable : p.id == wanted) {
        if (process && wanted.empty()) {
          report.failures.push_back("several executable processes: name one with \"process\"");
          return report;
        }
        process = std::shared_ptr<const model::ProcessDefinition>(d, &p);
      }
    }
  }
  if (!process) {
    report.failures.push_back(wanted.empty() ? "no executable process in the files" : "no process '" + wanted + "' in the files");
    return report;
  }
  Runner::Processes all;
  for (const auto& d : defs) {
    for (const auto& p : d->processes) all.emplace(p.id, std::shared_ptr<const model::ProcessDefinition>(d, &p));
  }
  Runner(sc, process, std::move(all), decisions, options, report).run();
  report.passed = report.failures.empty();
  return report;
}

}  // namespace elva
