// Instance migration (migrate.hpp): check every part of the state against the new version,
// then move it in one step. Element instances keep their keys; timers and subscriptions get new
// keys (their rows are written again); jobs keep theirs unless their element is renamed.
#include "runtime/migrate.hpp"

#include <optional>
#include <set>
#include <unordered_map>

#include "common/iso8601.hpp"
#include "runtime/shared/timers.hpp"

namespace elva::runtime {
namespace {

using model::Element;
using model::ElementIndex;
using model::ElementType;
using model::EventKind;
using model::kNoElement;
using nlohmann::json;

const char* rule_name(TimerRule r) {
  switch (r) {
    case TimerRule::Keep:
      return "keep";
    case TimerRule::Recompute:
      return "recompute";
    case TimerRule::Rebase:
      return "rebase";
  }
  return "keep";
}

std::string type_of(const Element& e) { return std::string(model::bpmn_name(e.type)); }

// The trigger definition of `e` of this kind: an event's, or a receive task's message.
std::optional<model::EventDefinition> definition_of(const Element& e, EventKind kind) {
  if (const auto* ev = e.event()) {
    for (const auto& d : ev->definitions)
      if (d.kind == kind) return d;
    return std::nullopt;
  }
  if (const auto* task = e.as<model::MessageTaskSpec>();
      task && kind == EventKind::Message && e.type == ElementType::ReceiveTask) {
    model::EventDefinition d;
    d.kind = EventKind::Message;
    d.resolved = task->message_name;
    d.correlation_key = task->correlation_key;
    return d;
  }
  return std::nullopt;
}

// How far after its arming a timer falls due (durations, cycles without a start); nullopt for
// dates and expressions that do not give one.
std::optional<std::int64_t> span_of(const model::EventDefinition& d, Key owner, StepContext& ctx) {
  if (d.timer_kind == model::TimerKind::Date) return std::nullopt;
  if (d.timer_kind == model::TimerKind::Cycle) {
    if (auto c = iso8601::parse_cycle(d.timer_value); c && c->start) return std::nullopt;
  }
  auto due = first_due(d, owner, ctx);
  if (!due) return std::nullopt;
  return *due - ctx.env().now_millis();
}

class Migration {
 public:
  Migration(const MigrateInstance& c, StepContext& ctx)
      : c_(c), ctx_(ctx), s_(ctx.state()), from_(*s_.process), to_(*c.to) {}

  Result<void> run() {
    map_elements();
    map_flows();
    check_elements();
    check_joins();
    check_compensation();
    if (!needs_mapping_.empty() || !refused_.empty()) return refusal();
    plan_timers();
    plan_subscriptions();
    if (!refused_.empty()) return refusal();
    move();
    return {};
  }

 private:
  void map_elements() {
    std::unordered_map<std::string, ElementIndex> ids;
    for (const auto& e : to_.elements) ids.emplace(e.id, e.index);
    elements_.assign(from_.elements.size(), kNoElement);
    for (const auto& e : from_.elements) {
      auto named = c_.map.find(e.id);
      const std::string& target = named == c_.map.end() ? e.id : named->second;
      auto it = ids.find(target);
      if (it == ids.end()) continue;
      if (migration_compatible(e, to_.elements[it->second])) {
        elements_[e.index] = it->second;
        targeted_.insert(it->second);
      } else {
        incompatible_[e.index] = it->second;
      }
    }
  }

  void map_flows() {
    std::unordered_map<std::string, model::FlowIndex> ids;
    for (std::size_t i = 0; i < to_.flows.size(); ++i)
      ids.emplace(to_.flows[i].id, static_cast<model::FlowIndex>(i));
    flows_.assign(from_.flows.size(), model::kNoFlow);
    for (std::size_t i = 0; i < from_.flows.size(); ++i)
      if (auto it = ids.find(from_.flows[i].id); it != ids.end()) flows_[i] = it->second;
  }

  ElementIndex new_element_of(Key instance) const {
    if (instance == 0) return kNoElement;
    auto it = s_.elements.find(instance);
    return it == s_.elements.end() ? kNoElement : elements_[it->second.element];
  }

  void check_elements() {
    for (const auto& [key, el] : s_.elements) {
      const Element& old = from_.elements[el.element];
      const ElementIndex n = elements_[el.element];
      if (n == kNoElement) {
        if (auto bad = incompatible_.find(el.element); bad != incompatible_.end()) {
          const Element& other = to_.elements[bad->second];
          refused_.push_back("'" + old.id + "' (" + type_of(old) + ") cannot become '" + other.id +
                             "' (" + type_of(other) + ")");
        } else {
          needs_mapping_.push_back("a token is at '" + old.id + "' (" + type_of(old) +
                                   "), which version " + std::to_string(c_.to_version) +
                                   " does not have: map it (" + old.id + "=NEW_ID)");
        }
        continue;
      }
      const Element& ne = to_.elements[n];
      const auto parent = s_.elements.find(el.parent);
      if (el.parent != 0 && parent != s_.elements.end() &&
          elements_[parent->second.element] == kNoElement)
        continue;  // its scope is reported
      if (el.role == Role::Inner) {
        if (new_element_of(el.parent) != n)
          refused_.push_back("an iteration of '" + old.id + "' would leave its multi-instance");
      } else {
        const ElementIndex scope = new_element_of(el.parent);
        if (ne.scope != scope) {
          const std::string was = old.scope == kNoElement
                                      ? std::string("the process")
                                      : "'" + from_.elements[old.scope].id + "'";
          const std::string now = ne.scope == kNoElement ? std::string("the process")
                                                         : "'" + to_.elements[ne.scope].id + "'";
          refused_.push_back("the token at '" + old.id + "' is inside " + was + ", but '" + ne.id +
                             "' is inside " + now + " in version " + std::to_string(c_.to_version) +
                             ": a token cannot move into or out of a sub-process");
        }
      }
      if ((el.role == Role::Normal) != (ne.loop.kind == model::LoopKind::None) ||
          (el.role != Role::Normal && ne.loop.kind != old.loop.kind)) {
        refused_.push_back("'" + old.id + "' is " +
                           (el.role == Role::Normal ? "not " : std::string()) +
                           "a loop or multi-instance activity here, but '" + ne.id + "' is " +
                           (ne.loop.kind == model::LoopKind::None ? "not " : "") +
                           "one in version " + std::to_string(c_.to_version));
      }
      if (auto call = s_.calls.find(key); call != s_.calls.end()) {
        const auto* spec = ne.as<model::CallActivitySpec>();
        if (spec && spec->called_element != call->second.process_id &&
            spec->called_element.find_first_of("=${") == std::string::npos) {
          refused_.push_back("the call activity '" + old.id + "' waits for a child of '" +
                             call->second.process_id + "', but '" + ne.id + "' calls '" +
                             spec->called_element + "'");
        }
      }
      if (el.jobs > 0 && !ne.job) {
        refused_.push_back("'" + old.id + "' has an open job, but '" + ne.id + "' in version " +
                           std::to_string(c_.to_version) + " has no job type");
      }
      report_["tokens"].push_back({{"element", old.id}, {"to", ne.id}, {"type", type_of(ne)}});
    }
  }

  void check_joins() {
    for (const auto& [at, arrived] : s_.joins) {
      const Element& gw = from_.elements[at.second];
      const ElementIndex n = elements_[at.second];
      if (n == kNoElement) {
        needs_mapping_.push_back("tokens wait at the join '" + gw.id + "', which version " +
                                 std::to_string(c_.to_version) + " does not have: map it");
        continue;
      }
      std::set<std::string> before, after;
      for (auto f : gw.incoming) before.insert(from_.flows[f].id);
      for (auto f : to_.elements[n].incoming) after.insert(to_.flows[f].id);
      if (before != after) {
        refused_.push_back("the join '" + gw.id + "' has joined " + std::to_string(arrived.size()) +
                           " of its " + std::to_string(before.size()) + " incoming flows, and '" +
                           to_.elements[n].id + "' in version " + std::to_string(c_.to_version) +
                           " has other incoming flows: the waiting tokens would not match");
        continue;
      }
      report_["joins"].push_back(
          {{"gateway", gw.id}, {"arrived", static_cast<int>(arrived.size())}});
    }
  }

  void check_compensation() {
    if (!s_.compensating.empty() || !s_.handler_of.empty() || !s_.cancelling.empty())
      refused_.push_back("compensation is running; migrate once it has finished");
    for (const auto& [scope, activity] : s_.compensable) {
      if (elements_[activity] == kNoElement)
        needs_mapping_.push_back("'" + from_.elements[activity].id +
                                 "' has completed and can still be compensated, but version " +
                                 std::to_string(c_.to_version) + " does not have it: map it");
    }
  }

  // Whether the event `n` (new version) is where a trigger owned by `owner` belongs there.
  bool belongs(ElementIndex n, Key owner) const {
    const Element& e = to_.elements[n];
    const ElementIndex owner_element = new_element_of(owner);
    if (e.type == ElementType::BoundaryEvent) return e.event()->attached_to == owner_element;
    if (e.type == ElementType::StartEvent) {  // an event sub-process's start
      return e.scope != kNoElement && to_.elements[e.scope].scope == owner_element;
    }
    return true;  // the catch event itself, or an event after an event-based gateway
  }

  TimerRule rule_for(const std::string& old_id) const {
    auto it = c_.timer_rules.find(old_id);
    return it == c_.timer_rules.end() ? c_.timers : it->second;
  }

  void plan_timers() {
    for (const auto& [key, t] : s_.timers) {
      const Element& old = from_.elements[t.event];
      const ElementIndex n = elements_[t.event];
      std::optional<model::EventDefinition> def;
      if (n != kNoElement && belongs(n, t.element_instance))
        def = definition_of(to_.elements[n], EventKind::Timer);
      if (!def) {
        closing_.push_back(TimerRemoved{key});
        report_["timers"].push_back({{"timer", old.id}, {"rule", "removed"}});
        continue;
      }
      const TimerRule rule = rule_for(old.id);
      std::int64_t due = t.due;
      int fired = t.fired;
      std::string note;
      if (rule == TimerRule::Recompute) {
        auto d = first_due(*def, t.element_instance, ctx_);
        if (!d) {
          refused_.push_back("timer '" + to_.elements[n].id +
                             "' cannot be computed: " + d.error().message);
          continue;
        }
        due = *d;
        fired = 0;
      } else if (rule == TimerRule::Rebase) {
        auto old_def = definition_of(old, EventKind::Timer);
        auto old_span = old_def ? span_of(*old_def, t.element_instance, ctx_) : std::nullopt;
        auto new_span = span_of(*def, t.element_instance, ctx_);
        if (def->timer_kind == model::TimerKind::Date || !new_span) {
          auto d = first_due(*def, t.element_instance, ctx_);
          if (!d) {
            refused_.push_back("timer '" + to_.elements[n].id +
                               "' cannot be computed: " + d.error().message);
            continue;
          }
          due = *d;
          note = "a date: as given";
        } else if (!old_span) {
          refused_.push_back("timer '" + old.id +
                             "' cannot be rebased: its start is unknown (the old timer was a "
                             "date); use keep or recompute");
          continue;
        } else {
          const std::int64_t armed = t.due - *old_span * (t.fired + 1);
          due = armed + *new_span * (t.fired + 1);
        }
      }
      closing_.push_back(TimerRemoved{key});
      timers_.push_back(Timer{0, t.element_instance, n, due, fired});
      json line = {{"timer", old.id},
                   {"to", to_.elements[n].id},
                   {"rule", rule_name(rule)},
                   {"was", iso8601::format_utc(t.due)},
                   {"due", iso8601::format_utc(due)}};
      if (!note.empty()) line["note"] = note;
      report_["timers"].push_back(std::move(line));
      moved_.insert({t.element_instance, n});
    }
  }

  void plan_subscriptions() {
    for (const auto& [key, x] : s_.subscriptions) {
      const Element& old = from_.elements[x.event];
      const ElementIndex n = elements_[x.event];
      const EventKind kind = x.signal               ? EventKind::Signal
                             : !x.condition.empty() ? EventKind::Conditional
                                                    : EventKind::Message;
      std::optional<model::EventDefinition> def;
      if (n != kNoElement && belongs(n, x.element_instance))
        def = definition_of(to_.elements[n], kind);
      closing_.push_back(SubscriptionClosed{key});
      if (!def) {
        report_["subscriptions"].push_back({{"event", old.id}, {"rule", "removed"}});
        continue;
      }
      Subscription moved = x;
      if (kind == EventKind::Conditional) {
        moved.condition = def->condition;
      } else {
        auto sub = subscription_for(*def, x.element_instance, ctx_);
        if (!sub) {
          refused_.push_back("the subscription of '" + to_.elements[n].id +
                             "' cannot be opened in version " + std::to_string(c_.to_version) +
                             ": " + sub.error().message);
          continue;
        }
        moved.name = sub->name;
        moved.correlation_key = sub->correlation_key;
      }
      moved.event = n;
      subscriptions_.push_back(moved);
      json line = {{"event", old.id}, {"to", to_.elements[n].id}, {"rule", "moved"}};
      if (kind == EventKind::Message) {
        line["message"] = moved.name;
        line["correlationKey"] =
            moved.correlation_key == x.correlation_key ? "unchanged" : "changed";
      }
      report_["subscriptions"].push_back(std::move(line));
      moved_.insert({x.element_instance, n});
    }
  }

  void move() {
    // Jobs of renamed elements are written again (their rows name the element); the rest stay.
    std::vector<Job> renewed;
    for (const auto& [key, job] : s_.jobs) {
      const auto& el = s_.elements.at(job.element_instance);
      const bool renamed = from_.elements[el.element].id != to_.elements[elements_[el.element]].id;
      if (renamed) {
        closing_.push_back(JobRemoved{key});
        renewed.push_back(job);
      }
      report_["jobs"].push_back({{"type", job.type},
                                 {"element", to_.elements[elements_[el.element]].id},
                                 {"retries", job.retries},
                                 {"key", renamed ? "new" : "kept"}});
    }
    plan_arming();
    for (auto& e : closing_) ctx_.emit(std::move(e));
    ctx_.emit(InstanceMigrated{c_.to, c_.to_definition, c_.from_version, c_.to_version, elements_,
                               flows_, report_, c_.reason});
    for (auto t : timers_) {
      t.key = ctx_.env().next_key();
      ctx_.emit(TimerScheduled{t});
    }
    for (auto x : subscriptions_) {
      x.key = ctx_.env().next_key();
      ctx_.emit(SubscriptionOpened{x});
    }
    for (auto j : renewed) {
      j.key = ctx_.env().next_key();
      ctx_.emit(JobCreated{j});
    }
    arm_new_triggers();
  }

  // Events only the new version has (no old element maps to them) are armed where they belong:
  // boundary events on their live hosts, event sub-process starts in their live scopes.
  void plan_arming() {
    std::set<Key> busy_scopes;  // an event sub-process runs there: its triggers are spoken for
    for (const auto& [key, el] : s_.elements)
      if (to_.elements[elements_[el.element]].type == ElementType::EventSubProcess)
        busy_scopes.insert(el.parent);
    auto consider = [&](Key owner, ElementIndex event) {
      if (targeted_.count(event) || moved_.count({owner, event})) return;
      arm_.emplace_back(owner, event);
      report_["armed"].push_back(to_.elements[event].id);
    };
    auto starts_in = [&](ElementIndex scope_element, Key owner) {
      if (busy_scopes.count(owner)) return;
      for (const auto& sub : to_.elements) {
        if (sub.type != ElementType::EventSubProcess || sub.scope != scope_element) continue;
        for (auto child : sub.as<model::SubProcessSpec>()->children)
          if (to_.elements[child].type == ElementType::StartEvent) consider(owner, child);
      }
    };
    starts_in(kNoElement, 0);
    for (const auto& [key, el] : s_.elements) {
      const Element& e = to_.elements[elements_[el.element]];
      if (model::is_activity(e.type) && el.role != Role::Inner)
        for (auto b : e.boundary_events) consider(key, b);
      if (model::is_scope(e.type)) starts_in(e.index, key);
    }
  }

  void arm_new_triggers() {
    for (const auto& [owner, event] : arm_) {
      for (const auto& d : to_.elements[event].event()->definitions) {
        if (!ctx_.arm_trigger(owner, event, d)) break;
      }
    }
  }

  Result<void> refusal() const {
    const bool refused = !refused_.empty();
    std::string text;
    for (const auto& r : refused ? refused_ : needs_mapping_)
      text += (text.empty() ? "" : "; ") + r;
    if (refused && !needs_mapping_.empty()) {
      for (const auto& r : needs_mapping_) text += "; " + r;
    }
    Error e{Errc::InvalidArgument, text, {}};
    e.with("verdict", refused ? "refused" : "needs-mapping");
    return fail(std::move(e));
  }

  const MigrateInstance& c_;
  StepContext& ctx_;
  const InstanceState& s_;
  const model::ProcessDefinition& from_;
  const model::ProcessDefinition& to_;
  std::vector<ElementIndex> elements_;
  std::vector<model::FlowIndex> flows_;
  std::map<ElementIndex, ElementIndex> incompatible_;
  std::set<ElementIndex> targeted_;  // new elements some old element maps to
  std::vector<std::string> needs_mapping_, refused_;
  std::vector<Event> closing_;
  std::vector<Timer> timers_;
  std::vector<Subscription> subscriptions_;
  std::set<std::pair<Key, ElementIndex>> moved_;   // (owner, new event) of moved triggers
  std::vector<std::pair<Key, ElementIndex>> arm_;  // (owner, new event) to arm after the move
  json report_ = {{"armed", json::array()},  {"tokens", json::array()},
                  {"timers", json::array()}, {"subscriptions", json::array()},
                  {"jobs", json::array()},   {"joins", json::array()}};
};

}  // namespace

bool migration_compatible(const Element& from, const Element& to) {
  if (from.type != to.type) return false;
  const auto* a = from.event();
  const auto* b = to.event();
  if (!a || !b) return true;
  if (a->definitions.size() != b->definitions.size()) return false;
  for (std::size_t i = 0; i < a->definitions.size(); ++i)
    if (a->definitions[i].kind != b->definitions[i].kind) return false;
  return true;
}

Result<void> migrate_instance(const MigrateInstance& command, StepContext& ctx) {
  if (!command.to) return fail(Errc::InvalidArgument, "no process version to migrate to");
  if (command.to->id != ctx.state().process->id)
    return fail(Errc::InvalidArgument, "an instance of '" + ctx.state().process->id +
                                           "' cannot move to process '" + command.to->id + "'");
  return Migration(command, ctx).run();
}

}  // namespace elva::runtime
