// Processor (processor.hpp): a Unit is one transaction's work. It loads instances on demand,
// steps them, turns their events into rows and follow-up work (children of call activities,
// message and signal routing, buffered messages), and writes everything in one batch.
#include "sched/processor.hpp"

#include <deque>
#include <functional>

#include "common/iso8601.hpp"
#include "expr/feel.hpp"
#include "dmn/dmn.hpp"
#include "forms/forms.hpp"
#include "parse/reader.hpp"
#include "parse/validate.hpp"
#include "runtime/state_json.hpp"
#include "runtime/step.hpp"
#include "runtime/timers.hpp"

namespace elva::sched {
namespace {

using nlohmann::json;
using runtime::InstanceState;
using runtime::InstanceStatus;

constexpr std::int64_t kThrownMessageTtl = 3'600'000;  // a message thrown by a process waits an hour
constexpr std::int64_t kWakeHorizon = 2'000;  // timers due sooner than this wake the schedulers

// Thrown inside DurableEnv::next_key when a key block cannot be reserved; caught by the Unit.
struct KeysUnavailable {
  Error error;
};

const char* status_text(InstanceStatus s) {
  switch (s) {
    case InstanceStatus::Active: return "active";
    case InstanceStatus::Completed: return "completed";
    case InstanceStatus::Terminated: return "terminated";
  }
  return "active";
}

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

bool waits_for_message(const InstanceState& s, const std::string& name, const std::string& key) {
  if (s.status != InstanceStatus::Active) return false;
  for (const auto& [k, sub] : s.subscriptions) {
    if (!sub.signal && sub.condition.empty() && sub.name == name && (sub.correlation_key.empty() || sub.correlation_key == key)) return true;
  }
  return false;
}

bool waits_for_signal(const InstanceState& s, const std::string& name) {
  if (s.status != InstanceStatus::Active) return false;
  for (const auto& [k, sub] : s.subscriptions) if (sub.signal && sub.name == name) return true;
  return false;
}

}  // namespace

std::int64_t Processor::now_millis() { return iso8601::now_millis(); }

class Processor::Unit {
 public:
  Unit(Processor& p, store::Tx& tx) : p_(p), tx_(tx), env_(p, tx, now_millis()) {}

  struct Loaded {
    InstanceState state;
    std::int64_t definition_id = 0;
    std::uint64_t loaded_version = 0;
    bool is_new = false;
  };

  store::Tx& tx() { return tx_; }

  std::size_t history_size() const { return batch_.history.size(); }

  // An operator's or worker's command, in history with who gave it, before what it caused
  // (`at`: the history length before the command ran).
  void note(Key instance, const runtime::Command& command, std::size_t at) {
    static constexpr const char* kNames[] = {"start", "complete job", "fail job", "complete", "fire timer", "correlate message",
                                             "broadcast signal", "throw error", "retry incident", "complete call", "cancel",
                                             "set variables", "raise incident"};
    static_assert(std::size(kNames) == std::variant_size_v<runtime::Command>, "a name per command");
    auto it = loaded_.find(instance);
    if (it == loaded_.end()) return;
    json data = {{"command", kNames[command.index()]}};
    if (const auto* f = std::get_if<runtime::FailJob>(&command)) data["message"] = f->message;
    batch_.history.insert(batch_.history.begin() + static_cast<std::ptrdiff_t>(at),
                          store::HistoryRow{instance, p_.actor_, "command", "", std::move(data), ""});
  }

  // What an instance started in this unit looks like now.
  StartedInstance started(Key id, int version) const {
    StartedInstance out;
    const auto* l = loaded(id);
    if (!l) return out;
    out.id = id;
    out.version = version;
    out.status = status_text(l->state.status);
    out.incidents = static_cast<int>(l->state.incidents.size());
    for (const auto& [key, el] : l->state.elements) {
      const auto& e = l->state.process->elements[el.element];
      out.active.push_back({{"element", e.id}, {"type", std::string(model::bpmn_name(e.type))}, {"elementInstance", key}, {"waiting", el.waiting}});
    }
    return out;
  }
  const Loaded* loaded(Key id) const {
    auto it = loaded_.find(id);
    return it == loaded_.end() ? nullptr : &it->second;
  }
  std::int64_t now() const { return env_.now_millis(); }
  MessageOutcome message_outcome;
  SignalOutcome signal_outcome;

  Result<Loaded*> load(Key id) {
    if (auto it = loaded_.find(id); it != loaded_.end()) return &it->second;
    auto snap = tx_.load_instance(id);
    if (!snap) return fail(snap.error());
    if (!*snap) return fail(Errc::NotFound, "there is no process instance " + std::to_string(id));
    return place(**snap);
  }

  // Loads the instances a batch of commands is for, in one query.
  Result<void> preload(const std::vector<Key>& ids) {
    std::vector<Key> wanted;
    for (Key id : ids) if (!loaded_.count(id)) wanted.push_back(id);
    if (wanted.empty()) return {};
    auto snaps = tx_.load_instances(wanted);
    if (!snaps) return fail(snaps.error());
    for (const auto& snap : *snaps) {
      if (auto r = place(snap); !r) return fail(r.error());
    }
    return {};
  }

  Result<Loaded*> place(const store::InstanceSnapshot& snap) {
    auto process = p_.process(tx_, snap.definition_id);
    if (!process) return fail(process.error());
    Loaded l;
    l.state.process = *process;
    l.definition_id = snap.definition_id;
    l.loaded_version = snap.version;
    if (auto r = runtime::state_from_json(snap.state, l.state); !r) return fail(r.error());
    return &loaded_.emplace(snap.id, std::move(l)).first->second;
  }

  Result<Key> start(std::int64_t definition_id, const runtime::StartInstance& command) {
    auto process = p_.process(tx_, definition_id);
    if (!process) return fail(process.error());
    Loaded l;
    l.state.process = *process;
    l.definition_id = definition_id;
    l.is_new = true;
    auto r = step(l, command);
    if (!r) return fail(r.error());
    const Key id = l.state.key;
    auto& placed = loaded_.emplace(id, std::move(l)).first->second;
    if (auto h = handle(placed, *r); !h) return fail(h.error());
    return id;
  }

  // The latest version of a process: from the processor's cache when it has it, in which case
  // the batch checks at commit that it is still the latest (else Conflict, and the retry asks
  // the database). Saves a round trip per start.
  Result<std::pair<std::int64_t, int>> latest(const std::string& process_id) {
    if (auto it = p_.latest_.find(process_id); it != p_.latest_.end()) {
      batch_.assumed_latest.emplace_back(process_id, it->second.second);
      return it->second;
    }
    auto def = tx_.latest_definition(process_id);
    if (!def) return fail(def.error());
    if (!*def) return fail(Errc::NotFound, "no process '" + process_id + "' is deployed (see `elva definitions`; deploy it with `elva deploy FILE`)");
    const std::pair<std::int64_t, int> found{(*def)->id, (*def)->version};
    p_.latest_[process_id] = found;
    return found;
  }

  Result<Key> start_latest(const std::string& process_id, const runtime::StartInstance& command) {
    auto def = latest(process_id);
    if (!def) return fail(def.error());
    return start(def->first, command);
  }

  Result<void> exec(Key id, const runtime::Command& command) {
    auto l = load(id);
    if (!l) return fail(l.error());
    auto r = step(**l, command);
    if (!r) return fail(r.error());
    return handle(**l, *r);
  }

  // Follow-up work, in order; a follow-up that no longer fits (the instance moved on) is skipped.
  Result<void> drain() {
    for (int guard = 0; !followups_.empty(); ++guard) {
      if (guard > 100000) return fail(Errc::Internal, "a command caused more than 100000 follow-ups (a loop between processes?)");
      auto next = std::move(followups_.front());
      followups_.pop_front();
      auto r = next();
      if (!r && r.error().code != Errc::NotFound && r.error().code != Errc::InvalidArgument) return r;
    }
    return {};
  }

  Result<void> route_message(Key from, const std::string& name, const std::string& key, const json& vars, std::int64_t ttl) {
    for (auto& [id, l] : loaded_) {
      if (id == from || !waits_for_message(l.state, name, key)) continue;
      message_outcome.correlated.push_back(id);
      return exec(id, runtime::CorrelateMessage{name, key, vars});
    }
    std::vector<Key> skip;
    for (const auto& [id, l] : loaded_) skip.push_back(id);
    auto waiting = tx_.message_subscriber(name, key, skip);
    if (!waiting) return fail(waiting.error());
    if (*waiting) {
      message_outcome.correlated.push_back(**waiting);
      return exec(**waiting, runtime::CorrelateMessage{name, key, vars});
    }
    auto starts = tx_.start_events("message", name);
    if (!starts) return fail(starts.error());
    if (!starts->empty()) {
      auto id = start(starts->front().definition_id, runtime::StartInstance{vars, key, 0, 0, starts->front().element_id});
      if (!id) return fail(id.error());
      message_outcome.started.push_back(*id);
      return {};
    }
    if (ttl <= 0) {
      return fail(Errc::NotFound, "no instance waits for message '" + name + "'" + (key.empty() ? "" : " with correlation key '" + key + "'") +
                                      " and no process starts with it; give it a time to live (--ttl PT1H on the command line, \"ttl\" in the API) to keep it for a later catch");
    }
    message_outcome.buffered = true;
    return tx_.buffer_message(store::BufferedMessage{0, name, key, vars}, now() + ttl);
  }

  Result<void> route_signal(Key from, const std::string& name, const json& vars) {
    std::vector<Key> targets;
    for (const auto& [id, l] : loaded_) if (id != from && waits_for_signal(l.state, name)) targets.push_back(id);
    auto stored = tx_.signal_subscribers(name);
    if (!stored) return fail(stored.error());
    for (Key id : *stored) if (id != from && !loaded_.count(id)) targets.push_back(id);
    for (Key id : targets) {
      auto l = load(id);
      if (!l) return fail(l.error());
      if (!waits_for_signal((*l)->state, name)) continue;
      signal_outcome.delivered.push_back(id);
      if (auto r = exec(id, runtime::BroadcastSignal{name, vars}); !r) return r;
    }
    auto starts = tx_.start_events("signal", name);
    if (!starts) return fail(starts.error());
    for (const auto& s : *starts) {
      auto id = start(s.definition_id, runtime::StartInstance{vars, "", 0, 0, s.element_id});
      if (!id) return fail(id.error());
      signal_outcome.started.push_back(*id);
    }
    return {};
  }

  // Everything loaded and changed, with its rows, in one batch.
  Result<void> flush() {
    for (auto& [id, l] : loaded_) {
      if (!l.is_new && l.state.version == l.loaded_version) continue;
      store::Batch::Instance row;
      row.snapshot = {id, l.definition_id, l.state.version, runtime::state_to_json(l.state)};
      row.expected_version = l.loaded_version;
      row.is_new = l.is_new;
      row.process_id = l.state.process->id;
      row.business_key = l.state.business_key;
      row.status = status_text(l.state.status);
      row.parent_id = l.state.parent_instance;
      row.parent_element = l.state.parent_element;
      row.ended = l.state.status != InstanceStatus::Active;
      batch_.instances.push_back(std::move(row));
    }
    for (auto& [key, j] : jobs_added_) batch_.jobs_added.push_back(std::move(j));
    for (auto& [key, t] : timers_added_) {
      batch_.wake |= t.due - now() < kWakeHorizon;
      batch_.timers_added.push_back(std::move(t));
    }
    for (auto& [key, s] : subs_added_) batch_.subscriptions_added.push_back(std::move(s));
    for (auto& [key, i] : incidents_added_) batch_.incidents_added.push_back(std::move(i));
    for (auto& [key, t] : tasks_added_) batch_.user_tasks_added.push_back(std::move(t));
    if (batch_.empty()) return {};
    batch_.actor = p_.actor_;
    return tx_.write(batch_);
  }

 private:
  // Business rule tasks: the latest deployed version of each decision, parsed once per version.
  class StoreDecisions : public runtime::DecisionService {
   public:
    StoreDecisions(Processor& p, store::Tx& tx) : p_(p), tx_(tx) {}
    Result<json> evaluate(const std::string& decision_id, const json& variables, const std::string& map_result,
                          std::int64_t now_millis) const override {
      auto latest = tx_.latest_decision(decision_id, false);
      if (!latest) return fail(latest.error());
      if (!*latest) return fail(Errc::NotFound, "no DMN decision '" + decision_id + "' is deployed (deploy its .dmn file with the process)");
      auto& model = p_.decisions_[(*latest)->id];
      if (!model) {
        auto full = tx_.latest_decision(decision_id, true);
        if (!full || !*full) return fail(Errc::Internal, "decision '" + decision_id + "' vanished while being read");
        auto read = dmn::read_dmn((*full)->file, (*full)->source);
        if (!read.model) return fail(Errc::Internal, "the stored DMN file " + (*full)->file + " no longer reads");
        model = read.model;
      }
      return dmn::evaluate_mapped(*model, decision_id, variables, map_result, now_millis);
    }

   private:
    Processor& p_;
    store::Tx& tx_;
  };

  class DurableEnv : public runtime::Env {
   public:
    DurableEnv(Processor& p, store::Tx& tx, std::int64_t now) : p_(p), tx_(tx), now_(now), decisions_(p, tx) {}
    std::int64_t now_millis() const override { return now_; }
    const runtime::DecisionService* decisions() const override { return &decisions_; }
    Key next_key() override {
      if (p_.next_key_ >= p_.last_key_) {
        auto block = tx_.reserve_keys();
        if (!block) throw KeysUnavailable{block.error()};
        p_.next_key_ = *block;
        p_.last_key_ = *block + 4096;
      }
      return p_.next_key_++;
    }

   private:
    Processor& p_;
    store::Tx& tx_;
    std::int64_t now_;
    StoreDecisions decisions_;
  };

  Result<runtime::StepResult> step(Loaded& l, const runtime::Command& command) {
    try {
      return runtime::step(l.state, command, env_);
    } catch (const KeysUnavailable& e) {
      return fail(e.error);
    }
  }

  std::string element_id(const InstanceState& s, Key element_instance) const {
    auto it = s.elements.find(element_instance);
    return it == s.elements.end() ? std::string() : s.process->elements[it->second.element].id;
  }

  void history(const InstanceState& s, std::string kind, std::string element, json data = nullptr) {
    batch_.history.push_back({s.key, p_.actor_, std::move(kind), std::move(element), std::move(data), ""});
  }

  template <typename Map, typename Row>
  static void add_row(Map& added, Key key, Row row) { added[key] = std::move(row); }
  // A task created in this unit and ended in it leaves no row; otherwise its row is closed.
  void end_task(Key key, bool completed) {
    if (tasks_added_.erase(key) == 0) batch_.user_tasks_ended.push_back({key, completed});
  }
  template <typename Map>
  static void remove_row(Map& added, std::vector<Key>& removed, Key key) {
    if (added.erase(key) == 0) removed.push_back(key);
  }

  // Rows, history and follow-ups for the events of one step.
  Result<void> handle(Loaded& l, const runtime::StepResult& result) {
    const InstanceState& s = l.state;
    const auto& elements = s.process->elements;
    for (const auto& event : result.events) {
      std::visit([&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, runtime::InstanceStarted>) {
          history(s, "started", "", {{"businessKey", e.business_key}, {"definition", l.definition_id}});
        } else if constexpr (std::is_same_v<T, runtime::ElementActivated>) {
          history(s, "activated", elements[e.element].id);
        } else if constexpr (std::is_same_v<T, runtime::ElementCompleted>) {
          history(s, "completed", elements[e.element].id);
          if (elements[e.element].type == model::ElementType::UserTask) end_task(e.key, true);
        } else if constexpr (std::is_same_v<T, runtime::ElementTerminated>) {
          history(s, "terminated", elements[e.element].id);
          if (elements[e.element].type == model::ElementType::UserTask) end_task(e.key, false);
        } else if constexpr (std::is_same_v<T, runtime::UserTaskCreated>) {
          const auto& el = elements[e.element];
          store::Batch::UserTask t;
          t.key = e.element_instance;
          t.instance_id = s.key;
          t.process_id = s.process->id;
          t.process_name = s.process->name;
          t.element_id = el.id;
          t.name = el.name;
          t.documentation = el.documentation;
          t.business_key = s.business_key;
          t.assignee = e.assignee;
          t.candidate_users = e.candidate_users;
          t.candidate_groups = e.candidate_groups;
          t.due = e.due;
          t.follow_up = e.follow_up;
          t.priority = e.priority;
          t.form_key = e.form_key;
          add_row(tasks_added_, t.key, std::move(t));
        } else if constexpr (std::is_same_v<T, runtime::VariablesSet>) {
          history(s, "variables", "", e.variables);
        } else if constexpr (std::is_same_v<T, runtime::JobCreated>) {
          add_row(jobs_added_, e.job.key, store::JobRow{e.job.key, s.key, e.job.element_instance, element_id(s, e.job.element_instance),
                                                        e.job.type, e.job.retries, e.job.due, e.job.input, "", 0});
        } else if constexpr (std::is_same_v<T, runtime::JobRemoved>) {
          remove_row(jobs_added_, batch_.jobs_removed, e.key);
        } else if constexpr (std::is_same_v<T, runtime::TimerScheduled>) {
          add_row(timers_added_, e.timer.key, store::TimerRow{e.timer.key, s.key, l.definition_id, elements[e.timer.event].id, e.timer.due, e.timer.fired});
        } else if constexpr (std::is_same_v<T, runtime::TimerRemoved>) {
          remove_row(timers_added_, batch_.timers_removed, e.key);
        } else if constexpr (std::is_same_v<T, runtime::SubscriptionOpened>) {
          const auto& sub = e.subscription;
          if (!sub.condition.empty()) return;  // conditions live in the snapshot only
          add_row(subs_added_, sub.key, store::Batch::Subscription{sub.key, s.key, elements[sub.event].id, sub.signal, sub.name, sub.correlation_key});
          if (!sub.signal) {
            const Key id = s.key;
            followups_.push_back([this, id, name = sub.name, key = sub.correlation_key]() -> Result<void> {
              auto m = tx_.take_buffered(name, key, now());
              if (!m) return fail(m.error());
              if (!*m) return {};
              return exec(id, runtime::CorrelateMessage{name, (*m)->correlation_key, (*m)->variables});
            });
          }
        } else if constexpr (std::is_same_v<T, runtime::SubscriptionClosed>) {
          // Conditional subscriptions have no row; deleting a missing key is harmless.
          remove_row(subs_added_, batch_.subscriptions_removed, e.key);
        } else if constexpr (std::is_same_v<T, runtime::IncidentRaised>) {
          const auto& i = e.incident;
          add_row(incidents_added_, i.key, store::IncidentRow{i.key, s.key, i.element_instance, element_id(s, i.element_instance), i.message, "", "", ""});
          history(s, "incident", element_id(s, i.element_instance), {{"message", i.message}});
        } else if constexpr (std::is_same_v<T, runtime::IncidentResolved>) {
          remove_row(incidents_added_, batch_.incidents_resolved, e.key);
          history(s, "incident resolved", "", {{"incident", e.key}});
        } else if constexpr (std::is_same_v<T, runtime::CallRequested>) {
          followups_.push_back([this, parent = s.key, call = e.call]() -> Result<void> {
            auto child = start_latest(call.process_id, runtime::StartInstance{call.variables, "", parent, call.element_instance, ""});
            if (child || child.error().code != Errc::NotFound) return child ? Result<void>{} : fail(child.error());
            return exec(parent, runtime::RaiseIncident{call.element_instance, child.error().message});
          });
        } else if constexpr (std::is_same_v<T, runtime::CallClosed>) {
          followups_.push_back([this, parent = s.key, element = e.element_instance]() { return cancel_child(parent, element); });
        } else if constexpr (std::is_same_v<T, runtime::ErrorEscaped>) {
          followups_.push_back([this, parent = s.parent_instance, element = s.parent_element, code = e.code]() {
            return exec(parent, runtime::ThrowError{element, code, json::object()});
          });
        } else if constexpr (std::is_same_v<T, runtime::InstanceCompleted>) {
          history(s, "instance completed", "");
          if (s.parent_instance) {
            followups_.push_back([this, parent = s.parent_instance, element = s.parent_element, vars = s.variables]() {
              return exec(parent, runtime::CompleteCall{element, vars});
            });
          }
        } else if constexpr (std::is_same_v<T, runtime::InstanceTerminated>) {
          history(s, "instance terminated", "");
        } else if constexpr (std::is_same_v<T, runtime::MessagePublished>) {
          history(s, "message published", "", {{"name", e.name}, {"correlationKey", e.correlation_key}});
          followups_.push_back([this, from = s.key, m = e]() { return route_message(from, m.name, m.correlation_key, m.variables, kThrownMessageTtl); });
        } else if constexpr (std::is_same_v<T, runtime::SignalPublished>) {
          history(s, "signal published", "", {{"name", e.name}});
          followups_.push_back([this, from = s.key, sig = e]() { return route_signal(from, sig.name, sig.variables); });
        }
      }, event);
    }
    return {};
  }

  // A call activity ended without its child completing (interrupted): the child is cancelled.
  Result<void> cancel_child(Key parent, Key element) {
    for (auto& [id, l] : loaded_) {
      if (l.state.parent_instance == parent && l.state.parent_element == element) {
        if (l.state.status != InstanceStatus::Active) return {};
        return exec(id, runtime::CancelInstance{});
      }
    }
    auto child = tx_.active_child(parent, element);
    if (!child) return fail(child.error());
    if (!*child) return {};
    return exec(**child, runtime::CancelInstance{});
  }

  Processor& p_;
  store::Tx& tx_;
  DurableEnv env_;
  std::map<Key, Loaded> loaded_;
  std::deque<std::function<Result<void>()>> followups_;
  store::Batch batch_;
  std::map<Key, store::JobRow> jobs_added_;
  std::map<Key, store::TimerRow> timers_added_;
  std::map<Key, store::Batch::Subscription> subs_added_;
  std::map<Key, store::IncidentRow> incidents_added_;
  std::map<Key, store::Batch::UserTask> tasks_added_;
};

Processor::Processor(store::PgStore& store, std::string actor) : store_(store), actor_(std::move(actor)) {}
Processor::~Processor() = default;

Result<std::shared_ptr<const model::ProcessDefinition>> Processor::process(store::Tx& tx, std::int64_t definition_id) {
  if (auto it = cache_.find(definition_id); it != cache_.end()) return it->second;
  auto row = tx.definition(definition_id);
  if (!row) return fail(row.error());
  if (!*row) return fail(Errc::NotFound, "there is no process definition " + std::to_string(definition_id));
  auto read = parse::read_bpmn((*row)->file, (*row)->source, 64u << 20);
  if (!read.definitions) return fail(Errc::Internal, "the stored definition " + std::to_string(definition_id) + " no longer reads");
  const auto* p = read.definitions->find_process((*row)->process_id);
  if (!p) return fail(Errc::Internal, "the stored definition " + std::to_string(definition_id) + " lacks process " + (*row)->process_id);
  std::shared_ptr<const model::ProcessDefinition> shared(read.definitions, p);
  cache_.emplace(definition_id, shared);
  return shared;
}

Result<void> Processor::in_unit(const std::function<Result<void>(Unit&)>& body, const std::function<void(Unit&)>& after) {
  int attempt = 0;
  return store_.transact([&](store::Tx& tx) -> Result<void> {
    if (attempt++ > 0) latest_.clear();  // a conflict may come from a stale latest version
    Unit unit(*this, tx);
    if (auto r = body(unit); !r) return r;
    if (auto r = unit.drain(); !r) return r;
    if (after) after(unit);
    return unit.flush();
  });
}

namespace {
// The deploy-time contract check: each service task naming a connector (elva:connector) in an
// executable process must name a configured connector and operation and map its required inputs.
void check_connectors(const connector::Registry& registry, const std::string& file, const model::Definitions& defs,
                      std::vector<Diagnostic>& out) {
  for (const auto& p : defs.processes) {
    if (!p.executable) continue;
    for (const auto& e : p.elements) {
      if (!e.job || !e.job->connector) continue;
      std::vector<std::string> inputs;
      for (const auto& m : e.inputs) inputs.push_back(m.target);
      if (auto problem = registry.check(e.job->job_type, inputs)) {
        out.push_back({Severity::Error, file, e.pos, e.id, std::string(model::bpmn_name(e.type)), *problem});
      }
    }
  }
}
}  // namespace

Result<DeployReport> Processor::deploy(const std::vector<std::pair<std::string, std::string>>& files) {
  DeployReport report;
  struct Bpmn { std::string file, bytes; std::shared_ptr<const model::Definitions> defs; };
  struct Dmn { std::string file, bytes; std::shared_ptr<const dmn::Model> model; };
  std::vector<Bpmn> parsed;
  std::vector<Dmn> decisions;
  struct FormFile { std::string file, bytes; forms::Form form; };
  std::vector<FormFile> form_files;
  std::string errors;
  auto ends_with = [](const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
  };
  for (const auto& [name, bytes] : files) {
    std::vector<Diagnostic> all;
    if (ends_with(name, ".form") || ends_with(name, ".form.json")) {
      auto doc = json::parse(bytes, nullptr, false);
      auto form = doc.is_discarded() ? Result<forms::Form>(fail(Errc::InvalidArgument, "is not JSON")) : forms::read_form(doc);
      if (!form) {
        errors += (errors.empty() ? "" : "\n") + name + ": form: " + form.error().message;
        continue;
      }
      if (form->id.empty()) {
        // A form without an id is known by its file name ("approve-hire.form" -> approve-hire).
        auto base = name.substr(name.find_last_of('/') + 1);
        form->id = base.substr(0, base.find(".form"));
      }
      form_files.push_back({name, bytes, std::move(*form)});
      continue;
    }
    if (ends_with(name, ".dmn")) {
      auto read = dmn::read_dmn(name, bytes, 64u << 20);
      all = read.diagnostics;
      if (read.model) {
        auto more = dmn::validate(*read.model);
        all.insert(all.end(), more.begin(), more.end());
        decisions.push_back({name, bytes, read.model});
      }
    } else {
      auto read = parse::read_bpmn(name, bytes, 64u << 20);
      all = read.diagnostics;
      if (read.definitions) {
        auto more = parse::validate(*read.definitions);
        all.insert(all.end(), more.begin(), more.end());
        if (connectors_) check_connectors(*connectors_, name, *read.definitions, all);
        parsed.push_back({name, bytes, read.definitions});
        // Forms embedded by Camunda 8 modelers deploy as forms of their own, keyed as Zeebe does.
        for (const auto& p : read.definitions->processes) {
          for (const auto& ef : p.embedded_forms) {
            const std::string where = name + ":" + std::to_string(ef.pos.line) + ": zeebe:userTaskForm '" + ef.id + "'";
            auto doc = json::parse(ef.json, nullptr, false);
            auto form = doc.is_discarded() ? Result<forms::Form>(fail(Errc::InvalidArgument, "is not JSON")) : forms::read_form(doc);
            if (!form) {
              errors += (errors.empty() ? "" : "\n") + where + ": " + form.error().message;
              continue;
            }
            form->id = "camunda-forms:bpmn:" + ef.id;
            form_files.push_back({name, ef.json, std::move(*form)});
          }
        }
      }
    }
    for (auto& d : all) {
      if (d.severity == Severity::Error) errors += (errors.empty() ? "" : "\n") + d.to_string();
      else report.diagnostics.push_back(d);
    }
  }
  if (!errors.empty()) return fail(Errc::ValidationError, "nothing was deployed; fix these first:\n" + errors);
  auto r = store_.transact([&](store::Tx& tx) -> Result<void> {
    report.processes.clear();
    report.decisions.clear();
    json names = json::array();
    for (const auto& f : files) names.push_back(f.first);
    std::int64_t deployment = 0;
    Key timer_keys = 0, timer_keys_end = 0;
    auto deployment_id = [&]() -> Result<std::int64_t> {
      if (deployment == 0) {
        auto d = tx.insert_deployment(actor_, names);
        if (!d) return fail(d.error());
        deployment = *d;
      }
      return deployment;
    };
    report.forms.clear();
    for (const auto& f : form_files) {
      auto dep = deployment_id();
      if (!dep) return fail(dep.error());
      auto v = tx.insert_form(f.form.id, f.file, f.form.schema, hash_of(f.bytes), *dep);
      if (!v) return fail(v.error());
      report.forms.push_back({f.form.id, v->version, 0, v->unchanged, f.file});
    }
    for (const auto& f : decisions) {
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
        store::DefinitionRow row{0, d.id, *latest ? (*latest)->version + 1 : 1, d.name, f.file, f.bytes, hash, ""};
        auto id = tx.insert_decision(row, *dep);
        if (!id) return fail(id.error());
        report.decisions.push_back({d.id, row.version, *id, false, f.file});
      }
    }
    for (const auto& f : parsed) {
      const auto& bytes = f.bytes;
      const auto& defs = f.defs;
      const std::string hash = hash_of(bytes);
      for (const auto& p : defs->processes) {
        if (!p.executable) continue;
        auto latest = tx.latest_definition(p.id);
        if (!latest) return fail(latest.error());
        if (*latest && (*latest)->hash == hash) {
          report.processes.push_back({p.id, (*latest)->version, (*latest)->id, true, f.file});
          continue;
        }
        if (auto dep = deployment_id(); !dep) return fail(dep.error());
        store::DefinitionRow row{0, p.id, *latest ? (*latest)->version + 1 : 1, p.name, f.file, bytes, hash, ""};
        auto id = tx.insert_definition(row, deployment);
        if (!id) return fail(id.error());
        std::vector<store::StartEventRow> starts;
        std::vector<store::TimerRow> timers;
        for (const auto& e : p.elements) {
          if (e.type != model::ElementType::StartEvent || e.scope != model::kNoElement) continue;
          for (const auto& d : e.event()->definitions) {
            if (d.kind == model::EventKind::Message) starts.push_back({*id, p.id, e.id, "message", d.resolved});
            if (d.kind == model::EventKind::Signal) starts.push_back({*id, p.id, e.id, "signal", d.resolved});
            if (d.kind == model::EventKind::Timer) {
              starts.push_back({*id, p.id, e.id, "timer", ""});
              auto due = runtime::first_due_of(d.timer_kind, d.timer_value, now_millis());
              if (!due) return fail(Errc::ValidationError, defs->file + ": timer start event '" + e.id + "': " + due.error().message);
              if (timer_keys == timer_keys_end) {  // one key block serves the whole deployment
                auto block = tx.reserve_keys();
                if (!block) return fail(block.error());
                timer_keys = *block;
                timer_keys_end = *block + 4096;
              }
              timers.push_back({timer_keys++, 0, *id, e.id, *due, 0});
            }
          }
        }
        if (auto rs = tx.replace_start_events(p.id, starts, timers); !rs) return rs;
        report.processes.push_back({p.id, row.version, *id, false, f.file});
      }
    }
    return {};
  });
  if (!r) return fail(r.error());
  return report;
}

Result<Key> Processor::start(const std::string& process_id, const json& variables, const std::string& business_key,
                             const std::string& start_event, StartedInstance* out) {
  Key started = 0;
  int version = 0;
  auto r = in_unit(
      [&](Unit& u) -> Result<void> {
        auto def = u.latest(process_id);
        if (!def) return fail(def.error());
        version = def->second;
        auto id = u.start(def->first, runtime::StartInstance{variables, business_key, 0, 0, start_event});
        if (!id) return fail(id.error());
        started = *id;
        return {};
      },
      [&](Unit& u) {
        if (out) *out = u.started(started, version);
      });
  if (!r) return fail(r.error());
  return started;
}

Result<void> Processor::command(Key instance, const runtime::Command& command) {
  return in_unit([&](Unit& u) -> Result<void> {
    const std::size_t at = u.history_size();
    if (auto r = u.exec(instance, command); !r) return r;
    u.note(instance, command, at);
    return {};
  });
}

Result<void> Processor::command_batch(const std::vector<std::pair<Key, runtime::Command>>& commands, std::vector<Error>* refused) {
  return in_unit([&](Unit& u) -> Result<void> {
    if (refused) refused->clear();
    std::vector<Key> ids;
    for (const auto& c : commands) ids.push_back(c.first);
    if (auto r = u.preload(ids); !r) return r;
    for (const auto& [instance, command] : commands) {
      auto r = u.exec(instance, command);
      if (!r && r.error().code != Errc::NotFound && r.error().code != Errc::InvalidArgument) return r;
      if (!r && refused) refused->push_back(r.error());
    }
    return {};
  });
}

Result<void> Processor::start_batch(const std::vector<StartRequest>& requests, std::vector<Result<StartedInstance>>& results) {
  std::vector<std::pair<Key, int>> started;  // per request: (instance, version), or (0, 0) when refused
  return in_unit(
      [&](Unit& u) -> Result<void> {
        results.clear();
        started.clear();
        for (const auto& r : requests) {
          auto def = u.latest(r.process_id);
          if (!def) {
            if (def.error().code != Errc::NotFound) return fail(def.error());
            results.emplace_back(fail(def.error()));
            started.emplace_back(0, 0);
            continue;
          }
          auto id = u.start(def->first, runtime::StartInstance{r.variables, r.business_key, 0, 0, ""});
          if (!id) return fail(id.error());
          results.emplace_back(StartedInstance{});
          started.emplace_back(*id, def->second);
        }
        return {};
      },
      [&](Unit& u) {
        for (std::size_t i = 0; i < started.size(); ++i) {
          if (started[i].first) results[i] = u.started(started[i].first, started[i].second);
        }
      });
}

Result<MessageOutcome> Processor::publish_message(const std::string& name, const std::string& key, const json& vars, std::int64_t ttl) {
  MessageOutcome out;
  auto r = in_unit([&](Unit& u) -> Result<void> {
    auto routed = u.route_message(0, name, key, vars, ttl);
    out = u.message_outcome;
    return routed;
  });
  if (!r) return fail(r.error());
  return out;
}

Result<SignalOutcome> Processor::broadcast_signal(const std::string& name, const json& vars) {
  SignalOutcome out;
  auto r = in_unit([&](Unit& u) -> Result<void> {
    auto routed = u.route_signal(0, name, vars);
    out = u.signal_outcome;
    return routed;
  });
  if (!r) return fail(r.error());
  return out;
}

Result<void> Processor::fire_timer(const store::TimerRow& timer) {
  return in_unit([&](Unit& u) -> Result<void> {
    if (timer.instance_id != 0) {
      auto r = u.exec(timer.instance_id, runtime::FireTimer{timer.key});
      if (r || r.error().code != Errc::NotFound) return r;
      // The instance no longer has this timer (it moved on): the row is stale.
      store::Batch stale;
      stale.timers_removed.push_back(timer.key);
      return u.tx().write(stale);
    }
    // A timer start event: a new instance, and the next firing of a cycle.
    auto process = this->process(u.tx(), timer.definition_id);
    if (!process) return fail(process.error());
    const auto* e = model::find_by_id((*process)->elements, timer.element_id);
    if (!e || e->event()->definitions.empty()) return fail(Errc::NotFound, "timer start event " + timer.element_id + " is gone");
    const auto& d = e->event()->definitions.front();
    if (auto id = u.start(timer.definition_id, runtime::StartInstance{json::object(), "", 0, 0, timer.element_id}); !id) return fail(id.error());
    if (d.timer_kind == model::TimerKind::Cycle) {
      if (auto next = runtime::next_due_of(d.timer_value, timer.due, timer.fired + 1)) return u.tx().update_start_timer(timer.key, *next, timer.fired + 1);
    }
    store::Batch done;
    done.timers_removed.push_back(timer.key);
    return u.tx().write(done);
  });
}

Result<void> Processor::retry_incident(Key instance, Key incident) {
  return command(instance, runtime::ResolveIncident{incident});
}

}  // namespace elva::sched
