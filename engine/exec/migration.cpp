// Instance migration (migration.hpp): plans, instance queries, and Processor::migrate, the one
// unit behind the dry run and the real run.
#include "exec/migration.hpp"

#include <algorithm>
#include <set>

#include "exec/processor.hpp"
#include "exec/unit.hpp"
#include "runtime/migrate.hpp"

namespace elva::exec {
namespace {

using nlohmann::json;

constexpr const char* kDryRun = "dry run";

Error bad(const std::string& field, const std::string& message) {
  Error e{Errc::InvalidArgument, message, {}};
  e.with("field." + field, message);
  return e;
}

bool valid_rule(const std::string& r) { return r == "keep" || r == "recompute" || r == "rebase"; }

std::string type_of(const model::Element& e) { return std::string(model::bpmn_name(e.type)); }

bool is_timer_event(const model::Element& e) {
  if (const auto* ev = e.event())
    for (const auto& d : ev->definitions)
      if (d.kind == model::EventKind::Timer) return true;
  return false;
}

}  // namespace

runtime::TimerRule timer_rule_of(const std::string& text) {
  if (text == "recompute") return runtime::TimerRule::Recompute;
  if (text == "rebase") return runtime::TimerRule::Rebase;
  return runtime::TimerRule::Keep;
}

json MigrationVerdict::to_json() const {
  json out = {{"instance", instance}, {"outcome", outcome}};
  if (!reason.empty()) out["reason"] = reason;
  if (!report.is_null()) out["report"] = report;
  return out;
}

Result<MigrationRequest> migration_request_from_json(const json& j) {
  if (!j.is_object()) return fail(bad("plan", "a migration plan is a JSON object"));
  MigrationRequest r;
  if (!j.contains("process") || !j["process"].is_string() ||
      j["process"].get<std::string>().empty())
    return fail(bad("process", "\"process\" (the process id) is missing"));
  r.process_id = j["process"];
  for (const char* f : {"from", "to"}) {
    if (!j.contains(f) || !j[f].is_number_integer() || j[f].get<int>() < 1)
      return fail(bad(f, std::string("\"") + f + "\" must be a version number (1, 2, ...)"));
  }
  r.from = j["from"];
  r.to = j["to"];
  if (r.from == r.to) return fail(bad("to", "\"from\" and \"to\" are the same version"));
  if (j.contains("map")) {
    if (!j["map"].is_object())
      return fail(bad("map", "\"map\" must be an object: {\"old id\": \"new id\"}"));
    for (auto it = j["map"].begin(); it != j["map"].end(); ++it) {
      if (!it.value().is_string())
        return fail(bad("map", "\"map\": '" + it.key() + "' must map to an element id"));
      r.map[it.key()] = it.value();
    }
  }
  if (j.contains("timers")) {
    if (!j["timers"].is_string() || !valid_rule(j["timers"]))
      return fail(bad("timers", "\"timers\" must be keep, recompute or rebase"));
    r.timers = j["timers"];
  }
  if (j.contains("timerRules")) {
    if (!j["timerRules"].is_object())
      return fail(bad("timerRules", "\"timerRules\" must be an object: {\"timer id\": \"keep\"}"));
    for (auto it = j["timerRules"].begin(); it != j["timerRules"].end(); ++it) {
      if (!it.value().is_string() || !valid_rule(it.value()))
        return fail(bad("timerRules",
                        "\"timerRules\": '" + it.key() + "' must be keep, recompute or rebase"));
      r.timer_rules[it.key()] = it.value();
    }
  }
  return r;
}

Result<InstanceQuery> parse_instance_query(const std::string& text) {
  InstanceQuery q;
  if (text.empty() || text == "all") return q;
  if (text.rfind("ids:", 0) == 0) {
    std::string rest = text.substr(4);
    std::size_t start = 0;
    while (start <= rest.size()) {
      const std::size_t comma = std::min(rest.find(',', start), rest.size());
      const std::string id = rest.substr(start, comma - start);
      if (id.empty() || id.size() > 19 || id.find_first_not_of("0123456789") != std::string::npos)
        return fail(bad("instances", "'" + id + "' in --instances is not an instance id"));
      q.ids.push_back(std::stoull(id));
      start = comma + 1;
    }
    return q;
  }
  if (text.rfind("businessKey:", 0) == 0) {
    q.by_business_key = true;
    q.business_key = text.substr(12);
    return q;
  }
  return fail(
      bad("instances", "--instances takes all, ids:1,2,3 or businessKey:TEXT, not '" + text + "'"));
}

Result<PreparedMigration> Processor::prepare_migration(const MigrationRequest& request) {
  auto rows = store_.definitions();
  if (!rows) return fail(rows.error());
  std::int64_t from_id = 0, to_id = 0;
  std::string versions;
  for (const auto& d : *rows) {
    if (d.process_id != request.process_id) continue;
    versions += (versions.empty() ? "" : ", ") + std::to_string(d.version);
    if (d.version == request.from) from_id = d.id;
    if (d.version == request.to) to_id = d.id;
  }
  if (versions.empty())
    return fail(Errc::NotFound, "no process '" + request.process_id + "' is deployed");
  for (auto [id, v] : {std::pair{from_id, request.from}, std::pair{to_id, request.to}}) {
    if (!id)
      return fail(Errc::NotFound, "process '" + request.process_id + "' has no version " +
                                      std::to_string(v) + " (versions: " + versions + ")");
  }
  std::shared_ptr<const model::ProcessDefinition> from, to;
  auto loaded = store_.transact([&](store::Tx& tx) -> Result<void> {
    auto a = process(tx, from_id);
    if (!a) return fail(a.error());
    auto b = process(tx, to_id);
    if (!b) return fail(b.error());
    from = *a;
    to = *b;
    return {};
  });
  if (!loaded) return fail(loaded.error());

  std::map<std::string, const model::Element*> old_ids, new_ids;
  for (const auto& e : from->elements) old_ids[e.id] = &e;
  for (const auto& e : to->elements) new_ids[e.id] = &e;
  for (const auto& [a, b] : request.map) {
    if (!old_ids.count(a))
      return fail(bad("map", "map " + a + "=" + b + ": version " + std::to_string(request.from) +
                                 " has no element '" + a + "'"));
    if (!new_ids.count(b))
      return fail(bad("map", "map " + a + "=" + b + ": version " + std::to_string(request.to) +
                                 " has no element '" + b + "'"));
    if (!runtime::migration_compatible(*old_ids[a], *new_ids[b]))
      return fail(bad("map", "map " + a + "=" + b + ": '" + a + "' is a " + type_of(*old_ids[a]) +
                                 " and '" + b + "' a " + type_of(*new_ids[b]) +
                                 " (or their event definitions differ): not compatible"));
  }
  for (const auto& [id, rule] : request.timer_rules) {
    if (!old_ids.count(id) || !is_timer_event(*old_ids[id]))
      return fail(bad("timerRules", "timer rule for '" + id + "': version " +
                                        std::to_string(request.from) +
                                        " has no timer event with that id"));
    if (!valid_rule(rule))
      return fail(
          bad("timerRules", "timer rule for '" + id + "' must be keep, recompute or rebase"));
  }
  if (!valid_rule(request.timers))
    return fail(bad("timers", "--timers must be keep, recompute or rebase"));

  json mappings = json::array(), unmapped = json::array(), timers = json::array();
  json explicit_map = json::object();
  std::set<std::string> targeted;
  for (const auto& e : from->elements) {
    auto named = request.map.find(e.id);
    const bool mapped = named != request.map.end();
    const std::string target = mapped ? named->second : e.id;
    auto it = new_ids.find(target);
    if (it == new_ids.end()) {
      unmapped.push_back({{"element", e.id},
                          {"type", type_of(e)},
                          {"why", "version " + std::to_string(request.to) + " has no '" + e.id +
                                      "': map it to an element of that version"}});
      continue;
    }
    if (!runtime::migration_compatible(e, *it->second)) {
      unmapped.push_back({{"element", e.id},
                          {"type", type_of(e)},
                          {"why", "'" + e.id + "' is a " + type_of(*it->second) + " in version " +
                                      std::to_string(request.to) + ": map it to a " + type_of(e)}});
      continue;
    }
    targeted.insert(target);
    if (mapped) explicit_map[e.id] = target;
    mappings.push_back(
        {{"from", e.id}, {"to", target}, {"type", type_of(e)}, {"by", mapped ? "map" : "same id"}});
    if (is_timer_event(e)) {
      auto rule = request.timer_rules.find(e.id);
      timers.push_back(
          {{"timer", e.id},
           {"to", target},
           {"rule", rule == request.timer_rules.end() ? request.timers : rule->second}});
    }
  }
  json added = json::array();
  for (const auto& e : to->elements)
    if (!targeted.count(e.id)) added.push_back({{"element", e.id}, {"type", type_of(e)}});
  json rules = json::object();
  for (const auto& [id, rule] : request.timer_rules) rules[id] = rule;

  PreparedMigration m;
  m.process_id = request.process_id;
  m.from_definition = from_id;
  m.to_definition = to_id;
  m.complete = unmapped.empty();
  m.plan = {{"process", request.process_id},
            {"from", request.from},
            {"to", request.to},
            {"map", explicit_map},
            {"timers", request.timers},
            {"timerRules", rules},
            {"complete", m.complete},
            {"mappings", mappings},
            {"unmapped", unmapped},
            {"added", added},
            {"timerPlan", timers}};
  m.command.to = to;
  m.command.to_definition = to_id;
  m.command.from_version = request.from;
  m.command.to_version = request.to;
  m.command.map = request.map;
  m.command.timers = timer_rule_of(request.timers);
  for (const auto& [id, rule] : request.timer_rules)
    m.command.timer_rules[id] = timer_rule_of(rule);
  return m;
}

Result<std::vector<Key>> Processor::migration_candidates(const PreparedMigration& m,
                                                         const InstanceQuery& q) {
  std::vector<Key> out;
  if (!q.ids.empty()) {
    out = q.ids;
  } else {
    auto rows = store_.instances(m.process_id, "active", 100'000'000);
    if (!rows) return fail(rows.error());
    for (const auto& r : *rows) {
      if (r.definition_id != m.from_definition) continue;
      if (q.by_business_key && r.business_key != q.business_key) continue;
      out.push_back(r.id);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<MigrationVerdict> Processor::migrate(Key instance, const PreparedMigration& m, bool dry_run,
                                            const std::string& reason, const std::string* actor) {
  MigrationVerdict v;
  runtime::MigrateInstance command = m.command;
  command.reason = reason;
  auto r = in_unit(
      [&](Unit& u) -> Result<void> {
        v = MigrationVerdict{};
        v.instance = instance;
        auto l = u.load(instance);
        if (!l) {
          if (l.error().code != Errc::NotFound) return fail(l.error());
          v.outcome = "not-found";
          v.reason = l.error().message;
          return {};
        }
        if ((*l)->definition_id == m.to_definition) {
          v.outcome = "already-migrated";
          return {};
        }
        if ((*l)->definition_id != m.from_definition) {
          v.outcome = "refused";
          v.reason = "it runs another version of '" + (*l)->state.process->id + "', not version " +
                     std::to_string(m.command.from_version);
          return {};
        }
        if ((*l)->state.status != runtime::InstanceStatus::Active) {
          v.outcome = "refused";
          v.reason = "it has ended";
          return {};
        }
        const std::size_t before = u.history_size();
        if (auto done = u.exec(instance, command); !done) {
          const Error& e = done.error();
          if (e.code != Errc::InvalidArgument && e.code != Errc::NotFound) return done;
          v.outcome = "refused";
          for (const auto& [k, val] : e.context)
            if (k == "verdict") v.outcome = val;
          v.reason = e.message;
          return {};
        }
        for (std::size_t i = before; i < u.batch().history().size(); ++i) {
          const auto& h = u.batch().history()[i];
          if (h.instance_id == instance && h.kind == "migrated")
            v.report = h.data.value("report", json());
        }
        u.note(instance, command, before);
        v.outcome = dry_run ? "migrates" : "migrated";
        if (dry_run) return fail(Error{Errc::Internal, kDryRun, {{kDryRun, "1"}}});
        return {};
      },
      {}, actor);
  if (!r) {
    for (const auto& [k, val] : r.error().context)
      if (k == kDryRun) return v;
    return fail(r.error());
  }
  return v;
}

}  // namespace elva::exec
