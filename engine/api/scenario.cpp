// The scenario runner behind `elva test`: reads the scenario, drives the deterministic runtime
// with a ManualEnv clock, completes jobs from mocks, and checks expectations.
#include "elva/scenario.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/iso8601.hpp"
#include "parse/reader.hpp"
#include "parse/validate.hpp"
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

class Runner {
 public:
  Runner(const json& scenario, std::shared_ptr<const model::ProcessDefinition> process,
         const ScenarioOptions& options, ScenarioReport& report)
      : sc_(scenario), options_(options), report_(report), env_(kDefaultStart) {
    state_.process = std::move(process);
    if (sc_.contains("mocks")) mocks_ = sc_["mocks"];
  }

  void run() {
    const json start = sc_.value("start", json::object());
    runtime::StartInstance cmd{start.value("variables", json::object()), start.value("businessKey", "")};
    if (!command(cmd, "start")) return;
    const json steps = sc_.value("steps", json::array());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (!step(steps[i], "step " + std::to_string(i + 1))) return;
    }
    check_expect(sc_.value("expect", json::object()));
  }

 private:
  bool failed(std::string msg) {
    report_.failures.push_back(std::move(msg));
    return false;
  }

  bool command(const runtime::Command& c, const std::string& where) {
    auto r = runtime::step(state_, c, env_);
    if (!r) return failed(where + ": " + r.error().message);
    for (const auto& e : r->events) report_.trace.push_back(runtime::describe(e, state_));
    return settle(where);
  }

  // Completes jobs from mocks until none is left.
  bool settle(const std::string& where) {
    for (int guard = 0; guard < 10000; ++guard) {
      if (state_.jobs.empty()) return true;
      const runtime::Job job = state_.jobs.begin()->second;
      const json mock = mocks_.contains(job.type) ? mocks_[job.type] : json();
      runtime::Command c;
      if (mock.is_null()) {
        if (std::find(report_.unmocked.begin(), report_.unmocked.end(), job.type) == report_.unmocked.end()) {
          report_.unmocked.push_back(job.type);
        }
        if (options_.strict) return failed(where + ": job '" + job.type + "' has no mock (--strict)");
        c = runtime::CompleteJob{job.key, json::object()};
      } else if (attempts_[job.type] < mock.value("fail", 0)) {
        ++attempts_[job.type];
        c = runtime::FailJob{job.key, "mocked failure"};
      } else if (mock.contains("error")) {
        c = runtime::ThrowError{job.element_instance, mock["error"].get<std::string>(), mock.value("variables", json::object())};
      } else {
        c = runtime::CompleteJob{job.key, mock.value("output", json::object())};
      }
      auto r = runtime::step(state_, c, env_);
      if (!r) return failed(where + ": " + r.error().message);
      for (const auto& e : r->events) report_.trace.push_back(runtime::describe(e, state_));
    }
    return failed(where + ": jobs kept coming after 10000 completions (a loop?)");
  }

  std::vector<std::string> open_waits() const {
    std::vector<std::string> out;
    for (const auto& [key, el] : state_.elements) {
      if (el.waiting) out.push_back(state_.process->elements[el.element].id);
    }
    return out;
  }

  std::vector<std::string> incident_elements() const {
    std::vector<std::string> out;
    for (const auto& [key, inc] : state_.incidents) {
      auto it = state_.elements.find(inc.element_instance);
      out.push_back(it == state_.elements.end() ? "?" : state_.process->elements[it->second.element].id);
    }
    return out;
  }

  std::string incidents_text() const {
    std::string out;
    for (const auto& [key, inc] : state_.incidents) {
      auto it = state_.elements.find(inc.element_instance);
      out += "\n    incident at " + (it == state_.elements.end() ? std::string("?") : state_.process->elements[it->second.element].id) + ": " + inc.message;
    }
    return out;
  }

  Key find_element(const std::string& id, bool waiting_only) const {
    for (const auto& [key, el] : state_.elements) {
      if (state_.process->elements[el.element].id == id && (!waiting_only || el.waiting)) return key;
    }
    return 0;
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
      const Key key = find_element(id, true);
      if (!key) return failed(where + " (complete): '" + id + "' is not waiting; open are " + list(open_waits()) + incidents_text());
      return command(runtime::CompleteWait{key, s.value("variables", json::object())}, where);
    }
    if (s.contains("message")) {
      return command(runtime::CorrelateMessage{s["message"], s.value("correlationKey", ""), s.value("variables", json::object())}, where);
    }
    if (s.contains("signal")) {
      return command(runtime::BroadcastSignal{s["signal"], s.value("variables", json::object())}, where);
    }
    if (s.contains("advance")) return advance(s["advance"].get<std::string>(), where);
    if (s.contains("throwError")) {
      const std::string id = s["throwError"];
      const Key key = find_element(id, false);
      if (!key) return failed(where + " (throwError): '" + id + "' is not active");
      return command(runtime::ThrowError{key, s.value("code", ""), s.value("variables", json::object())}, where);
    }
    if (s.contains("expectVariables")) {
      if (!subset(s["expectVariables"], state_.variables)) {
        return failed(where + " (expectVariables): expected " + s["expectVariables"].dump() + " within " + state_.variables.dump());
      }
      return true;
    }
    return failed(where + ": unknown step " + s.dump() + " (known: expectTasks, complete, message, signal, advance, throwError, expectVariables)");
  }

  // Moves the virtual clock, firing due timers in due order.
  bool advance(const std::string& text, const std::string& where) {
    auto d = iso8601::parse_duration(text);
    if (!d) return failed(where + " (advance): '" + text + "' is not an ISO 8601 duration such as P5D");
    const std::int64_t target = env_.now_millis() + (d->years * 365 + d->months * 30 + d->days) * 86'400'000 + d->millis;
    for (int guard = 0; guard < 100000; ++guard) {
      const runtime::Timer* next = nullptr;
      for (const auto& [key, t] : state_.timers) {
        if (t.due <= target && (!next || t.due < next->due)) next = &t;
      }
      if (!next) break;
      env_.set_now(std::max(env_.now_millis(), next->due));
      if (!command(runtime::FireTimer{next->key}, where)) return false;
    }
    env_.set_now(target);
    return true;
  }

  void check_expect(const json& e) {
    if (e.contains("state")) {
      std::string actual = state_.status == runtime::InstanceStatus::Completed ? "completed"
                           : state_.status == runtime::InstanceStatus::Terminated ? "terminated"
                           : !state_.incidents.empty() ? "incident" : "active";
      if (actual != e["state"]) failed("expect.state: expected " + e["state"].get<std::string>() + ", but the instance is " + actual + incidents_text());
    }
    for (const auto& id : e.value("completed", json::array())) {
      if (std::find(state_.completed.begin(), state_.completed.end(), id.get<std::string>()) == state_.completed.end()) {
        failed("expect.completed: '" + id.get<std::string>() + "' never completed; completed were " + list(state_.completed));
      }
    }
    for (const auto& id : e.value("notCompleted", json::array())) {
      if (std::find(state_.completed.begin(), state_.completed.end(), id.get<std::string>()) != state_.completed.end()) {
        failed("expect.notCompleted: '" + id.get<std::string>() + "' completed");
      }
    }
    if (e.contains("variables") && !subset(e["variables"], state_.variables)) {
      failed("expect.variables: expected " + e["variables"].dump() + " within " + state_.variables.dump());
    }
    if (e.contains("openTasks")) {
      auto expected = e["openTasks"].get<std::vector<std::string>>();
      if (list(expected) != list(open_waits())) failed("expect.openTasks: expected " + list(expected) + ", but open are " + list(open_waits()));
    }
    if (e.contains("incidents")) {
      auto expected = e["incidents"].get<std::vector<std::string>>();
      if (list(expected) != list(incident_elements())) {
        failed("expect.incidents: expected incidents at " + list(expected) + ", but they are at " + list(incident_elements()) + incidents_text());
      }
    }
  }

  const json& sc_;
  const ScenarioOptions& options_;
  ScenarioReport& report_;
  runtime::ManualEnv env_;
  runtime::InstanceState state_;
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
  for (const auto& f : sc.value("files", json::array())) {
    const fs::path file = fs::path(path).parent_path() / f.get<std::string>();
    auto bytes = slurp(file);
    if (!bytes) return fail(bytes.error());
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
  Runner(sc, process, options, report).run();
  report.passed = report.failures.empty();
  return report;
}

}  // namespace elva
