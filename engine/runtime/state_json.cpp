// Snapshot format of InstanceState (see state_json.hpp). Short keys: the store writes one per
// command.
#include "runtime/state_json.hpp"

#include <unordered_map>

namespace elva::runtime {
namespace {

using nlohmann::json;

class Ids {
 public:
  explicit Ids(const model::ProcessDefinition& p) : p_(p) {
    for (const auto& e : p.elements) elements_.emplace(e.id, e.index);
    for (std::size_t i = 0; i < p.flows.size(); ++i)
      flows_.emplace(p.flows[i].id, static_cast<model::FlowIndex>(i));
  }
  const std::string& element_id(model::ElementIndex i) const { return p_.elements[i].id; }
  const std::string& flow_id(model::FlowIndex i) const { return p_.flows[i].id; }
  Result<model::ElementIndex> element(const json& id) const {
    if (id.is_null()) return model::kNoElement;
    auto it = elements_.find(id.get<std::string>());
    if (it == elements_.end())
      return fail(Errc::InvalidArgument, "the snapshot names element '" + id.get<std::string>() +
                                             "', which process '" + p_.id + "' does not have");
    return it->second;
  }
  Result<model::FlowIndex> flow(const json& id) const {
    auto it = flows_.find(id.get<std::string>());
    if (it == flows_.end())
      return fail(Errc::InvalidArgument, "the snapshot names sequence flow '" +
                                             id.get<std::string>() + "', which process '" + p_.id +
                                             "' does not have");
    return it->second;
  }

 private:
  const model::ProcessDefinition& p_;
  std::unordered_map<std::string, model::ElementIndex> elements_;
  std::unordered_map<std::string, model::FlowIndex> flows_;
};

// Snapshots before LoopState kept a body's bookkeeping in its local variables.
LoopState loop_of_old_locals(json& local) {
  LoopState l;
  l.items = local.value("elva:items", json::array());
  l.next = local.value("elva:next", std::size_t{0});
  l.instances = local.value("nrOfInstances", std::int64_t{0});
  l.completed = local.value("nrOfCompletedInstances", std::int64_t{0});
  l.active = local.value("nrOfActiveInstances", std::int64_t{0});
  l.outputs = local.value("elva:outputs", json());
  for (const char* k : {"elva:items", "elva:next", "elva:outputs", "nrOfInstances",
                        "nrOfCompletedInstances", "nrOfActiveInstances"})
    local.erase(k);
  return l;
}

}  // namespace

json state_to_json(const InstanceState& s) {
  const Ids ids(*s.process);
  json out = {{"key", s.key},
              {"status", static_cast<int>(s.status)},
              {"vars", s.variables},
              {"v", s.version}};
  if (!s.business_key.empty()) out["bk"] = s.business_key;
  if (s.parent_instance) out["parent"] = {s.parent_instance, s.parent_element};
  if (!s.escaped_error.empty()) out["escaped"] = s.escaped_error;
  json& els = out["el"] = json::array();
  for (const auto& [key, e] : s.elements) {
    json j = {key,        ids.element_id(e.element), e.parent, e.waiting,
              e.incident, static_cast<int>(e.role)};
    if (!e.local.empty() || e.loop) j.push_back(e.local);
    if (e.loop) {
      const auto& l = *e.loop;
      j.push_back({{"items", l.items},
                   {"next", l.next},
                   {"n", l.instances},
                   {"done", l.completed},
                   {"active", l.active},
                   {"out", l.outputs}});
    }
    els.push_back(std::move(j));
  }
  if (!s.jobs.empty()) {
    json& jobs = out["jobs"] = json::array();
    for (const auto& [key, j] : s.jobs)
      jobs.push_back({key, j.element_instance, j.type, j.input, j.retries, j.due, j.failures});
  }
  if (!s.timers.empty()) {
    json& timers = out["timers"] = json::array();
    for (const auto& [key, t] : s.timers)
      timers.push_back({key, t.element_instance, ids.element_id(t.event), t.due, t.fired});
  }
  if (!s.subscriptions.empty()) {
    json& subs = out["subs"] = json::array();
    for (const auto& [key, x] : s.subscriptions) {
      subs.push_back({key, x.element_instance, ids.element_id(x.event), x.signal, x.name,
                      x.correlation_key, x.condition, x.was_true});
    }
  }
  if (!s.incidents.empty()) {
    json& inc = out["inc"] = json::array();
    for (const auto& [key, i] : s.incidents) inc.push_back({key, i.element_instance, i.message});
  }
  if (!s.joins.empty()) {
    json& joins = out["joins"] = json::array();
    for (const auto& [where, tokens] : s.joins) {
      json t = json::object();
      for (const auto& [flow, n] : tokens) t[ids.flow_id(flow)] = n;
      joins.push_back({where.first, ids.element_id(where.second), std::move(t)});
    }
  }
  if (!s.calls.empty()) {
    json& calls = out["calls"] = json::array();
    for (const auto& [key, c] : s.calls)
      calls.push_back({c.element_instance, c.process_id, c.variables});
  }
  if (!s.compensable.empty()) {
    json& c = out["comp"] = json::array();
    for (const auto& [scope, activity] : s.compensable)
      c.push_back({scope, ids.element_id(activity)});
  }
  if (!s.compensating.empty()) {
    json& c = out["compq"] = json::array();
    for (const auto& [thrower, handlers] : s.compensating) {
      json h = json::array();
      for (auto e : handlers) h.push_back(ids.element_id(e));
      c.push_back({thrower, std::move(h)});
    }
  }
  if (!s.handler_of.empty()) {
    json& h = out["handlers"] = json::array();
    for (const auto& [handler, thrower] : s.handler_of) h.push_back({handler, thrower});
  }
  if (!s.cancelling.empty()) out["cancelling"] = s.cancelling;
  return out;
}

Result<void> state_from_json(const json& j, InstanceState& s) {
  ELVA_ASSERT(s.process != nullptr, "state_from_json needs the process definition");
  const Ids ids(*s.process);
  try {
    s.key = j.at("key").get<Key>();
    s.status = static_cast<InstanceStatus>(j.at("status").get<int>());
    s.variables = j.at("vars");
    s.version = j.at("v").get<std::uint64_t>();
    s.business_key = j.value("bk", "");
    if (j.contains("parent")) {
      s.parent_instance = j["parent"][0].get<Key>();
      s.parent_element = j["parent"][1].get<Key>();
    }
    s.escaped_error = j.value("escaped", "");
    for (const auto& e : j.at("el")) {
      auto element = ids.element(e[1]);
      if (!element) return fail(element.error());
      ElementInstance el;
      el.key = e[0].get<Key>();
      el.element = *element;
      el.parent = e[2].get<Key>();
      el.waiting = e[3].get<bool>();
      el.incident = e[4].get<Key>();
      el.role = static_cast<Role>(e[5].get<int>());
      if (e.size() > 6) el.local = e[6];
      if (e.size() > 7) {
        const auto& l = e[7];
        el.loop.emplace(LoopState{l.at("items"), l.at("next").get<std::size_t>(),
                                  l.at("n").get<std::int64_t>(), l.at("done").get<std::int64_t>(),
                                  l.at("active").get<std::int64_t>(), l.at("out")});
      } else if (el.role == Role::Body && el.local.contains("elva:items")) {
        el.loop.emplace(
            loop_of_old_locals(el.local));  // a snapshot written before the counters were fields
      }
      s.elements.emplace(el.key, std::move(el));
    }
    for (const auto& x : j.value("jobs", json::array())) {
      Job job{x[0].get<Key>(), x[1].get<Key>(),          x[2].get<std::string>(), x[3],
              x[4].get<int>(), x[5].get<std::int64_t>(), x[6].get<int>()};
      if (auto it = s.elements.find(job.element_instance); it != s.elements.end())
        ++it->second.jobs;
      s.jobs.emplace(job.key, std::move(job));
    }
    for (const auto& x : j.value("timers", json::array())) {
      auto event = ids.element(x[2]);
      if (!event) return fail(event.error());
      s.timers.emplace(x[0].get<Key>(), Timer{x[0].get<Key>(), x[1].get<Key>(), *event,
                                              x[3].get<std::int64_t>(), x[4].get<int>()});
    }
    for (const auto& x : j.value("subs", json::array())) {
      auto event = ids.element(x[2]);
      if (!event) return fail(event.error());
      Subscription sub{x[0].get<Key>(),         x[1].get<Key>(),         *event,
                       x[3].get<bool>(),        x[4].get<std::string>(), x[5].get<std::string>(),
                       x[6].get<std::string>(), x[7].get<bool>()};
      s.subscriptions.emplace(sub.key, std::move(sub));
    }
    for (const auto& x : j.value("inc", json::array())) {
      s.incidents.emplace(x[0].get<Key>(),
                          Incident{x[0].get<Key>(), x[1].get<Key>(), x[2].get<std::string>()});
    }
    for (const auto& x : j.value("joins", json::array())) {
      auto gateway = ids.element(x[1]);
      if (!gateway) return fail(gateway.error());
      auto& tokens = s.joins[{x[0].get<Key>(), *gateway}];
      for (auto it = x[2].begin(); it != x[2].end(); ++it) {
        auto flow = ids.flow(it.key());
        if (!flow) return fail(flow.error());
        tokens[*flow] = it.value().get<int>();
      }
    }
    for (const auto& x : j.value("calls", json::array())) {
      s.calls.emplace(x[0].get<Key>(), Call{x[0].get<Key>(), x[1].get<std::string>(), x[2]});
    }
    for (const auto& x : j.value("comp", json::array())) {
      auto activity = ids.element(x[1]);
      if (!activity) return fail(activity.error());
      s.compensable.emplace_back(x[0].get<Key>(), *activity);
    }
    for (const auto& x : j.value("compq", json::array())) {
      auto& handlers = s.compensating[x[0].get<Key>()];
      for (const auto& h : x[1]) {
        auto e = ids.element(h);
        if (!e) return fail(e.error());
        handlers.push_back(*e);
      }
    }
    for (const auto& x : j.value("handlers", json::array()))
      s.handler_of.emplace(x[0].get<Key>(), x[1].get<Key>());
    if (j.contains("cancelling")) s.cancelling = j["cancelling"].get<std::vector<Key>>();
  } catch (const json::exception& e) {
    return fail(Errc::InvalidArgument,
                std::string("the instance snapshot is damaged: ") + e.what());
  }
  return {};
}

}  // namespace elva::runtime
