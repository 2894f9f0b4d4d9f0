// Operations (operations.hpp): reads for versions and diffs; operator actions as commands.
#include "api/operations.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "api/diff_json.hpp"
#include "runtime/state_json.hpp"

namespace elva::api {
namespace {

using nlohmann::json;

std::string version_text(int v) {
  return v ? "version " + std::to_string(v) : "the latest version";
}

}  // namespace

Result<void> Operations::need_reason(const std::string& reason) const {
  const bool blank = std::all_of(reason.begin(), reason.end(),
                                 [](unsigned char c) { return std::isspace(c) != 0; });
  if (blank)
    return fail(Error{Errc::InvalidArgument,
                      "say why (--reason): every operator action is audited with its reason",
                      {{"field.reason", "is required"}}});
  return {};
}

Result<json> Operations::versions(const std::string& process_id) {
  auto rows = store_.definitions();
  if (!rows) return fail(rows.error());
  auto counts = store_.instance_counts(process_id);
  if (!counts) return fail(counts.error());
  std::map<std::int64_t, store::VersionCount> by_definition;
  for (const auto& c : *counts) by_definition[c.definition_id] = c;
  auto tx = store_.begin();
  if (!tx) return fail(tx.error());
  json versions = json::array();
  int latest = 0;
  for (const auto& d : *rows) {
    if (d.process_id != process_id) continue;
    auto process = processor_.process(**tx, d.id);
    if (!process) return fail(process.error());
    const auto c = by_definition[d.id];
    versions.push_back({{"version", d.version},
                        {"name", d.name},
                        {"file", d.file},
                        {"deployedAt", d.deployed_at},
                        {"deployedBy", d.deployed_by},
                        {"versionTag", (*process)->version_tag},
                        {"instances", {{"active", c.active}, {"incident", c.incident}}}});
    latest = std::max(latest, d.version);
  }
  if (versions.empty())
    return fail(Errc::NotFound,
                "process '" + process_id + "' is not deployed (see `elva definitions`)");
  return json{{"process", process_id}, {"latest", latest}, {"versions", std::move(versions)}};
}

Result<json> Operations::diff(const std::string& process_id, int from, int to) {
  auto rows = store_.definitions();
  if (!rows) return fail(rows.error());
  const store::DefinitionRow* latest = nullptr;
  std::map<int, const store::DefinitionRow*> by_version;
  for (const auto& d : *rows) {
    if (d.process_id != process_id) continue;
    by_version[d.version] = &d;
    if (!latest || d.version > latest->version) latest = &d;
  }
  if (!latest)
    return fail(Errc::NotFound,
                "process '" + process_id + "' is not deployed (see `elva definitions`)");
  auto pick = [&](int v) -> Result<const store::DefinitionRow*> {
    if (v == 0) return latest;
    if (auto it = by_version.find(v); it != by_version.end()) return it->second;
    return fail(Errc::NotFound, "process '" + process_id + "' has no " + version_text(v) +
                                    " (the latest is " + std::to_string(latest->version) + ")");
  };
  auto a = pick(from);
  if (!a) return fail(a.error());
  auto b = pick(to);
  if (!b) return fail(b.error());
  auto tx = store_.begin();
  if (!tx) return fail(tx.error());
  auto old_process = processor_.process(**tx, (*a)->id);
  if (!old_process) return fail(old_process.error());
  auto new_process = processor_.process(**tx, (*b)->id);
  if (!new_process) return fail(new_process.error());
  json out = diff_json(model::diff(**old_process, **new_process));
  out["process"] = process_id;
  out["from"] = {{"version", (*a)->version}, {"versionTag", (*old_process)->version_tag}};
  out["to"] = {{"version", (*b)->version}, {"versionTag", (*new_process)->version_tag}};
  return out;
}

Result<std::uint64_t> Operations::instance_of_job(std::uint64_t job) {
  auto j = store_.locked_job(job);
  if (!j) return fail(j.error());
  if (!*j)
    return fail(Errc::NotFound,
                "there is no job " + std::to_string(job) +
                    " (open jobs: `elva instance ID`; a job that ran out of retries is gone and "
                    "its element has an incident: `elva retry INCIDENT`)");
  return (*j)->job.instance_id;
}

Result<std::uint64_t> Operations::scope_key(std::uint64_t instance, const std::string& scope) {
  if (scope.empty()) return std::uint64_t{0};
  if (std::all_of(scope.begin(), scope.end(), [](unsigned char c) { return std::isdigit(c); }) &&
      scope.size() < 20)
    return std::stoull(scope);
  auto tx = store_.begin();
  if (!tx) return fail(tx.error());
  auto snap = (*tx)->load_instance(instance);
  if (!snap) return fail(snap.error());
  if (!*snap)
    return fail(Errc::NotFound, "there is no process instance " + std::to_string(instance));
  auto process = processor_.process(**tx, (*snap)->definition_id);
  if (!process) return fail(process.error());
  runtime::InstanceState state;
  state.process = *process;
  if (auto r = runtime::state_from_json((*snap)->state, state); !r) return fail(r.error());
  std::vector<std::uint64_t> found;
  for (const auto& [key, el] : state.elements) {
    if (state.process->elements[el.element].id == scope && el.role != runtime::Role::Body)
      found.push_back(key);
  }
  if (found.size() == 1) return found.front();
  if (found.empty())
    return fail(Errc::NotFound, "'" + scope + "' is not active in instance " +
                                    std::to_string(instance) + ", so it is no scope to use");
  return fail(Errc::InvalidArgument,
              "'" + scope + "' is active " + std::to_string(found.size()) +
                  " times: give the element instance key instead (`elva instance " +
                  std::to_string(instance) + " --format json`, active[].elementInstance)");
}

Result<std::uint64_t> Operations::modify(std::uint64_t instance, const Engine::Modification& m) {
  if (auto r = need_reason(m.reason); !r) return fail(r.error());
  runtime::ModifyInstance c{m.cancel, m.start_before, m.start_after, m.variables, m.reason};
  if (auto r = processor_.command(instance, c); !r) return fail(r.error());
  return instance;
}

Result<std::uint64_t> Operations::complete_job(std::uint64_t job, const json& variables,
                                               const std::string& reason) {
  if (auto r = need_reason(reason); !r) return fail(r.error());
  auto instance = instance_of_job(job);
  if (!instance) return fail(instance.error());
  if (auto r = processor_.command(*instance, runtime::CompleteJob{job, variables, reason}); !r)
    return fail(r.error());
  return *instance;
}

Result<std::uint64_t> Operations::fail_job(std::uint64_t job, const std::string& message,
                                           int retries_left, const std::string& reason) {
  if (auto r = need_reason(reason); !r) return fail(r.error());
  if (message.empty())
    return fail(Error{Errc::InvalidArgument,
                      "say what went wrong (--message): it becomes the incident's message",
                      {{"field.message", "is required"}}});
  auto instance = instance_of_job(job);
  if (!instance) return fail(instance.error());
  if (auto r =
          processor_.command(*instance, runtime::FailJob{job, message, -1, retries_left, reason});
      !r)
    return fail(r.error());
  return *instance;
}

Result<std::uint64_t> Operations::set_job_retries(std::uint64_t job, int retries,
                                                  bool resolve_incident, const std::string& reason,
                                                  std::uint64_t& new_job) {
  if (auto r = need_reason(reason); !r) return fail(r.error());
  auto before = store_.locked_job(job);
  if (!before) return fail(before.error());
  auto instance = instance_of_job(job);
  if (!instance) return fail(instance.error());
  if (auto r = processor_.command(*instance,
                                  runtime::SetJobRetries{job, retries, resolve_incident, reason});
      !r)
    return fail(r.error());
  new_job = 0;
  auto jobs = store_.jobs(*instance);
  if (!jobs) return fail(jobs.error());
  for (const auto& j : *jobs) {
    if (*before && j.element_instance == (*before)->job.element_instance) new_job = j.key;
  }
  return *instance;
}

Result<std::uint64_t> Operations::set_variables(std::uint64_t instance, const json& variables,
                                                const std::string& scope,
                                                const std::string& reason) {
  if (auto r = need_reason(reason); !r) return fail(r.error());
  if (!variables.is_object() || variables.empty())
    return fail(Errc::InvalidArgument, "give the variables to set as name=JSON pairs");
  auto key = scope_key(instance, scope);
  if (!key) return fail(key.error());
  if (auto r = processor_.command(instance, runtime::SetVariables{*key, variables, reason}); !r)
    return fail(r.error());
  return instance;
}

Result<std::uint64_t> Operations::remove_variables(std::uint64_t instance,
                                                   const std::vector<std::string>& names,
                                                   const std::string& scope,
                                                   const std::string& reason) {
  if (auto r = need_reason(reason); !r) return fail(r.error());
  auto key = scope_key(instance, scope);
  if (!key) return fail(key.error());
  if (auto r = processor_.command(instance, runtime::RemoveVariables{*key, names, reason}); !r)
    return fail(r.error());
  return instance;
}

}  // namespace elva::api
