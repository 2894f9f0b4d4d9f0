// Unit (unit.hpp): load -> runtime::step -> projection -> follow-ups -> one Batch.
#include "exec/unit.hpp"

#include "dmn/dmn.hpp"
#include "exec/projection.hpp"
#include "exec/routing.hpp"
#include "exec/scripts.hpp"
#include "runtime/state_json.hpp"

namespace elva::exec {
namespace {

using nlohmann::json;
using runtime::InstanceState;
using runtime::InstanceStatus;

const char* status_text(InstanceStatus s) {
  switch (s) {
    case InstanceStatus::Active:
      return "active";
    case InstanceStatus::Completed:
      return "completed";
    case InstanceStatus::Terminated:
      return "terminated";
  }
  return "active";
}

constexpr const char* kMoreKeys = "keys";
constexpr const char* kPoisoned = "poisoned step";

// Marks a key in trace text for the reader to name (exec/trace.hpp).
std::string key_mark(Key k) { return "\x01" + std::to_string(k) + "\x02"; }

}  // namespace

bool needs_more_keys(const Error& e) {
  for (const auto& [k, v] : e.context)
    if (k == kMoreKeys) return true;
  return false;
}

std::optional<std::size_t> poisoned_step(const Error& e) {
  for (const auto& [k, v] : e.context)
    if (k == kPoisoned) return std::stoul(v);
  return std::nullopt;
}

// Business rule tasks: the latest deployed version of each decision (looked up once per unit),
// parsed once per version (cached by the processor).
class Unit::Decisions : public runtime::DecisionService {
 public:
  explicit Decisions(Unit& u) : u_(u) {}
  Result<json> evaluate(const std::string& decision_id, const json& variables,
                        const std::string& map_result, std::int64_t now_millis) const override {
    auto model = model_of(decision_id);
    if (!model) return fail(model.error());
    return dmn::evaluate_mapped(**model, decision_id, variables, map_result, now_millis);
  }

 private:
  Result<std::shared_ptr<const dmn::Model>> model_of(const std::string& decision_id) const {
    if (auto it = latest_.find(decision_id); it != latest_.end()) return it->second;
    auto latest = u_.tx().latest_decision(decision_id, false);
    if (!latest) return fail(latest.error());
    if (!*latest)
      return fail(Errc::NotFound, "no DMN decision '" + decision_id +
                                      "' is deployed (deploy its .dmn file with the process)");
    auto& model = u_.processor().decisions_[(*latest)->id];
    if (!model) {
      auto full = u_.tx().latest_decision(decision_id, true);
      if (!full || !*full)
        return fail(Errc::Internal, "decision '" + decision_id + "' vanished while being read");
      auto read = dmn::read_dmn((*full)->file, (*full)->source);
      if (!read.model)
        return fail(Errc::Internal, "the stored DMN file " + (*full)->file + " no longer reads");
      model = read.model;
    }
    latest_[decision_id] = model;
    return model;
  }

  Unit& u_;
  mutable std::map<std::string, std::shared_ptr<const dmn::Model>> latest_;
};

// The runtime's Env for this unit: the unit's time, keys reserved before each step, decisions,
// scripts.
class Unit::StepEnv : public runtime::Env {
 public:
  StepEnv(KeySource& keys, std::int64_t now, const Decisions& decisions,
          const runtime::RuntimeLimits& limits, const calendar::Calendar* calendar)
      : keys_(keys), now_(now), decisions_(decisions), limits_(limits), calendar_(calendar) {}
  std::int64_t now_millis() const override { return now_; }
  const runtime::RuntimeLimits& limits() const override { return limits_; }
  runtime::Key next_key() override { return keys_.next(); }
  const runtime::DecisionService* decisions() const override { return &decisions_; }
  const calendar::Calendar* calendar() const override { return calendar_; }
  const runtime::ScriptService* scripts() const override { return &script_service(); }

 private:
  KeySource& keys_;
  std::int64_t now_;
  const Decisions& decisions_;
  const runtime::RuntimeLimits& limits_;
  const calendar::Calendar* calendar_;
};

Unit::Unit(Processor& p, store::Tx& tx, std::string actor)
    : p_(p),
      tx_(tx),
      actor_(std::move(actor)),
      now_(p.clock_.now_millis()),
      decisions_(std::make_unique<Decisions>(*this)),
      env_(std::make_unique<StepEnv>(p.keys_, now_, *decisions_, p.limits_, p.calendar_.get())) {}

Unit::~Unit() = default;

void Unit::note(Key instance, const runtime::Command& command, std::size_t at) {
  static constexpr const char* kNames[] = {"start",
                                           "complete job",
                                           "fail job",
                                           "complete",
                                           "fire timer",
                                           "correlate message",
                                           "broadcast signal",
                                           "throw error",
                                           "retry incident",
                                           "complete call",
                                           "cancel",
                                           "set variables",
                                           "raise incident",
                                           "quarantine",
                                           "migrate",
                                           "remove variables",
                                           "job retries",
                                           "modify"};
  static_assert(std::size(kNames) == std::variant_size_v<runtime::Command>, "a name per command");
  if (!loaded_.count(instance)) return;
  json data = {{"command", kNames[command.index()]}};
  if (const auto* f = std::get_if<runtime::FailJob>(&command)) data["message"] = f->message;
  // An operator's action by hand carries why (docs/operations.md#repair).
  std::visit(
      [&](const auto& c) {
        if constexpr (requires { c.reason; }) {
          if (!c.reason.empty()) data["reason"] = c.reason;
        }
      },
      command);
  if (const auto* m = std::get_if<runtime::MigrateInstance>(&command)) {
    data["from"] = m->from_version;
    data["to"] = m->to_version;
  }
  batch_.insert_history(at,
                        store::HistoryRow{instance, actor_, "command", "", std::move(data), ""});
}

StartedInstance Unit::started(Key id, int version) const {
  StartedInstance out;
  const auto* l = loaded(id);
  if (!l) return out;
  out.id = id;
  out.version = version;
  out.status = status_text(l->state.status);
  out.incidents = static_cast<int>(l->state.incidents.size());
  for (const auto& [key, el] : l->state.elements) {
    const auto& e = l->state.process->elements[el.element];
    out.active.push_back({{"element", e.id},
                          {"type", std::string(model::bpmn_name(e.type))},
                          {"elementInstance", key},
                          {"waiting", el.waiting}});
  }
  return out;
}

const Loaded* Unit::loaded(Key id) const {
  auto it = loaded_.find(id);
  return it == loaded_.end() ? nullptr : &it->second;
}

Result<Loaded*> Unit::load(Key id) {
  if (auto it = loaded_.find(id); it != loaded_.end()) return &it->second;
  auto snap = tx_.load_instance(id);
  if (!snap) return fail(snap.error());
  if (!*snap) return fail(Errc::NotFound, "there is no process instance " + std::to_string(id));
  return place(**snap);
}

Result<void> Unit::preload(const std::vector<Key>& ids) {
  std::vector<Key> wanted;
  for (Key id : ids)
    if (!loaded_.count(id)) wanted.push_back(id);
  if (wanted.empty()) return {};
  auto snaps = tx_.load_instances(wanted);
  if (!snaps) return fail(snaps.error());
  for (const auto& snap : *snaps) {
    if (auto r = place(snap); !r) return fail(r.error());
  }
  return {};
}

Result<Loaded*> Unit::place(const store::InstanceSnapshot& snap) {
  auto process = p_.process(tx_, snap.definition_id);
  if (!process) return fail(process.error());
  Loaded l;
  l.state.process = *process;
  l.definition_id = snap.definition_id;
  l.loaded_version = snap.version;
  if (auto r = runtime::state_from_json(snap.state, l.state); !r) return fail(r.error());
  return &loaded_.emplace(snap.id, std::move(l)).first->second;
}

Result<Key> Unit::start(std::int64_t definition_id, const runtime::StartInstance& command) {
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
  project(placed, *r);
  return id;
}

// The latest version of a process: from the processor's cache when it has it, in which case the
// batch checks at commit that it is still the latest (else Conflict, and the rerun asks the
// store). Saves a round trip per start.
Result<std::pair<std::int64_t, int>> Unit::latest(const std::string& process_id) {
  if (auto it = p_.latest_.find(process_id); it != p_.latest_.end()) {
    batch_.assume_latest(process_id, it->second.second);
    return it->second;
  }
  auto def = tx_.latest_definition(process_id);
  if (!def) return fail(def.error());
  if (!*def)
    return fail(Errc::NotFound,
                "no process '" + process_id +
                    "' is deployed (see `elva definitions`; deploy it with `elva deploy FILE`)");
  const std::pair<std::int64_t, int> found{(*def)->id, (*def)->version};
  p_.latest_[process_id] = found;
  return found;
}

Result<Key> Unit::start_latest(const std::string& process_id,
                               const runtime::StartInstance& command) {
  auto def = latest(process_id);
  if (!def) return fail(def.error());
  return start(def->first, command);
}

Result<void> Unit::exec(Key id, const runtime::Command& command) {
  auto l = load(id);
  if (!l) return fail(l.error());
  auto r = step(**l, command);
  if (!r) return fail(r.error());
  // A migrated instance's row points at its new definition (its timer rows too).
  if (const auto* m = std::get_if<runtime::MigrateInstance>(&command))
    (*l)->definition_id = m->to_definition;
  project(**l, *r);
  return {};
}

namespace {

// What stops an instance whose command failed inside the engine: an incident where the command
// was aimed, and its job or timer removed so that the same command does not come back.
runtime::Quarantine quarantine_for(const runtime::InstanceState& s, const runtime::Command& command,
                                   std::string message) {
  runtime::Quarantine q{0, std::move(message), 0, 0};
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, runtime::CompleteJob> ||
                      std::is_same_v<T, runtime::FailJob>) {
          q.job = c.job;
          if (auto it = s.jobs.find(c.job); it != s.jobs.end())
            q.element_instance = it->second.element_instance;
        } else if constexpr (std::is_same_v<T, runtime::FireTimer>) {
          q.timer = c.timer;
          if (auto it = s.timers.find(c.timer); it != s.timers.end())
            q.element_instance = it->second.element_instance;
        } else if constexpr (std::is_same_v<T, runtime::ResolveIncident>) {
          if (auto it = s.incidents.find(c.incident); it != s.incidents.end())
            q.element_instance = it->second.element_instance;
        } else if constexpr (std::is_same_v<T, runtime::CompleteWait> ||
                             std::is_same_v<T, runtime::ThrowError> ||
                             std::is_same_v<T, runtime::CompleteCall> ||
                             std::is_same_v<T, runtime::RaiseIncident>) {
          q.element_instance = c.element_instance;
        }
      },
      command);
  return q;
}

}  // namespace

Result<runtime::StepResult> Unit::step(Loaded& l, const runtime::Command& command) {
  if (auto r = p_.keys_.reserve(tx_, p_.keys_per_step_); !r) return fail(r.error());
  const std::size_t ordinal = steps_++;
  if (auto poisoned = p_.poisoned_.find(ordinal); poisoned != p_.poisoned_.end()) {
    // This step failed inside the engine on an earlier run of the unit: the instance stops instead.
    return runtime::step(l.state, quarantine_for(l.state, command, poisoned->second), *env_);
  }
  Result<runtime::StepResult> result = fail(Errc::Internal, "not run");
  try {
    result = runtime::step(l.state, command, *env_);
  } catch (const std::exception& e) {
    // A broken invariant or a value the engine could not handle. The unit is rerun with this
    // step replaced by a quarantine (a start has no instance to stop: it is refused).
    Error failed{Errc::Internal,
                 std::string("Elva could not apply this command and stopped the instance here: ") +
                     e.what() +
                     ". Retry the incident once the cause is fixed; if it happens again, report it",
                 {}};
    if (!std::holds_alternative<runtime::StartInstance>(command))
      failed.with(kPoisoned, std::to_string(ordinal));
    return fail(std::move(failed));
  }
  if (p_.keys_.overdrawn()) {
    Error e{Errc::Internal, "a step needed more keys than were reserved for it", {}};
    e.with(kMoreKeys, std::to_string(p_.keys_.overdraft()));
    return fail(std::move(e));
  }
  return result;
}

void Unit::project(Loaded& l, const runtime::StepResult& result) {
  exec::project(l, result, actor_, now_, batch_, follow_ups_);
  if (!p_.trace_) return;
  for (const auto& e : result.events) {
    trace_.push_back({l.state.key, l.state.process->id, runtime::describe(e, l.state, key_mark)});
  }
}

// Follow-ups, in order; a follow-up that no longer fits (the instance moved on) is skipped.
Result<void> Unit::drain() {
  for (int guard = 0; !follow_ups_.empty(); ++guard) {
    if (guard > 100000)
      return fail(Errc::Internal,
                  "a command caused more than 100000 follow-ups (a loop between processes?)");
    auto next = std::move(follow_ups_.front());
    follow_ups_.pop_front();
    auto r = route(*this, next);
    if (!r && r.error().code != Errc::NotFound && r.error().code != Errc::InvalidArgument) return r;
  }
  return {};
}

Result<void> Unit::flush() {
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
    batch_.put_instance(std::move(row));
  }
  if (batch_.empty()) return {};
  batch_.actor = actor_;
  batch_.at = now_;
  return tx_.write(batch_);
}

}  // namespace elva::exec
