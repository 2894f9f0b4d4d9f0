// The scenario runner (runner.hpp): deploys the scenario's files, starts the process, and drives
// it through the same Processor `elva serve` uses: steps are commands, mocks answer jobs as a
// worker would, `advance` moves the manual clock and fires what the work queue says is due.
#include "testkit/runner.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "common/calendar.hpp"
#include "common/iso8601.hpp"
#include "elva/json_limits.hpp"
#include "exec/processor.hpp"
#include "runtime/state_json.hpp"

namespace elva::testkit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Key = std::uint64_t;

constexpr std::int64_t kDefaultStart = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int kMaxMoves = 10000;
constexpr std::int64_t kHeldUntil = 253402300799000;  // 9999-12-31: a held job's lease // per step:
                                                      // more is a loop without a wait

// Expected is a subset of actual: object keys recursively, arrays and scalars exactly.
bool subset(const json& expected, const json& actual) {
  if (expected.is_object()) {
    if (!actual.is_object()) return false;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      if (!actual.contains(it.key()) || !subset(it.value(), actual[it.key()])) return false;
    }
    return true;
  }
  if (expected.is_number() && actual.is_number())
    return expected.get<double>() == actual.get<double>();
  if (expected.is_array() && actual.is_array()) {
    if (expected.size() != actual.size()) return false;
    for (std::size_t i = 0; i < expected.size(); ++i)
      if (!subset(expected[i], actual[i])) return false;
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

// "[a, b]": distinct, sorted.
std::string set_of(const std::vector<std::string>& v) {
  const std::set<std::string> distinct(v.begin(), v.end());
  return list(std::vector<std::string>(distinct.begin(), distinct.end()));
}

Result<std::string> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return fail(Errc::NotFound, p.string() + ": cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Runner : public exec::TraceSink {
 public:
  Runner(const json& scenario, store::Store& store, const ScenarioOptions& options,
         ScenarioReport& report)
      : sc_(scenario),
        store_(store),
        options_(options),
        report_(report),
        clock_(kDefaultStart),
        processor_(store, clock_, "scenario") {
    processor_.set_trace(this);
    if (sc_.contains("mocks")) mocks_ = sc_["mocks"];
  }

  void run(const std::vector<std::pair<std::string, std::string>>& files) {
    if (!configure()) return;
    auto deployed = processor_.deploy(files);
    if (!deployed) {
      std::istringstream lines(deployed.error().message);
      std::string line;
      std::getline(lines, line);  // "nothing was deployed; fix these first:"
      while (std::getline(lines, line)) report_.failures.push_back(line);
      if (report_.failures.empty()) report_.failures.push_back(deployed.error().message);
      return;
    }
    auto process = choose(*deployed);
    if (!process) return (void)failed(process.error().message);
    process_ = *process;
    const json start = sc_.value("start", json::object());
    auto id = processor_.start(*process, start.value("variables", json::object()),
                               start.value("businessKey", ""), start.value("event", ""));
    if (!id) return (void)failed("start: " + id.error().message);
    root_ = *id;
    if (!settle("start")) return;
    const json steps = sc_.value("steps", json::array());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (!step(steps[i], "step " + std::to_string(i + 1))) return;
    }
    check_expect(sc_.value("expect", json::object()));
  }

  void on_commit(const std::vector<exec::TraceLine>& lines) override {
    for (const auto& l : lines) {
      if (root_ == 0 && first_ == 0)
        first_ = l.instance;  // the start unit's first line is the root's
      const Key root = root_ ? root_ : first_;
      report_.trace.push_back((l.instance == root ? "" : "[" + l.process_id + "] ") +
                              name_keys(l.text));
    }
  }

 private:
  struct Instance {
    Key id = 0;
    runtime::InstanceState state;
  };

  // "clock": when the virtual clock starts; "calendar": the working-day calendar, as elva.toml's
  // [calendar] ({"rules": "SE", "daysOff": ["2026-12-23"]}).
  bool configure() {
    if (sc_.contains("clock")) {
      const auto t = sc_["clock"].is_string()
                         ? iso8601::parse_date_time(sc_["clock"].get<std::string>())
                         : std::nullopt;
      if (!t) return failed("\"clock\" must be a date-time such as \"2026-12-07T08:00:00Z\"");
      clock_.set(t->epoch_millis);
    }
    if (sc_.contains("calendar")) {
      const json& c = sc_["calendar"];
      std::vector<std::string> days;
      const bool shaped = c.is_object() && c.value("rules", json("x")).is_string() &&
                          c.value("daysOff", json::array()).is_array();
      if (shaped) {
        for (const auto& d : c.value("daysOff", json::array()))
          days.push_back(d.is_string() ? d.get<std::string>() : std::string("?"));
      }
      auto cal = shaped ? calendar::configured(c.value("rules", "weekdays"), days)
                        : Result<calendar::Calendar>(fail(Errc::InvalidArgument,
                                                          "give {\"rules\": \"SE\", \"daysOff\": "
                                                          "[\"2026-12-23\"]}"));
      if (!cal) return failed("\"calendar\": " + cal.error().message);
      processor_.set_calendar(std::make_shared<const calendar::Calendar>(std::move(*cal)));
    }
    return true;
  }

  bool failed(std::string msg) {
    report_.failures.push_back(std::move(msg));
    return false;
  }

  // Keys in the trace are numbered by first appearance ("#3"): the same in every store.
  std::string name_keys(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\x01') {
        out += text[i];
        continue;
      }
      const auto end = text.find('\x02', i);
      const Key k = std::stoull(text.substr(i + 1, end - i - 1));
      auto [it, fresh] = key_names_.emplace(k, key_names_.size() + 1);
      out += "#" + std::to_string(it->second);
      i = end;
    }
    return out;
  }

  Result<std::string> choose(const exec::DeployReport& deployed) const {
    const std::string wanted = sc_.value("process", "");
    std::set<std::string> ids;
    for (const auto& p : deployed.processes) ids.insert(p.process_id);
    if (!wanted.empty()) {
      if (ids.count(wanted)) return wanted;
      return fail(Errc::NotFound,
                  "no executable process '" + wanted +
                      "' in the files (only processes with isExecutable=\"true\" run)");
    }
    if (ids.empty()) return fail(Errc::NotFound, "no executable process in the files");
    if (ids.size() > 1)
      return fail(Errc::InvalidArgument, "several executable processes: name one with \"process\"");
    return *ids.begin();
  }

  // Every instance of the scenario as the store has it now, oldest first.
  std::vector<Instance> instances() {
    std::vector<Instance> out;
    auto rows = store_.instances("", "", 1'000'000);
    if (!rows) return failed("reading the instances: " + rows.error().message), out;
    std::vector<Key> ids;
    for (const auto& r : *rows) ids.push_back(r.id);
    std::sort(ids.begin(), ids.end());
    auto tx = store_.begin();
    if (!tx) return failed(tx.error().message), out;
    auto snaps = (*tx)->load_instances(ids);
    if (!snaps) return failed(snaps.error().message), out;
    for (const auto& snap : *snaps) {
      Instance i{snap.id, {}};
      auto process = processor_.process(**tx, snap.definition_id);
      if (!process) return failed(process.error().message), out;
      i.state.process = *process;
      if (auto r = runtime::state_from_json(snap.state, i.state); !r)
        return failed(r.error().message), out;
      out.push_back(std::move(i));
    }
    std::sort(out.begin(), out.end(),
              [](const Instance& a, const Instance& b) { return a.id < b.id; });
    return out;
  }

  static bool active(const Instance& i) {
    return i.state.status == runtime::InstanceStatus::Active;
  }

  // The open wait states of every active instance (of those with this business key, if given).
  std::vector<std::string> open_waits(const json& business_key = json()) {
    std::vector<std::string> out;
    for (const auto& i : instances()) {
      if (!active(i)) continue;
      if (business_key.is_string() && i.state.business_key != business_key.get<std::string>())
        continue;
      for (const auto& [key, el] : i.state.elements) {
        if (el.waiting) out.push_back(i.state.process->elements[el.element].id);
      }
    }
    return out;
  }

  std::vector<store::IncidentRow> open_incidents() {
    auto rows = store_.incidents(0, true);
    if (!rows) return failed(rows.error().message), std::vector<store::IncidentRow>();
    return *rows;
  }

  std::string incidents_text() {
    std::string out;
    for (const auto& i : open_incidents())
      out += "\n    incident at " + i.element_id + ": " + i.message;
    return out;
  }

  // The first active element instance with this element id (waiting ones only, if asked).
  std::optional<std::pair<Key, Key>> find_element(const std::string& id, bool waiting_only,
                                                  const json& business_key = json()) {
    for (const auto& i : instances()) {
      if (!active(i)) continue;
      if (business_key.is_string() && i.state.business_key != business_key.get<std::string>())
        continue;
      for (const auto& [key, el] : i.state.elements) {
        if (i.state.process->elements[el.element].id == id && (!waiting_only || el.waiting))
          return std::make_pair(i.id, key);
      }
    }
    return std::nullopt;
  }

  bool command(Key instance, const runtime::Command& c, const std::string& where) {
    if (auto r = processor_.command(instance, c); !r)
      return failed(where + ": " + r.error().message);
    return settle(where);
  }

  // Leased work, one item at a time (the lease ends a virtual millisecond later).
  std::optional<store::JobRow> due_job() {
    std::optional<store::JobRow> out;
    const auto now = clock_.now_millis();
    auto r = store_.transact([&](store::Tx& tx) -> Result<void> {
      auto jobs = tx.acquire_jobs({}, "scenario", now, now + 1, 1);
      if (!jobs) return fail(jobs.error());
      if (!jobs->empty()) out = jobs->front();
      return {};
    });
    if (!r) failed("leasing a job: " + r.error().message);
    return out;
  }

  std::optional<store::TimerRow> due_timer(std::int64_t by) {
    std::optional<store::TimerRow> out;
    const auto now = clock_.now_millis();
    auto r = store_.transact([&](store::Tx& tx) -> Result<void> {
      auto timers = tx.acquire_timers("scenario", by, now, now + 1, 1);
      if (!timers) return fail(timers.error());
      if (!timers->empty()) out = timers->front();
      return {};
    });
    if (!r) failed("leasing a timer: " + r.error().message);
    return out;
  }

  // Works what is due now: mocked jobs and timers already due, until nothing moves. A job
  // waiting for its retry moves the clock to its due time, as time would pass in production.
  bool settle(const std::string& where) {
    for (int moves = 0; moves < kMaxMoves; ++moves) {
      if (!report_.failures.empty()) return false;
      if (auto job = due_job()) {
        if (!complete_job(*job, where)) return false;
        continue;
      }
      if (auto timer = due_timer(clock_.now_millis())) {
        if (auto r = processor_.fire_timer(*timer); !r)
          return failed(where + ": timer " + timer->element_id + ": " + r.error().message);
        continue;
      }
      auto next = store_.next_job_due({});
      if (!next) return failed(next.error().message);
      if (!*next) return true;
      if (**next >= kHeldUntil) return true;  // only held jobs are left
      // Only retries wait; timers due before the retry fire first, at their own time.
      auto timer = store_.next_timer_due();
      if (!timer) return failed(timer.error().message);
      const std::int64_t at = *timer && **timer < **next ? **timer : **next;
      clock_.set(std::max(clock_.now_millis(), at));
    }
    return failed(where + ": work kept coming after " + std::to_string(kMaxMoves) +
                  " steps (a loop without a wait state?)");
  }

  bool complete_job(const store::JobRow& job, const std::string& where) {
    const json mock = mocks_.contains(job.type) ? mocks_[job.type] : json();
    runtime::Command c;
    if (mock.is_null()) {
      if (std::find(report_.unmocked.begin(), report_.unmocked.end(), job.type) ==
          report_.unmocked.end()) {
        report_.unmocked.push_back(job.type);
      }
      if (options_.strict) return failed(where + ": job '" + job.type + "' has no mock (--strict)");
      c = runtime::CompleteJob{job.key, json::object()};
    } else if (mock.value("hold", false)) {
      // A stuck job: leased for good, never answered (the repair steps act on it).
      auto r = store_.relock_job(job.key, "scenario", kHeldUntil, clock_.now_millis());
      if (!r) return failed(where + ": holding job '" + job.type + "': " + r.error().message);
      return true;
    } else if (attempts_[job.type] < mock.value("fail", 0)) {
      ++attempts_[job.type];
      c = runtime::FailJob{job.key, "mocked failure"};
    } else if (mock.contains("error")) {
      c = runtime::ThrowError{job.element_instance, mock["error"].get<std::string>(),
                              mock.value("variables", json::object())};
    } else {
      c = runtime::CompleteJob{job.key, mock.value("output", json::object())};
    }
    if (auto r = processor_.command(job.instance_id, c); !r)
      return failed(where + ": " + r.error().message);
    return true;
  }

  bool step(const json& s, const std::string& where) {
    // First: failJob's "message" is not a message step.
    if (auto done = operator_step(s, where)) return *done;
    if (s.contains("expectTasks")) {  // as sets: a multi-instance task is listed once
      auto expected = s["expectTasks"].get<std::vector<std::string>>();
      auto open = open_waits(s.value("businessKey", json()));
      if (set_of(expected) != set_of(open)) {
        return failed(where + " (expectTasks): expected open " + set_of(expected) +
                      ", but open are " + set_of(open) + incidents_text());
      }
      return true;
    }
    if (s.contains("expectTaskCount")) {  // {"review": 5}: how many of each are open
      const auto open = open_waits(s.value("businessKey", json()));
      for (const auto& [id, n] : s["expectTaskCount"].items()) {
        const auto count = std::count(open.begin(), open.end(), id);
        if (count != n.get<long>())
          return failed(where + " (expectTaskCount): expected " + n.dump() + " open '" + id +
                        "', but " + std::to_string(count) + " are open; open are " + list(open));
      }
      return true;
    }
    if (s.contains("complete")) {
      const std::string id = s["complete"];
      auto at = find_element(id, true, s.value("businessKey", json()));
      if (!at)
        return failed(where + " (complete): '" + id + "' is not waiting; open are " +
                      list(open_waits()) + incidents_text());
      return command(at->first,
                     runtime::CompleteWait{at->second, s.value("variables", json::object())},
                     where);
    }
    if (s.contains("message")) {
      exec::Processor::MessageAddress to{s.value("correlationKey", ""), s.value("businessKey", ""),
                                         s.value("processVariables", json::object())};
      auto r =
          processor_.publish_message(s["message"], to, s.value("variables", json::object()), 0);
      if (s.contains("expectError")) {  // the message must be refused, with these words
        const std::string words = s["expectError"];
        if (r) return failed(where + ": expected the message to be refused (" + words + ")");
        if (r.error().message.find(words) == std::string::npos)
          return failed(where + ": refused, but not with '" + words + "': " + r.error().message);
        return settle(where);
      }
      if (!r && r.error().code == Errc::NotFound) {
        return failed(
            where + ": no one waits for message '" + s["message"].get<std::string>() + "'" +
            (to.correlation_key.empty() ? ""
                                        : " with correlation key '" + to.correlation_key + "'") +
            (to.business_key.empty() ? "" : " and business key '" + to.business_key + "'"));
      }
      if (!r) return failed(where + ": " + r.error().message);
      return settle(where);
    }
    if (s.contains("start")) {  // another instance, beside the scenario's own
      const json start = s["start"];
      auto id = processor_.start(start.value("process", process_),
                                 start.value("variables", json::object()),
                                 start.value("businessKey", ""), start.value("event", ""));
      if (!id) return failed(where + " (start): " + id.error().message);
      return settle(where);
    }
    if (s.contains("signal")) {
      const std::string name = s["signal"];
      auto r = processor_.broadcast_signal(name, s.value("variables", json::object()));
      if (!r) return failed(where + ": " + r.error().message);
      if (r->delivered.empty() && r->started.empty())
        return failed(where + ": no one waits for signal '" + name + "'");
      return settle(where);
    }
    if (s.contains("advance")) return advance(s["advance"].get<std::string>(), where);
    if (s.contains("deploy")) return deploy(s["deploy"], where);
    if (s.contains("migrate")) return migrate(s["migrate"], where);
    if (s.contains("throwError")) {
      const std::string id = s["throwError"];
      auto at = find_element(id, false);
      if (!at) return failed(where + " (throwError): '" + id + "' is not active");
      return command(at->first,
                     runtime::ThrowError{at->second, s.value("code", ""),
                                         s.value("variables", json::object())},
                     where);
    }
    if (s.contains("expectVariables")) {
      const json vars =
          s.contains("businessKey") ? variables_of(s["businessKey"]) : root_variables();
      if (!subset(s["expectVariables"], vars)) {
        return failed(where + " (expectVariables): expected " + s["expectVariables"].dump() +
                      " within " + vars.dump());
      }
      return true;
    }
    return failed(where + ": unknown step " + s.dump() +
                  " (known: expectTasks, expectTaskCount, complete, message, start, signal, "
                  "advance, throwError, expectVariables, deploy, migrate, modify, setVariables, "
                  "removeVariables, completeJob, failJob, jobRetries, retryIncident)");
  }

  // {"deploy": "v2.bpmn"} or a list: more files (a process's next version), beside the scenario.
  bool deploy(const json& names, const std::string& where) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& n : names.is_array() ? names : json::array({names})) {
      if (!n.is_string()) return failed(where + " (deploy): name files as strings");
      const fs::path file = fs::path(report_.file).parent_path() / n.get<std::string>();
      auto bytes = slurp(file);
      if (!bytes) return failed(where + " (deploy): " + bytes.error().message);
      files.emplace_back(file.string(), std::move(*bytes));
    }
    auto r = processor_.deploy(files);
    if (!r) return failed(where + " (deploy): " + r.error().message);
    return true;
  }

  // {"migrate": {"to": 2, "from": 1, "process": "p", "map": {"old": "new"}, "timers": "keep",
  //  "timerRules": {"t": "rebase"}, "expect": "refused", "expectReason": "words"}}: a dry run,
  // then the real run, of every active instance of the process on version `from` (default:
  // the one below `to`). Each instance must come out as `expect` says (default: migrated), the
  // dry run must agree with the real run, and the trace shows what moved.
  bool migrate(const json& m, const std::string& where) {
    if (!m.is_object()) return failed(where + " (migrate): give an object, e.g. {\"to\": 2}");
    json request = m;
    if (!request.contains("process")) request["process"] = process_;
    if (!request.contains("from") && request.value("to", 0) > 1)
      request["from"] = request["to"].get<int>() - 1;
    for (const char* k : {"expect", "expectReason", "reason"}) request.erase(k);
    auto parsed = exec::migration_request_from_json(request);
    if (!parsed) return failed(where + " (migrate): " + parsed.error().message);
    auto prepared = processor_.prepare_migration(*parsed);
    if (!prepared) return failed(where + " (migrate): " + prepared.error().message);
    auto ids = processor_.migration_candidates(*prepared, exec::InstanceQuery{});
    if (!ids) return failed(where + " (migrate): " + ids.error().message);
    if (ids->empty())
      return failed(where + " (migrate): no active instance of version " +
                    std::to_string(parsed->from) + " to migrate");
    const std::string want = m.value("expect", "migrated");
    const std::string reason = m.value("reason", "scenario");
    for (Key id : *ids) {
      auto dry = processor_.migrate(id, *prepared, true, reason);
      if (!dry) return failed(where + " (migrate): " + dry.error().message);
      auto real = processor_.migrate(id, *prepared, false, reason);
      if (!real) return failed(where + " (migrate): " + real.error().message);
      const std::string said = dry->outcome == "migrates" ? "migrated" : dry->outcome;
      if (said != real->outcome || dry->reason != real->reason || dry->report != real->report)
        return failed(where + " (migrate): the dry run said " + dry->to_json().dump() +
                      ", the run did " + real->to_json().dump());
      if (real->outcome != want)
        return failed(where + " (migrate): expected " + want + ", but the instance was " +
                      real->outcome + (real->reason.empty() ? "" : ": " + real->reason));
      if (m.contains("expectReason") &&
          real->reason.find(m["expectReason"].get<std::string>()) == std::string::npos)
        return failed(where + " (migrate): expected the reason to say '" +
                      m["expectReason"].get<std::string>() + "', but it says: " + real->reason);
      if (real->outcome != "migrated")
        report_.trace.push_back("(migration of " + process_of(id) + " " + real->outcome + ": " +
                                real->reason + ")");
    }
    return settle(where);
  }

  std::string process_of(Key id) {
    for (const auto& i : instances())
      if (i.id == id) return i.state.process->id;
    return std::to_string(id);
  }

  // Operator steps (docs/operations.md): modification and repair, as `elva modify`, `elva job`
  // and `elva variables` do them. nullopt: not an operator step. With "expectError" the step
  // passes only when the action is refused with those words (and nothing changed).
  std::optional<bool> operator_step(const json& s, const std::string& where) {
    const std::string reason = s.value("reason", std::string("scenario"));
    const json business_key = s.value("businessKey", json());
    std::optional<std::pair<Key, runtime::Command>> c;
    std::string what;
    std::optional<Error> refused;  // the step itself cannot be applied
    if (s.contains("modify")) {
      const json m = s["modify"];
      what = "modify";
      runtime::ModifyInstance cmd;
      cmd.cancel = m.value("cancel", std::vector<std::string>());
      cmd.start_before = m.value("startBefore", std::vector<std::string>());
      cmd.start_after = m.value("startAfter", std::vector<std::string>());
      cmd.variables = m.value("variables", json::object());
      cmd.reason = reason;
      c.emplace(instance_for(business_key), std::move(cmd));
    } else if (s.contains("setVariables") || s.contains("removeVariables")) {
      const bool set = s.contains("setVariables");
      what = set ? "setVariables" : "removeVariables";
      Key instance = instance_for(business_key), scope = 0;
      if (s.contains("scope")) {
        auto at = find_element(s["scope"].get<std::string>(), false, business_key);
        if (!at)
          return failed(where + " (" + what + "): scope '" + s["scope"].get<std::string>() +
                        "' is not active");
        instance = at->first;
        scope = at->second;
      }
      if (set)
        c.emplace(instance, runtime::SetVariables{scope, s["setVariables"], reason});
      else
        c.emplace(instance,
                  runtime::RemoveVariables{
                      scope, s["removeVariables"].get<std::vector<std::string>>(), reason});
    } else if (s.contains("completeJob") || s.contains("failJob") || s.contains("jobRetries")) {
      what = s.contains("completeJob") ? "completeJob"
             : s.contains("failJob")   ? "failJob"
                                       : "jobRetries";
      const std::string id = s[what];
      auto job = find_job(id, business_key);
      if (!job) {
        refused = Error{Errc::NotFound, "'" + id + "' has no open job", {}};
      } else if (what == "completeJob")
        c.emplace(job->first,
                  runtime::CompleteJob{job->second, s.value("variables", json::object()), reason});
      else if (what == "failJob")
        c.emplace(job->first, runtime::FailJob{job->second, s.value("message", "failed by hand"),
                                               -1, s.value("retries", -1), reason});
      else
        c.emplace(job->first, runtime::SetJobRetries{job->second, s.value("retries", 1),
                                                     s.value("resolveIncident", false), reason});
    } else if (s.contains("retryIncident")) {
      what = "retryIncident";
      const std::string id = s["retryIncident"];
      for (const auto& i : open_incidents()) {
        if (i.element_id == id) c.emplace(i.instance_id, runtime::ResolveIncident{i.key});
      }
      if (!c) return failed(where + " (retryIncident): no open incident at '" + id + "'");
    } else {
      return std::nullopt;
    }
    Result<void> r =
        refused ? Result<void>(fail(*refused)) : processor_.command(c->first, c->second);
    if (s.contains("expectError")) {
      const std::string words = s["expectError"];
      if (r) return failed(where + " (" + what + "): expected it to be refused (" + words + ")");
      if (r.error().message.find(words) == std::string::npos)
        return failed(where + " (" + what + "): refused, but not with '" + words +
                      "': " + r.error().message);
      return settle(where);
    }
    if (!r) return failed(where + " (" + what + "): " + r.error().message);
    return settle(where);
  }

  // The scenario's instance, or the (oldest) one with this business key.
  Key instance_for(const json& business_key) {
    if (!business_key.is_string()) return root_;
    for (const auto& i : instances())
      if (i.state.business_key == business_key.get<std::string>()) return i.id;
    return root_;
  }

  // (instance, job key) of the first open job of this element.
  std::optional<std::pair<Key, Key>> find_job(const std::string& id, const json& business_key) {
    for (const auto& i : instances()) {
      if (!active(i)) continue;
      if (business_key.is_string() && i.state.business_key != business_key.get<std::string>())
        continue;
      for (const auto& [key, job] : i.state.jobs) {
        auto el = i.state.elements.find(job.element_instance);
        if (el != i.state.elements.end() && i.state.process->elements[el->second.element].id == id)
          return std::make_pair(i.id, key);
      }
    }
    return std::nullopt;
  }

  // Moves the virtual clock, firing due timers (of every instance, and timer start events) in
  // due order, each at its own due time.
  bool advance(const std::string& text, const std::string& where) {
    auto d = iso8601::parse_duration(text);
    if (!d)
      return failed(where + " (advance): '" + text + "' is not an ISO 8601 duration such as P5D");
    const std::int64_t target =
        iso8601::add(clock_.now_millis(), *d);  // calendar months, as timers
    for (int guard = 0; guard < 100000; ++guard) {
      auto next = store_.next_timer_due();
      if (!next) return failed(next.error().message);
      if (!*next || **next > target) break;
      clock_.set(std::max(clock_.now_millis(), **next));
      if (!settle(where)) return false;
    }
    clock_.set(target);
    return settle(where);
  }

  const store::InstanceRow* root_row() {
    auto row = store_.instance(root_);
    if (!row || !*row) return nullptr;
    root_row_ = **row;
    return &root_row_;
  }

  json root_variables() {
    const auto* row = root_row();
    return row ? row->variables : json::object();
  }

  // The process variables of the (oldest) instance with this business key.
  json variables_of(const json& business_key) {
    for (const auto& i : instances())
      if (business_key.is_string() && i.state.business_key == business_key.get<std::string>())
        return i.state.variables;
    return json::object();
  }

  std::vector<std::string> completed() {
    std::vector<std::string> out;
    for (const auto& i : instances()) {
      auto history = store_.history(i.id);
      if (!history) continue;
      for (const auto& h : *history)
        if (h.kind == "completed") out.push_back(h.element_id);
    }
    return out;
  }

  void check_expect(const json& e) {
    const auto* root = root_row();
    if (!root) return (void)failed("the scenario's instance is gone from the store");
    const std::vector<std::string> done = completed();
    const auto incidents = open_incidents();
    if (e.contains("state")) {
      const std::string actual = root->status != "active" ? root->status
                                 : !incidents.empty()     ? "incident"
                                                          : "active";
      if (actual != e["state"])
        failed("expect.state: expected " + e["state"].get<std::string>() +
               ", but the instance is " + actual + incidents_text());
    }
    for (const auto& id : e.value("completed", json::array())) {
      if (std::find(done.begin(), done.end(), id.get<std::string>()) == done.end()) {
        failed("expect.completed: '" + id.get<std::string>() +
               "' never completed; completed were " + list(done));
      }
    }
    for (const auto& id : e.value("notCompleted", json::array())) {
      if (std::find(done.begin(), done.end(), id.get<std::string>()) != done.end())
        failed("expect.notCompleted: '" + id.get<std::string>() + "' completed");
    }
    if (e.contains("variables") && !subset(e["variables"], root->variables)) {
      failed("expect.variables: expected " + e["variables"].dump() + " within " +
             root->variables.dump());
    }
    for (const auto& name : e.value("absentVariables", json::array())) {
      if (root->variables.contains(name.get<std::string>())) {
        failed("expect.absentVariables: '" + name.get<std::string>() +
               "' is a process variable: " + root->variables[name.get<std::string>()].dump());
      }
    }
    if (e.contains("openTasks")) {
      auto expected = e["openTasks"].get<std::vector<std::string>>();
      if (set_of(expected) != set_of(open_waits()))
        failed("expect.openTasks: expected " + set_of(expected) + ", but open are " +
               set_of(open_waits()));
    }
    if (e.contains("openTaskCount")) {
      const auto open = open_waits();
      for (const auto& [id, n] : e["openTaskCount"].items()) {
        const auto count = std::count(open.begin(), open.end(), id);
        if (count != n.get<long>())
          failed("expect.openTaskCount: expected " + n.dump() + " open '" + id + "', but " +
                 std::to_string(count) + " are open");
      }
    }
    if (e.contains("incidents")) {
      auto expected = e["incidents"].get<std::vector<std::string>>();
      std::vector<std::string> at;
      for (const auto& i : incidents) at.push_back(i.element_id);
      if (list(expected) != list(at))
        failed("expect.incidents: expected incidents at " + list(expected) + ", but they are at " +
               list(at) + incidents_text());
    }
  }

  const json& sc_;
  store::Store& store_;
  const ScenarioOptions& options_;
  ScenarioReport& report_;
  exec::ManualClock clock_;
  exec::Processor processor_;
  Key root_ = 0, first_ = 0;
  std::string process_;  // the scenario's process
  store::InstanceRow root_row_;
  json mocks_ = json::object();
  std::map<std::string, int> attempts_;
  std::map<Key, std::size_t> key_names_;
};

}  // namespace

Result<ScenarioReport> run_scenario_on(const std::string& path, store::Store& store,
                                       const ScenarioOptions& options) {
  auto text = slurp(path);
  if (!text) return fail(text.error());
  JsonLimits limits;
  limits.comments = true;
  auto parsed = parse_json(*text, limits, path);
  if (!parsed) return fail(parsed.error());
  json sc = std::move(*parsed);
  if (!sc.is_object()) return fail(Errc::InvalidArgument, path + ": not a JSON object");
  ScenarioReport report;
  report.file = path;
  report.name = sc.value("name", fs::path(path).stem().string());
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : sc.value("files", json::array())) {
    const fs::path file = fs::path(path).parent_path() / f.get<std::string>();
    auto bytes = slurp(file);
    if (!bytes) return fail(bytes.error());
    files.emplace_back(file.string(), std::move(*bytes));
  }
  Runner(sc, store, options, report).run(files);
  check_golden(path, options, report);
  report.passed = report.failures.empty();
  return report;
}

void check_golden(const std::string& path, const ScenarioOptions& options, ScenarioReport& report) {
  if (options.golden == ScenarioOptions::Golden::Ignore) return;
  const std::string golden = golden_trace_path(path);
  std::string text;
  for (const auto& line : report.trace) text += line + "\n";
  if (options.golden == ScenarioOptions::Golden::Update) {
    if (!report.failures.empty()) return;  // a failing scenario's trace is no reference
    auto old = slurp(golden);
    if (old && *old == text) return;
    std::ofstream out(golden, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out)
      report.failures.push_back(golden + ": cannot be written");
    else
      report.trace_written = true;
    return;
  }
  auto expected = slurp(golden);
  if (!expected) {
    if (options.require_trace)
      report.failures.push_back(golden +
                                ": no golden trace (write it with `elva test --update-traces`)");
    return;
  }
  if (*expected == text) return;
  std::vector<std::string> want;
  std::istringstream in(*expected);
  for (std::string line; std::getline(in, line);) want.push_back(line);
  std::size_t i = 0;
  while (i < want.size() && i < report.trace.size() && want[i] == report.trace[i]) ++i;
  std::string msg =
      golden + ":" + std::to_string(i + 1) + ": the trace differs from the golden trace";
  msg += "\n        expected: " + (i < want.size() ? want[i] : std::string("(end of trace)"));
  msg += "\n        actual:   " +
         (i < report.trace.size() ? report.trace[i] : std::string("(end of trace)"));
  msg += "\n      (`elva test --trace` shows the whole trace; `--update-traces` accepts it)";
  report.failures.push_back(std::move(msg));
}

}  // namespace elva::testkit
