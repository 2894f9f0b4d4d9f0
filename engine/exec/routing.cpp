// The one router (routing.hpp).
#include "exec/routing.hpp"

#include <algorithm>
#include <optional>

namespace elva::exec {
namespace {

using nlohmann::json;
using runtime::InstanceState;
using runtime::InstanceStatus;

// The oldest subscription of `s` that this message matches (0: none).
Key waiting_subscription(const InstanceState& s, const std::string& name, const std::string& key) {
  if (s.status != InstanceStatus::Active) return 0;
  for (const auto& [k, sub] : s.subscriptions) {
    if (!sub.signal && sub.condition.empty() && sub.name == name &&
        (sub.correlation_key.empty() || sub.correlation_key == key))
      return k;
  }
  return 0;
}

bool waits_for_signal(const InstanceState& s, const std::string& name) {
  if (s.status != InstanceStatus::Active) return false;
  for (const auto& [k, sub] : s.subscriptions)
    if (sub.signal && sub.name == name) return true;
  return false;
}

class Router {
 public:
  explicit Router(Unit& u) : u_(u) {}

  Result<void> operator()(const StartChild& f) {
    auto child = u_.start_latest(f.process_id,
                                 runtime::StartInstance{f.variables, "", f.parent, f.element, ""});
    if (child) return {};
    if (child.error().code != Errc::NotFound) return fail(child.error());
    return u_.exec(f.parent, runtime::RaiseIncident{f.element, child.error().message});
  }

  Result<void> operator()(const CancelChild& f) {
    for (const auto& [id, l] : u_.all_loaded()) {
      if (l.state.parent_instance == f.parent && l.state.parent_element == f.element) {
        if (l.state.status != InstanceStatus::Active) return {};
        return u_.exec(id, runtime::CancelInstance{});
      }
    }
    auto child = u_.tx().active_child(f.parent, f.element);
    if (!child) return fail(child.error());
    if (!*child) return {};
    return u_.exec(**child, runtime::CancelInstance{});
  }

  Result<void> operator()(const ReturnToParent& f) {
    return u_.exec(f.parent, runtime::CompleteCall{f.element, f.variables});
  }

  Result<void> operator()(const RethrowInParent& f) {
    return u_.exec(f.parent, runtime::ThrowError{f.element, f.code, json::object()});
  }

  Result<void> operator()(const RouteMessage& m) {
    // The oldest matching subscription among the unit's instances (their rows may be stale)
    // and the store's others.
    std::optional<std::pair<Key, Key>> best;  // (subscription, instance)
    std::vector<Key> skip;
    for (const auto& [id, l] : u_.all_loaded()) {
      skip.push_back(id);
      if (id == m.from) continue;
      if (Key sub = waiting_subscription(l.state, m.name, m.correlation_key);
          sub && (!best || sub < best->first))
        best = {{sub, id}};
    }
    auto stored = u_.tx().message_subscriber(m.name, m.correlation_key, skip);
    if (!stored) return fail(stored.error());
    if (*stored && (!best || (*stored)->subscription < best->first))
      best = {{(*stored)->subscription, (*stored)->instance}};
    if (best) {
      u_.message_outcome.correlated.push_back(best->second);
      return u_.exec(best->second,
                     runtime::CorrelateMessage{m.name, m.correlation_key, m.variables});
    }
    auto starts = u_.tx().start_events("message", m.name);
    if (!starts) return fail(starts.error());
    if (!starts->empty()) {
      const auto& s = starts->front();
      auto id = u_.start(s.definition_id, runtime::StartInstance{m.variables, m.correlation_key, 0,
                                                                 0, s.element_id});
      if (!id) return fail(id.error());
      u_.message_outcome.started.push_back(*id);
      return {};
    }
    if (m.ttl_ms <= 0) {
      return fail(Errc::NotFound, "no instance waits for message '" + m.name + "'" +
                                      (m.correlation_key.empty()
                                           ? ""
                                           : " with correlation key '" + m.correlation_key + "'") +
                                      " and no process starts with it; give it a time to live "
                                      "(--ttl PT1H on the command line, "
                                      "\"ttl\" in the API) to keep it for a later catch");
    }
    u_.message_outcome.buffered = true;
    u_.batch().buffer_message(store::BufferedMessage{0, m.name, m.correlation_key, m.variables},
                              u_.now() + m.ttl_ms);
    return {};
  }

  Result<void> operator()(const RouteSignal& s) {
    std::vector<Key> targets;
    for (const auto& [id, l] : u_.all_loaded())
      if (id != s.from && waits_for_signal(l.state, s.name)) targets.push_back(id);
    auto stored = u_.tx().signal_subscribers(s.name);
    if (!stored) return fail(stored.error());
    for (Key id : *stored)
      if (id != s.from && !u_.loaded(id)) targets.push_back(id);
    std::sort(targets.begin(), targets.end());
    for (Key id : targets) {
      auto l = u_.load(id);
      if (!l) return fail(l.error());
      if (!waits_for_signal((*l)->state, s.name)) continue;
      u_.signal_outcome.delivered.push_back(id);
      if (auto r = u_.exec(id, runtime::BroadcastSignal{s.name, s.variables}); !r) return r;
    }
    auto starts = u_.tx().start_events("signal", s.name);
    if (!starts) return fail(starts.error());
    for (const auto& e : *starts) {
      auto id =
          u_.start(e.definition_id, runtime::StartInstance{s.variables, "", 0, 0, e.element_id});
      if (!id) return fail(id.error());
      u_.signal_outcome.started.push_back(*id);
    }
    return {};
  }

  Result<void> operator()(const OfferBuffered& f) {
    // Only while it still waits: a subscription closed again in this unit takes nothing.
    auto l = u_.load(f.instance);
    if (!l) return fail(l.error());
    if (!waiting_subscription((*l)->state, f.name, f.correlation_key)) return {};
    auto m = u_.tx().take_buffered(f.name, f.correlation_key, u_.now());
    if (!m) return fail(m.error());
    if (!*m) return {};
    return u_.exec(f.instance,
                   runtime::CorrelateMessage{f.name, (*m)->correlation_key, (*m)->variables});
  }

 private:
  Unit& u_;
};

}  // namespace

Result<void> route(Unit& unit, const FollowUp& follow_up) {
  return std::visit(Router{unit}, follow_up);
}

}  // namespace elva::exec
