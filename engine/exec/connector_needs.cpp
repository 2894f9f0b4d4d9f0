// Connector tasks of deployed definitions against the configured registry (connector_needs.hpp).
#include "exec/connector_needs.hpp"

#include <algorithm>
#include <map>

#include "model/process.hpp"

namespace elva::exec {

Result<std::vector<MissingConnector>> missing_connectors(store::Store& store, Processor& processor,
                                                         const connector::Registry& registry,
                                                         Versions versions) {
  auto rows = store.definitions();
  if (!rows) return fail(rows.error());
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const auto& d = (*rows)[i];
    const bool latest = i + 1 == rows->size() || (*rows)[i + 1].process_id != d.process_id;
    if (versions == Versions::All || latest) {
      ids.push_back(d.id);
    } else if (i == 0 || (*rows)[i - 1].process_id != d.process_id) {
      // The older versions of this process that still run.
      auto counts = store.instance_counts(d.process_id);
      if (!counts) return fail(counts.error());
      for (const auto& c : *counts)
        if (c.active > 0) ids.push_back(c.definition_id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto tx = store.begin();
  if (!tx) return fail(tx.error());
  std::map<std::string, MissingConnector> missing;
  for (const auto id : ids) {
    auto process = processor.process(**tx, id);
    if (!process) return fail(process.error());
    for (const auto& e : (*process)->elements) {
      if (!e.job || !e.job->connector) continue;
      const auto [name, op] = connector::split_job_type(e.job->job_type);
      const auto c = registry.find(name);
      bool has_op = false;
      if (c) {
        for (const auto& o : c->operations()) has_op = has_op || o.name == op;
      }
      if (has_op) continue;
      auto& m = missing[e.job->job_type];
      m.job_type = e.job->job_type;
      m.connector = name;
      m.connector_missing = !c;
      m.processes.insert((*process)->id);
    }
  }
  std::vector<MissingConnector> out;
  for (auto& [type, m] : missing) out.push_back(std::move(m));
  return out;
}

std::string missing_connector_reason(const std::string& job_type, bool connector_missing) {
  const auto [name, op] = connector::split_job_type(job_type);
  if (connector_missing)
    return "connector '" + name + "' is not configured on this node: add a [connectors." + name +
           "] section to elva.toml (docs/connectors.md) and start elva serve with --config; " +
           job_type + " cannot run until then";
  return "connector '" + name + "' has no operation '" + op +
         "' as configured on this node (elva.toml, docs/connectors.md); " + job_type +
         " cannot run until then";
}

}  // namespace elva::exec
