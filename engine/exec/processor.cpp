// Processor (processor.hpp): each entry point is one unit (unit.hpp) inside one store
// transaction; conflicts rerun it, and a step that needed more keys reruns it with more.
#include "exec/processor.hpp"

#include <algorithm>
#include <optional>

#include "elva/log.hpp"
#include "exec/deployer.hpp"
#include "exec/routing.hpp"
#include "exec/unit.hpp"
#include "exec/values.hpp"
#include "metrics/metrics.hpp"
#include "parse/reader.hpp"
#include "runtime/shared/timers.hpp"

namespace elva::exec {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDefinitionBytes = 64u << 20;

// What a unit did, for the metrics and the log, taken before it commits and reported only when
// it did (a unit that ran again reports once).
struct Committed {
  std::size_t commands = 0;
  std::vector<std::int64_t> timer_lateness;
  std::vector<std::pair<std::string, metrics::InstanceEvent>> events;  // process id, event
  struct Incident {
    Key instance = 0;
    std::string process_id, element_id;
  };
  std::vector<Incident> incidents;
};

Committed summarize(Unit& unit) {
  Committed c;
  c.commands = unit.commands;
  c.timer_lateness = unit.timer_lateness;
  for (const auto& row : unit.batch().history()) {
    std::optional<metrics::InstanceEvent> e;
    if (row.kind == "started") e = metrics::InstanceEvent::Started;
    if (row.kind == "instance completed") e = metrics::InstanceEvent::Completed;
    if (row.kind == "incident") e = metrics::InstanceEvent::Incident;
    if (!e) continue;
    const Loaded* l = unit.loaded(row.instance_id);
    const std::string process = l && l->state.process ? l->state.process->id : std::string("?");
    c.events.emplace_back(process, *e);
    if (*e == metrics::InstanceEvent::Incident)
      c.incidents.push_back({row.instance_id, process, row.element_id});
  }
  return c;
}

// The counters, and one log line per incident: where it is, never its message (it may quote a
// variable's value); `elva incidents` shows the message to those allowed to see it.
void report(const Committed& c, int reruns) {
  if (c.commands > 0) metrics::unit_committed(c.commands, reruns);  // not an idle timer round
  for (auto lateness : c.timer_lateness) metrics::timer_fired(lateness);
  for (const auto& [process, e] : c.events) metrics::instance_event(process, e);
  for (const auto& i : c.incidents) {
    log::event(log::Level::Warning, "incident",
               "incident in process " + i.process_id + ", instance " + std::to_string(i.instance) +
                   " at " + i.element_id + " (elva incidents shows it)",
               {{"process", i.process_id},
                {"instance", std::to_string(i.instance)},
                {"element", i.element_id}});
  }
}

}  // namespace

Processor::Processor(store::Store& store, const Clock& clock, std::string actor)
    : store_(store), clock_(clock), actor_(std::move(actor)) {}

Processor::~Processor() = default;

Result<std::shared_ptr<const model::ProcessDefinition>> Processor::process(
    store::InstanceTx& tx, std::int64_t definition_id) {
  if (auto it = cache_.find(definition_id); it != cache_.end()) return it->second;
  auto row = tx.definition(definition_id);
  if (!row) return fail(row.error());
  if (!*row)
    return fail(Errc::NotFound, "there is no process definition " + std::to_string(definition_id));
  auto read = parse::read_bpmn((*row)->file, (*row)->source, kMaxDefinitionBytes);
  if (!read.definitions)
    return fail(Errc::Internal,
                "the stored definition " + std::to_string(definition_id) + " no longer reads");
  const auto* p = read.definitions->find_process((*row)->process_id);
  if (!p)
    return fail(Errc::Internal, "the stored definition " + std::to_string(definition_id) +
                                    " lacks process " + (*row)->process_id);
  std::shared_ptr<const model::ProcessDefinition> shared(read.definitions, p);
  cache_.emplace(definition_id, shared);
  return shared;
}

Result<void> Processor::in_unit(const std::function<Result<void>(Unit&)>& body,
                                const std::function<void(Unit&)>& after, const std::string* actor) {
  int reruns = 0;
  for (int rerun = 0;; ++rerun) {
    int attempt = 0;
    std::vector<TraceLine> trace;
    Committed committed;
    keys_.clear_overdraft();
    auto r = store_.transact([&](store::Tx& tx) -> Result<void> {
      if (attempt++ > 0) latest_.clear();  // a conflict may come from a stale latest version
      Unit unit(*this, tx, actor ? *actor : actor_);
      if (auto b = body(unit); !b) return b;
      if (auto d = unit.drain(); !d) return d;
      if (after) after(unit);
      if (auto f = unit.flush(); !f) return f;
      trace = unit.trace();
      committed = summarize(unit);
      return {};
    });
    reruns += std::max(0, attempt - 1);
    if (r)
      report(committed, reruns);
    else
      ++reruns;
    if (!r && needs_more_keys(r.error()) && rerun < 8) {
      keys_per_step_ = kKeysPerStep + keys_.overdraft() * 2 + keys_per_step_;
      continue;
    }
    if (!r && rerun < 16) {
      if (auto step = poisoned_step(r.error()); step && !poisoned_.count(*step)) {
        poisoned_[*step] = r.error().message;
        continue;
      }
    }
    keys_per_step_ = kKeysPerStep;
    poisoned_.clear();
    if (r && trace_ && !trace.empty()) trace_->on_commit(trace);
    return r;
  }
}

Result<DeployReport> Processor::deploy(
    const std::vector<std::pair<std::string, std::string>>& files) {
  auto plan = plan_deployment(files, connectors_.get(), limits_.min_cycle_ms);
  if (!plan.ok()) return fail(Errc::ValidationError, plan.error_text());
  DeployReport report;
  auto r = store_.transact([&](store::Tx& tx) -> Result<void> {
    auto applied =
        apply_deployment(plan, tx, keys_, clock_.now_millis(), actor_, limits_.min_cycle_ms);
    if (!applied) return fail(applied.error());
    report = std::move(*applied);
    return {};
  });
  if (!r) return fail(r.error());
  for (const auto& p : report.processes) latest_.erase(p.process_id);
  return report;
}

Result<Key> Processor::start(const std::string& process_id, const json& variables,
                             const std::string& business_key, const std::string& start_event,
                             StartedInstance* out, const std::string* actor) {
  if (auto r = check_text("process", process_id); !r) return fail(r.error());
  if (auto r = check_values(runtime::StartInstance{variables, business_key, 0, 0, start_event}); !r)
    return fail(r.error());
  Key started = 0;
  int version = 0;
  auto r = in_unit(
      [&](Unit& u) -> Result<void> {
        auto def = u.latest(process_id);
        if (!def) return fail(def.error());
        version = def->second;
        auto id =
            u.start(def->first, runtime::StartInstance{variables, business_key, 0, 0, start_event});
        if (!id) return fail(id.error());
        started = *id;
        return {};
      },
      [&](Unit& u) {
        if (out) *out = u.started(started, version);
      },
      actor);
  if (!r) return fail(r.error());
  return started;
}

Result<void> Processor::command(Key instance, const runtime::Command& given) {
  if (auto r = check_values(given); !r) return r;
  const runtime::Command command = scrubbed(given);
  return in_unit([&](Unit& u) -> Result<void> {
    const std::size_t at = u.history_size();
    if (auto r = u.exec(instance, command); !r) return r;
    u.note(instance, command, at);
    return {};
  });
}

Result<void> Processor::command(Key instance, const runtime::Command& given,
                                const std::string& actor, std::int64_t* at) {
  if (auto r = check_values(given); !r) return r;
  const runtime::Command command = scrubbed(given);
  return in_unit(
      [&](Unit& u) -> Result<void> {
        const std::size_t before = u.history_size();
        if (auto r = u.exec(instance, command); !r) return r;
        u.note(instance, command, before);
        return {};
      },
      [&](Unit& u) {
        if (at) *at = u.now();
      },
      &actor);
}

Result<void> Processor::command_batch(const std::vector<std::pair<Key, runtime::Command>>& commands,
                                      std::vector<Error>* refused) {
  return in_unit([&](Unit& u) -> Result<void> {
    u.commands = commands.size();
    if (refused) refused->clear();
    std::vector<Key> ids;
    for (const auto& c : commands) ids.push_back(c.first);
    if (auto r = u.preload(ids); !r) return r;
    for (const auto& [instance, given] : commands) {
      runtime::Command command = scrubbed(given);
      if (auto checked = check_values(given); !checked) {
        // A job's answer the store cannot keep is the job's incident (were it skipped, the job
        // would be leased and its connector called again and again).
        const auto* done = std::get_if<runtime::CompleteJob>(&given);
        if (!done) {
          if (refused) refused->push_back(checked.error());
          continue;
        }
        command = runtime::FailJob{
            done->job, "its answer cannot be stored: " + checked.error().message, -1, 0};
      }
      auto r = u.exec(instance, command);
      if (!r && r.error().code != Errc::NotFound && r.error().code != Errc::InvalidArgument)
        return r;
      if (!r && refused) refused->push_back(r.error());
      // What this command caused comes before the next command, as when each is its own unit.
      if (auto d = u.drain(); !d) return d;
    }
    return {};
  });
}

Result<void> Processor::apply_group(const std::vector<GroupItem>& items,
                                    std::vector<Result<StartedInstance>>& results,
                                    std::int64_t* at) {
  std::vector<std::pair<Key, int>> started;  // per item: (instance, version) of a start
  auto refused = [](const Error& e) {
    return e.code == Errc::NotFound || e.code == Errc::InvalidArgument;
  };
  return in_unit(
      [&](Unit& u) -> Result<void> {
        u.commands = items.size();
        results.clear();
        started.assign(items.size(), {0, 0});
        std::vector<Key> ids;
        for (const auto& item : items)
          if (!item.start) ids.push_back(item.instance);
        if (!ids.empty()) {
          if (auto r = u.preload(ids); !r) return r;
        }
        for (std::size_t i = 0; i < items.size(); ++i) {
          const auto& item = items[i];
          u.set_actor(item.actor.empty() ? actor_ : item.actor);
          if (item.start) {
            const runtime::StartInstance command{item.start->variables, item.start->business_key, 0,
                                                 0, ""};
            auto checked = check_text("process", item.start->process_id);
            if (checked) checked = check_values(command);
            if (!checked) {
              results.emplace_back(fail(checked.error()));
              continue;
            }
            auto def = u.latest(item.start->process_id);
            if (!def) {
              if (def.error().code != Errc::NotFound) return fail(def.error());
              results.emplace_back(fail(def.error()));
              continue;
            }
            auto id = u.start(def->first, command);
            if (!id) return fail(id.error());
            started[i] = {*id, def->second};
          } else {
            if (auto checked = check_values(item.command); !checked) {
              results.emplace_back(fail(checked.error()));
              continue;
            }
            const runtime::Command command = scrubbed(item.command);
            const std::size_t before = u.history_size();
            if (auto r = u.exec(item.instance, command); !r) {
              if (!refused(r.error())) return r;
              results.emplace_back(fail(r.error()));
              continue;
            }
            u.note(item.instance, command, before);
          }
          results.emplace_back(StartedInstance{});
          // What this item caused comes before the next item, as when each is its own unit.
          if (auto d = u.drain(); !d) return d;
        }
        u.set_actor(actor_);
        return {};
      },
      [&](Unit& u) {
        if (at) *at = u.now();
        for (std::size_t i = 0; i < started.size(); ++i) {
          if (started[i].first) results[i] = u.started(started[i].first, started[i].second);
        }
      });
}

Result<MessageOutcome> Processor::publish_message(const std::string& name, const MessageAddress& to,
                                                  const json& vars, std::int64_t ttl) {
  if (auto r = check_values(runtime::CorrelateMessage{name, to.correlation_key, vars}); !r)
    return fail(r.error());
  if (auto r = check_text("businessKey", to.business_key); !r) return fail(r.error());
  if (!to.variables.is_object())
    return fail(Error{Errc::InvalidArgument,
                      "the process variables to match must be an object",
                      {{"field.processVariables", "is not an object"}}});
  if (auto r = check_json("processVariables", to.variables); !r) return fail(r.error());
  if (ttl > 0 && (!to.business_key.empty() || !to.variables.empty())) {
    return fail(Errc::InvalidArgument,
                "a message addressed by business key or process variables is for an instance "
                "that exists: it cannot be kept with a time to live (docs/durable.md)");
  }
  MessageOutcome out;
  auto r = in_unit([&](Unit& u) -> Result<void> {
    auto routed = route(
        u, RouteMessage{0, name, to.correlation_key, vars, ttl, to.business_key, to.variables});
    out = u.message_outcome;
    return routed;
  });
  if (!r) return fail(r.error());
  return out;
}

Result<SignalOutcome> Processor::broadcast_signal(const std::string& name, const json& vars) {
  if (auto r = check_values(runtime::BroadcastSignal{name, vars}); !r) return fail(r.error());
  SignalOutcome out;
  auto r = in_unit([&](Unit& u) -> Result<void> {
    auto routed = route(u, RouteSignal{0, name, vars});
    out = u.signal_outcome;
    return routed;
  });
  if (!r) return fail(r.error());
  return out;
}

Result<void> Processor::fire_timer(const store::TimerRow& timer) {
  return in_unit([&](Unit& u) { return fire_in(u, timer); });
}

Result<std::size_t> Processor::fire_due_timers(const std::string& node, std::int64_t now,
                                               std::int64_t lease_until, int limit) {
  std::size_t taken = 0;
  auto r = in_unit([&](Unit& u) -> Result<void> {
    auto timers = u.tx().acquire_timers(node, now, now, lease_until, limit);
    if (!timers) return fail(timers.error());
    taken = timers->size();
    u.commands = taken;
    std::vector<Key> ids;
    for (const auto& t : *timers)
      if (t.instance_id != 0) ids.push_back(t.instance_id);
    if (!ids.empty()) {
      if (auto p = u.preload(ids); !p) return p;
    }
    for (const auto& t : *timers) {
      if (auto f = fire_in(u, t); !f) return f;
      // What this timer caused comes before the next timer, as when each is its own unit.
      if (auto d = u.drain(); !d) return d;
    }
    return {};
  });
  if (!r) return fail(r.error());
  return taken;
}

Result<void> Processor::fire_in(Unit& u, const store::TimerRow& timer) {
  u.timer_lateness.push_back(u.now() - timer.due);
  if (timer.instance_id != 0) {
    auto r = u.exec(timer.instance_id, runtime::FireTimer{timer.key});
    if (r || r.error().code != Errc::NotFound) return r;
    u.batch().remove_timer(timer.key);  // the instance no longer has this timer: the row is stale
    return {};
  }
  // A timer start event: a new instance, and the next firing of a cycle.
  auto process = this->process(u.tx(), timer.definition_id);
  if (!process) return fail(process.error());
  const auto* e = model::find_by_id((*process)->elements, timer.element_id);
  if (!e || e->event()->definitions.empty())
    return fail(Errc::NotFound, "timer start event " + timer.element_id + " is gone");
  const auto& d = e->event()->definitions.front();
  if (auto id = u.start(timer.definition_id,
                        runtime::StartInstance{json::object(), "", 0, 0, timer.element_id});
      !id)
    return fail(id.error());
  if (d.timer_kind == model::TimerKind::Cycle) {
    if (auto next =
            runtime::next_due_of(d.timer_value, timer.due, timer.fired + 1, limits_.min_cycle_ms)) {
      u.batch().update_start_timer({timer.key, *next, timer.fired + 1});
      return {};
    }
  }
  u.batch().remove_timer(timer.key);
  return {};
}

Result<void> Processor::retry_incident(Key instance, Key incident) {
  return command(instance, runtime::ResolveIncident{incident});
}

}  // namespace elva::exec
