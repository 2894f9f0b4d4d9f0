// The one router (routing.hpp).
#include "exec/routing.hpp"

#include <algorithm>
#include <optional>

namespace elva::exec {
namespace {

using nlohmann::json;
using runtime::InstanceState;
using runtime::InstanceStatus;

constexpr int kListed = 10;  // candidates a refusal names

// The oldest subscription of `s` that this message matches (0: none): its name and exactly its
// correlation key, so a subscription without a key takes only a message without one.
Key waiting_subscription(const InstanceState& s, const std::string& name, const std::string& key) {
  if (s.status != InstanceStatus::Active) return 0;
  for (const auto& [k, sub] : s.subscriptions) {
    if (!sub.signal && sub.condition.empty() && sub.name == name && sub.correlation_key == key)
      return k;
  }
  return 0;
}

// The instance has the business key and the process variables the message is addressed to.
bool addressed(const InstanceState& s, const RouteMessage& m) {
  if (!m.business_key.empty() && s.business_key != m.business_key) return false;
  for (const auto& [name, value] : m.match.items()) {
    auto it = s.variables.find(name);
    if (it == s.variables.end() || *it != value) return false;
  }
  return true;
}

// "message 'x' with correlation key 'k' for business key 'b' where caseId, kind match": names
// only, never the variables' values (they may be personal data).
std::string described(const RouteMessage& m) {
  std::string out = "message '" + m.name + "'";
  if (!m.correlation_key.empty()) out += " with correlation key '" + m.correlation_key + "'";
  if (!m.business_key.empty()) out += " for business key '" + m.business_key + "'";
  if (!m.match.empty()) {
    out += " where";
    std::string sep = " ";
    for (const auto& [name, value] : m.match.items()) out += sep + name, sep = ", ";
    out += m.match.size() == 1 ? " matches" : " match";
  }
  return out;
}

// More than one instance waits and nothing told them apart: nothing is delivered, and the
// refusal names the candidates by instance id and business key.
Error ambiguous(const RouteMessage& m, const std::vector<store::InstanceTx::Subscriber>& found) {
  std::string list;
  for (std::size_t i = 0; i < found.size() && i < static_cast<std::size_t>(kListed); ++i) {
    list += (i ? ", " : "") + std::to_string(found[i].instance);
    if (!found[i].business_key.empty()) list += " (business key '" + found[i].business_key + "')";
  }
  if (found.size() > static_cast<std::size_t>(kListed)) list += " and more";
  Error e{Errc::InvalidArgument,
          described(m) + " is awaited by several instances: " + list +
              "; it was not delivered. Address one: a correlation key the process subscribes "
              "with, its business key (--business-key, \"businessKey\") or process variables "
              "(--match name=value, \"processVariables\")",
          {}};
  e.with("status", "409");
  return e;
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
    // Every instance waiting for it, each with its oldest matching subscription: the unit's
    // instances (their rows may be stale) and the store's others.
    std::vector<store::InstanceTx::Subscriber> found;
    std::vector<Key> skip;
    for (const auto& [id, l] : u_.all_loaded()) {
      skip.push_back(id);
      if (id == m.from || !addressed(l.state, m)) continue;
      if (Key sub = waiting_subscription(l.state, m.name, m.correlation_key))
        found.push_back({id, sub, l.state.business_key});
    }
    auto stored = u_.tx().message_subscribers({m.name, m.correlation_key, m.business_key, m.match},
                                              skip, kListed + 1);
    if (!stored) return fail(stored.error());
    found.insert(found.end(), stored->begin(), stored->end());
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.subscription < b.subscription; });
    if (found.size() > 1) {
      if (m.from == 0) return fail(ambiguous(m, found));
      // Thrown by an instance: the thrower has moved on; its history says why nobody got it.
      u_.batch().add_history({m.from,
                              u_.actor(),
                              "message not delivered",
                              "",
                              {{"name", m.name}, {"reason", ambiguous(m, found).message}},
                              ""});
      return {};
    }
    if (found.size() == 1) {
      u_.message_outcome.correlated.push_back(found.front().instance);
      return u_.exec(found.front().instance,
                     runtime::CorrelateMessage{m.name, m.correlation_key, m.variables});
    }
    // A message addressed by process variables is for a case that exists: it starts nothing.
    auto starts =
        m.match.empty()
            ? u_.tx().start_events("message", m.name)
            : Result<std::vector<store::StartEventRow>>(std::vector<store::StartEventRow>());
    if (!starts) return fail(starts.error());
    if (!starts->empty()) {
      const auto& s = starts->front();
      const std::string& business_key = m.business_key.empty() ? m.correlation_key : m.business_key;
      auto id = u_.start(s.definition_id,
                         runtime::StartInstance{m.variables, business_key, 0, 0, s.element_id});
      if (!id) return fail(id.error());
      u_.message_outcome.started.push_back(*id);
      return {};
    }
    if (m.ttl_ms <= 0) {
      return fail(Errc::NotFound,
                  "no instance waits for " + described(m) +
                      (m.match.empty() ? " and no process starts with it" : "") +
                      (m.business_key.empty() && m.match.empty()
                           ? "; give it a time to live (--ttl PT1H on the command line, \"ttl\" "
                             "in the API) to keep it for a later catch"
                           : ""));
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
