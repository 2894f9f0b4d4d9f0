// Retention rules and the cleanup (cleanup.hpp).
#include "privacy/cleanup.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "common/iso8601.hpp"
#include "parse/reader.hpp"

namespace elva::privacy {
namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

std::vector<store::RetentionRule> rules_from(
    const std::vector<std::pair<std::int64_t, ProcessMap>>& maps) {
  // (process, interval, variables) -> rule; instance rules have no variables.
  std::map<std::tuple<std::string, std::string, std::vector<std::string>>, store::RetentionRule>
      instance_rules, value_rules;
  for (const auto& [definition, m] : maps) {
    if (!m.retention.empty()) {
      auto& r = instance_rules[{m.process_id, m.retention, {}}];
      r.name = m.process_id + ": instances " + m.retention + " after they end";
      r.process_id = m.process_id;
      r.interval = m.retention;
      r.definition_ids.push_back(definition);
    }
    // Per class and retention, the variables whose values go before the instance does.
    std::map<std::pair<std::string, std::string>, std::set<std::string>> by_class;
    for (const auto& v : m.variables) {
      std::string interval = v.retention;
      if (interval.empty() && v.data_class == "working") interval = "PT0S";
      if (interval.empty()) continue;
      by_class[{v.data_class, interval}].insert(v.variable);
    }
    for (const auto& [key, vars] : by_class) {
      std::vector<std::string> names(vars.begin(), vars.end());
      auto& r = value_rules[{m.process_id, key.second + " " + m.retention, names}];
      r.instance_interval = m.retention;
      r.name = m.process_id + ": " + key.first + " values (" + join(names) + ") " + key.second +
               " after the case ends";
      r.process_id = m.process_id;
      r.interval = key.second;
      r.variables = names;
      r.definition_ids.push_back(definition);
    }
  }
  std::vector<store::RetentionRule> out;
  for (auto& [k, r] : instance_rules) out.push_back(std::move(r));
  for (auto& [k, r] : value_rules) out.push_back(std::move(r));
  return out;
}

Result<std::vector<store::RetentionRule>> retention_rules(store::RetentionStore& store) {
  auto defs = store.deployed_definitions();
  if (!defs) return fail(defs.error());
  std::map<std::string, json> form_cache;
  std::string form_error;
  FormLookup forms = [&](const std::string& key) -> json {
    if (auto it = form_cache.find(key); it != form_cache.end()) return it->second;
    auto schema = store.form_schema(key);
    if (!schema) form_error = schema.error().message;
    return form_cache[key] = schema ? *schema : json();
  };
  std::vector<std::pair<std::int64_t, ProcessMap>> maps;
  for (const auto& d : *defs) {
    auto read = parse::read_bpmn(d.file, d.source, 16u << 20);
    if (!read.definitions) continue;  // deployed files were valid; a broken one keeps its data
    for (const auto& p : read.definitions->processes) {
      if (p.id == d.process_id) maps.emplace_back(d.id, map_process(p, d.file, forms));
    }
  }
  if (!form_error.empty()) return fail(Errc::StoreUnavailable, form_error);
  return rules_from(maps);
}

Result<json> run_cleanup(store::RetentionStore& store,
                         const std::vector<store::RetentionRule>& rules, const CleanupOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const std::int64_t started_ms = iso8601::now_millis();
  const std::int64_t now = o.now_ms ? o.now_ms : started_ms;
  const int batch = o.batch > 0 ? o.batch : 500;
  json out_rules = json::array();
  store::RetentionCounts total;
  int batches = 0;
  bool finished = true;
  for (const auto& rule : rules) {
    store::RetentionCounts counts;
    if (o.dry_run) {
      auto c = store.count_due(rule, now);
      if (!c) return fail(c.error());
      counts = *c;
    } else {
      while (true) {
        if ((o.stop && o.stop->load()) || (o.max_batches > 0 && batches >= o.max_batches)) {
          finished = false;
          break;
        }
        auto c = store.apply_batch(rule, now, batch);
        if (!c) return fail(c.error());
        ++batches;
        counts.add(*c);
        if (c->instances < batch) break;  // nothing more is due
      }
    }
    total.add(counts);
    json r = counts.to_json();
    r["rule"] = rule.name;
    r["process"] = rule.process_id;
    r["interval"] = rule.interval;
    r["variables"] = rule.variables;
    if (o.log && counts.instances > 0) {
      o.log(std::string(o.dry_run ? "retention (dry run): " : "retention: ") + rule.name + ": " +
            std::to_string(counts.instances) + " instances, " + std::to_string(counts.history) +
            " history rows");
    }
    out_rules.push_back(std::move(r));
    if (!finished) break;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  json run = {{"dryRun", o.dry_run}, {"finished", finished},   {"batches", batches},
              {"seconds", seconds},  {"rules", out_rules},     {"total", total.to_json()},
              {"actor", o.actor},    {"startedMs", started_ms}};
  if (o.record_empty || total.instances > 0 || total.history > 0)
    if (auto r = store.record_run(run); !r) return fail(r.error());
  run.erase("startedMs");
  run.erase("actor");
  return run;
}

}  // namespace elva::privacy
