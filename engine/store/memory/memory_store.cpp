// MemoryStore (memory_store.hpp): the rows in ordinary containers, one lock, copy-before-write
// transactions.
#include "store/memory/memory_store.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "common/iso8601.hpp"

namespace elva::store {

struct MemoryStore::Data {
  struct Instance {
    InstanceSnapshot snapshot;
    std::string process_id, business_key, status;
    Key parent_id = 0, parent_element = 0;
    std::int64_t started = 0, ended = 0;  // ms; ended 0: running
  };
  struct Lease {
    std::string locked_by;
    std::int64_t lock_until = 0;
  };
  struct Incident {
    IncidentRow row;
    std::int64_t created = 0, resolved = 0;
  };
  struct Task {
    TaskRow row;
    std::int64_t due = 0, created = 0;
  };
  struct Message {
    BufferedMessage message;
    std::int64_t expires = 0;
  };
  struct Form {
    FormRow row;
    std::string hash;
  };

  std::mutex mutex;  // not copied: see Tx::touch()
  std::function<std::int64_t()> now;
  Key next_block = 0;  // blocks are never handed out twice, so this survives a rollback

  // Everything below is restored on rollback.
  struct Rows {
    std::map<Key, Instance> instances;
    std::map<std::int64_t, DefinitionRow> definitions, decisions;
    std::vector<Form> forms;
    std::vector<StartEventRow> start_events;
    std::map<Key, std::pair<JobRow, Lease>> jobs;
    std::map<Key, std::pair<TimerRow, Lease>> timers;
    std::map<Key, Batch::Subscription> subscriptions;
    std::map<Key, Incident> incidents;
    std::map<Key, Task> tasks;
    std::vector<std::pair<HistoryRow, std::int64_t>> history;
    std::map<std::int64_t, Message> messages;
    std::int64_t last_id = 0;  // deployments, definitions, decisions, messages
    std::map<std::int64_t, std::string> deployed_by;  // deployment id -> actor
  } rows;

  std::string iso(std::int64_t ms) const { return ms ? iso8601::format_utc(ms) : std::string(); }

  int version_of(std::int64_t definition_id) const {
    auto it = rows.definitions.find(definition_id);
    return it == rows.definitions.end() ? 0 : it->second.version;
  }

  InstanceRow instance_row(const Instance& i) const {
    InstanceRow r;
    r.id = i.snapshot.id;
    r.definition_id = i.snapshot.definition_id;
    r.process_id = i.process_id;
    r.definition_version = version_of(i.snapshot.definition_id);
    r.business_key = i.business_key;
    r.status = i.status;
    r.started_at = iso(i.started);
    r.ended_at = iso(i.ended);
    for (const auto& [key, n] : rows.incidents)
      r.open_incidents += n.row.instance_id == r.id && n.resolved == 0;
    r.variables = i.snapshot.state.value("vars", nlohmann::json::object());
    return r;
  }

  IncidentRow incident_row(const Incident& n) const {
    IncidentRow r = n.row;
    auto it = rows.instances.find(r.instance_id);
    r.process_id = it == rows.instances.end() ? "" : it->second.process_id;
    r.created_at = iso(n.created);
    r.resolved_at = iso(n.resolved);
    return r;
  }

  TaskRow task_row(const Task& t, std::int64_t at) const {
    TaskRow r = t.row;
    r.overdue = r.state == "open" && t.due != 0 && t.due < at;
    return r;
  }

  template <typename Map>
  static const DefinitionRow* latest_of(const Map& rows, const std::string& id) {
    const DefinitionRow* best = nullptr;
    for (const auto& [row_id, d] : rows) {
      if (d.process_id == id && (!best || d.version > best->version)) best = &d;
    }
    return best;
  }

  void apply(const Batch& b, std::int64_t at);
};

namespace {

std::int64_t wall_clock() { return iso8601::now_millis(); }

bool waits_in(const std::vector<std::string>& types, const std::string& type) {
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

}  // namespace

void MemoryStore::Data::apply(const Batch& b, std::int64_t at) {
  for (const auto& i : b.instances()) {
    auto& row = rows.instances[i.snapshot.id];
    if (i.is_new) {
      row.started = at;
      row.process_id = i.process_id;
      row.business_key = i.business_key;
      row.parent_id = i.parent_id;
      row.parent_element = i.parent_element;
    }
    row.snapshot = i.snapshot;
    row.status = i.status;
    if (i.ended && row.ended == 0) row.ended = at;
  }
  for (Key k : b.jobs_removed()) rows.jobs.erase(k);
  for (Key k : b.timers_removed()) rows.timers.erase(k);
  for (Key k : b.subscriptions_removed()) rows.subscriptions.erase(k);
  for (const auto& [k, j] : b.jobs_added()) rows.jobs[k] = {j, {}};
  for (const auto& [k, t] : b.timers_added()) rows.timers[k] = {t, {}};
  for (const auto& [k, s] : b.subscriptions_added()) rows.subscriptions[k] = s;
  for (const auto& [k, n] : b.incidents_added()) rows.incidents[k] = {n, at, 0};
  for (Key k : b.incidents_resolved()) {
    if (auto it = rows.incidents.find(k); it != rows.incidents.end() && it->second.resolved == 0)
      it->second.resolved = at;
  }
  for (const auto& t : b.tasks_ended()) {
    auto it = rows.tasks.find(t.key);
    if (it == rows.tasks.end() || it->second.row.state != "open") continue;
    auto& r = it->second.row;
    r.state = t.completed ? "completed" : "cancelled";
    r.ended_at = iso(at);
    r.ended_by = t.by;
    ++r.revision;
  }
  for (const auto& [k, t] : b.tasks_added()) {
    auto [it, fresh] = rows.tasks.try_emplace(k);
    auto& task = it->second;
    auto& r = task.row;
    if (fresh) {
      task.created = at;
      r.created_at = iso(at);
      r.revision = 1;
    } else {
      ++r.revision;
    }
    r.key = t.key;
    r.instance_id = t.instance_id;
    r.process_id = t.process_id;
    r.process_name = t.process_name;
    r.element_id = t.element_id;
    r.name = t.name;
    r.documentation = t.documentation;
    r.business_key = t.business_key;
    r.assignee = t.assignee;
    r.candidate_users = t.candidate_users;
    r.candidate_groups = t.candidate_groups;
    r.due = iso(t.due);
    r.follow_up = iso(t.follow_up);
    r.priority = t.priority;
    r.form_key = t.form_key;
    r.state = "open";
    r.ended_at.clear();
    r.ended_by.clear();
    task.due = t.due;
  }
  for (const auto& h : b.history()) rows.history.emplace_back(h, at);
  for (const auto& m : b.buffered()) {
    BufferedMessage copy = m.message;
    copy.id = ++rows.last_id;
    rows.messages[copy.id] = {copy, m.expires};
  }
  for (const auto& u : b.start_timers()) {
    if (auto it = rows.timers.find(u.key); it != rows.timers.end()) {
      it->second.first.due = u.due;
      it->second.first.fired = u.fired;
      it->second.second = {};
    }
  }
}

class MemoryStore::MemoryTx final : public Tx {
 public:
  explicit MemoryTx(Data& d) : d_(d), lock_(d.mutex) {}
  ~MemoryTx() override {
    if (backup_ && !done_) d_.rows = std::move(*backup_);  // roll back
  }

  Result<std::optional<InstanceSnapshot>> load_instance(Key id) override {
    auto it = d_.rows.instances.find(id);
    if (it == d_.rows.instances.end()) return std::optional<InstanceSnapshot>();
    return std::optional<InstanceSnapshot>(it->second.snapshot);
  }

  Result<std::vector<InstanceSnapshot>> load_instances(const std::vector<Key>& ids) override {
    std::vector<InstanceSnapshot> out;
    for (Key id : std::set<Key>(ids.begin(), ids.end())) {
      if (auto it = d_.rows.instances.find(id); it != d_.rows.instances.end())
        out.push_back(it->second.snapshot);
    }
    return out;
  }

  Result<std::optional<DefinitionRow>> definition(std::int64_t id) override {
    auto it = d_.rows.definitions.find(id);
    if (it == d_.rows.definitions.end()) return std::optional<DefinitionRow>();
    return std::optional<DefinitionRow>(it->second);
  }

  Result<std::optional<DefinitionRow>> latest_definition(const std::string& process_id) override {
    const auto* d = Data::latest_of(d_.rows.definitions, process_id);
    if (!d) return std::optional<DefinitionRow>();
    DefinitionRow row = *d;
    row.source.clear();
    return std::optional<DefinitionRow>(std::move(row));
  }

  Result<std::optional<DefinitionRow>> latest_decision(const std::string& decision_id,
                                                       bool with_source) override {
    const auto* d = Data::latest_of(d_.rows.decisions, decision_id);
    if (!d) return std::optional<DefinitionRow>();
    DefinitionRow row = *d;
    if (!with_source) row.source.clear();
    return std::optional<DefinitionRow>(std::move(row));
  }

  Result<Key> reserve_keys() override { return ++d_.next_block * kKeyBlock - kKeyBlock + 1; }

  Result<std::vector<Subscriber>> message_subscribers(const MessageAddress& to,
                                                      const std::vector<Key>& skip,
                                                      int limit) override {
    std::vector<Subscriber> out;
    std::set<Key> seen;
    for (const auto& [k, s] : d_.rows.subscriptions) {  // by key: the oldest first
      if (s.signal || s.name != to.name || s.correlation_key != to.correlation_key) continue;
      if (seen.count(s.instance_id) ||
          std::find(skip.begin(), skip.end(), s.instance_id) != skip.end())
        continue;
      auto it = d_.rows.instances.find(s.instance_id);
      if (it == d_.rows.instances.end() || it->second.status != "active") continue;
      const auto& i = it->second;
      if (!to.business_key.empty() && i.business_key != to.business_key) continue;
      const auto vars = i.snapshot.state.value("vars", nlohmann::json::object());
      bool equal = true;
      for (const auto& [name, value] : to.variables.items())
        equal = equal && vars.contains(name) && vars[name] == value;
      if (!equal) continue;
      seen.insert(s.instance_id);
      out.push_back(Subscriber{s.instance_id, k, i.business_key});
      if (static_cast<int>(out.size()) >= limit) break;
    }
    return out;
  }

  Result<std::vector<Key>> signal_subscribers(const std::string& name) override {
    std::set<Key> out;
    for (const auto& [k, s] : d_.rows.subscriptions)
      if (s.signal && s.name == name) out.insert(s.instance_id);
    return std::vector<Key>(out.begin(), out.end());
  }

  Result<std::vector<StartEventRow>> start_events(const std::string& kind,
                                                  const std::string& name) override {
    std::vector<StartEventRow> out;
    for (const auto& e : d_.rows.start_events)
      if (e.kind == kind && e.name == name) out.push_back(e);
    std::sort(out.begin(), out.end(), [](const StartEventRow& a, const StartEventRow& b) {
      return std::tie(a.process_id, a.element_id) < std::tie(b.process_id, b.element_id);
    });
    return out;
  }

  Result<std::optional<BufferedMessage>> take_buffered(const std::string& name,
                                                       const std::string& key,
                                                       std::int64_t now) override {
    for (auto it = d_.rows.messages.begin(); it != d_.rows.messages.end(); ++it) {
      const auto& m = it->second;
      if (m.message.name != name || m.message.correlation_key != key || m.expires <= now) continue;
      touch();
      auto found = d_.rows.messages.find(it->first);  // the backup copied the map: find again
      BufferedMessage out = found->second.message;
      d_.rows.messages.erase(found);
      return std::optional<BufferedMessage>(std::move(out));
    }
    return std::optional<BufferedMessage>();
  }

  Result<std::optional<Key>> active_child(Key parent, Key parent_element) override {
    for (const auto& [id, i] : d_.rows.instances) {
      if (i.parent_id == parent && i.parent_element == parent_element && i.status == "active")
        return std::optional<Key>(id);
    }
    return std::optional<Key>();
  }

  Result<void> write(const Batch& b) override {
    for (const auto& i : b.instances()) {
      auto it = d_.rows.instances.find(i.snapshot.id);
      const bool conflict = i.is_new ? it != d_.rows.instances.end()
                                     : it == d_.rows.instances.end() ||
                                           it->second.snapshot.version != i.expected_version;
      if (conflict)
        return fail(Errc::Conflict, "instance " + std::to_string(i.snapshot.id) +
                                        " changed since it was read; run the command again");
    }
    for (const auto& [process, version] : b.assumed_latest()) {
      const auto* d = Data::latest_of(d_.rows.definitions, process);
      if (!d || d->version != version)
        return fail(Errc::Conflict, "a new version of '" + process + "' was deployed meanwhile");
    }
    if (b.empty()) return {};
    touch();
    d_.apply(b, b.at ? b.at : d_.now());
    return {};
  }

  Result<void> commit() override {
    done_ = true;
    backup_.reset();
    return {};
  }

  Result<std::int64_t> insert_deployment(const std::string& actor, const nlohmann::json&) override {
    touch();
    d_.rows.deployed_by[++d_.rows.last_id] = actor;
    return d_.rows.last_id;
  }

  Result<std::int64_t> insert_definition(const DefinitionRow& d,
                                         std::int64_t deployment_id) override {
    touch();
    DefinitionRow row = d;
    row.id = ++d_.rows.last_id;
    row.deployed_at = d_.iso(d_.now());
    if (auto by = d_.rows.deployed_by.find(deployment_id); by != d_.rows.deployed_by.end())
      row.deployed_by = by->second;
    d_.rows.definitions[row.id] = row;
    return row.id;
  }

  Result<void> replace_start_events(const std::string& process_id,
                                    const std::vector<StartEventRow>& events,
                                    const std::vector<TimerRow>& timers) override {
    touch();
    auto& starts = d_.rows.start_events;
    starts.erase(std::remove_if(starts.begin(), starts.end(),
                                [&](const StartEventRow& e) { return e.process_id == process_id; }),
                 starts.end());
    for (auto it = d_.rows.timers.begin(); it != d_.rows.timers.end();) {
      const auto& t = it->second.first;
      auto def = d_.rows.definitions.find(t.definition_id);
      const bool of_process = t.instance_id == 0 && def != d_.rows.definitions.end() &&
                              def->second.process_id == process_id;
      it = of_process ? d_.rows.timers.erase(it) : std::next(it);
    }
    starts.insert(starts.end(), events.begin(), events.end());
    for (const auto& t : timers) d_.rows.timers[t.key] = {t, {}};
    return {};
  }

  Result<std::int64_t> insert_decision(const DefinitionRow& d, std::int64_t) override {
    touch();
    DefinitionRow row = d;
    row.id = ++d_.rows.last_id;
    row.deployed_at = d_.iso(d_.now());
    d_.rows.decisions[row.id] = row;
    return row.id;
  }

  Result<FormVersion> insert_form(const std::string& form_id, const std::string& file,
                                  const nlohmann::json& schema, const std::string& hash,
                                  std::int64_t) override {
    const Data::Form* latest = nullptr;
    for (const auto& f : d_.rows.forms) {
      if (f.row.form_id == form_id && (!latest || f.row.version > latest->row.version)) latest = &f;
    }
    if (latest && latest->hash == hash) return FormVersion{latest->row.version, true};
    const int version = latest ? latest->row.version + 1 : 1;
    touch();
    d_.rows.forms.push_back({FormRow{form_id, file, version, schema}, hash});
    return FormVersion{version, false};
  }

  Result<std::vector<JobRow>> acquire_jobs(const std::vector<std::string>& types,
                                           const std::string& node, std::int64_t now,
                                           std::int64_t lease_until, int limit) override {
    std::vector<std::pair<std::int64_t, Key>> due;
    for (const auto& [k, j] : d_.rows.jobs) {
      if (waits_in(types, j.first.type) && j.first.due <= now && j.second.lock_until <= now)
        due.emplace_back(j.first.due, k);
    }
    std::sort(due.begin(), due.end());
    if (due.size() > static_cast<std::size_t>(std::max(0, limit)))
      due.resize(static_cast<std::size_t>(std::max(0, limit)));
    if (!due.empty()) touch();
    std::vector<JobRow> out;
    for (const auto& [at, k] : due) {
      auto& j = d_.rows.jobs.at(k);
      j.second = {node, lease_until};
      out.push_back(j.first);
    }
    return out;
  }

  Result<std::vector<TimerRow>> acquire_timers(const std::string& node, std::int64_t due_by,
                                               std::int64_t now, std::int64_t lease_until,
                                               int limit) override {
    std::vector<std::pair<std::int64_t, Key>> due;
    for (const auto& [k, t] : d_.rows.timers) {
      if (t.first.due <= due_by && t.second.lock_until <= now) due.emplace_back(t.first.due, k);
    }
    std::sort(due.begin(), due.end());
    if (due.size() > static_cast<std::size_t>(std::max(0, limit)))
      due.resize(static_cast<std::size_t>(std::max(0, limit)));
    if (!due.empty()) touch();
    std::vector<TimerRow> out;
    for (const auto& [at, k] : due) {
      auto& t = d_.rows.timers.at(k);
      t.second = {node, lease_until};
      out.push_back(t.first);
    }
    return out;
  }

 private:
  // Before the first write: keep the rows as they were, to restore them on rollback.
  void touch() {
    if (!backup_) backup_ = d_.rows;
  }

  Data& d_;
  std::unique_lock<std::mutex> lock_;
  std::optional<Data::Rows> backup_;
  bool done_ = false;
};

MemoryStore::MemoryStore(std::function<std::int64_t()> now) : data_(std::make_unique<Data>()) {
  data_->now = now ? std::move(now) : std::function<std::int64_t()>(wall_clock);
}

MemoryStore::~MemoryStore() = default;

nlohmann::json MemoryStore::dump() {
  std::lock_guard lock(data_->mutex);
  using nlohmann::json;
  const auto& r = data_->rows;
  json out = json::object();
  for (const auto& [id, i] : r.instances) {
    out["instances"][std::to_string(id)] = {{"definition", i.snapshot.definition_id},
                                            {"version", i.snapshot.version},
                                            {"state", i.snapshot.state},
                                            {"status", i.status},
                                            {"ended", i.ended}};
  }
  for (const auto& [id, d] : r.definitions)
    out["definitions"].push_back({id, d.process_id, d.version});
  for (const auto& [id, d] : r.decisions) out["decisions"].push_back({id, d.process_id, d.version});
  for (const auto& f : r.forms) out["forms"].push_back({f.row.form_id, f.row.version});
  for (const auto& e : r.start_events)
    out["starts"].push_back({e.definition_id, e.element_id, e.kind, e.name});
  for (const auto& [k, j] : r.jobs)
    out["jobs"].push_back(
        {k, j.first.type, j.first.retries, j.first.due, j.second.locked_by, j.second.lock_until});
  for (const auto& [k, t] : r.timers)
    out["timers"].push_back(
        {k, t.first.element_id, t.first.due, t.first.fired, t.second.lock_until});
  for (const auto& [k, s] : r.subscriptions)
    out["subscriptions"].push_back({k, s.instance_id, s.name, s.correlation_key});
  for (const auto& [k, n] : r.incidents) out["incidents"].push_back({k, n.row.message, n.resolved});
  for (const auto& [k, t] : r.tasks)
    out["tasks"].push_back({k, t.row.state, t.row.assignee, t.row.revision});
  for (const auto& [h, at] : r.history)
    out["history"].push_back({h.instance_id, h.kind, h.element_id, h.data});
  for (const auto& [id, m] : r.messages) out["messages"].push_back({id, m.message.name, m.expires});
  out["last_id"] = r.last_id;
  return out;
}

Result<SchemaStatus> MemoryStore::schema_status() { return SchemaStatus{}; }
Result<std::vector<std::string>> MemoryStore::migrate() { return std::vector<std::string>(); }
Result<void> MemoryStore::require_migrated() { return {}; }

Result<std::unique_ptr<Tx>> MemoryStore::begin() {
  return std::unique_ptr<Tx>(std::make_unique<MemoryTx>(*data_));
}

Result<std::vector<DefinitionRow>> MemoryStore::definitions() {
  std::lock_guard lock(data_->mutex);
  std::vector<DefinitionRow> out;
  for (const auto& [id, d] : data_->rows.definitions) {
    out.push_back(d);
    out.back().source.clear();
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.process_id, a.version) < std::tie(b.process_id, b.version);
  });
  return out;
}

Result<std::vector<VersionCount>> MemoryStore::instance_counts(const std::string& process_id) {
  std::lock_guard lock(data_->mutex);
  std::map<std::int64_t, VersionCount> counts;
  for (const auto& [id, i] : data_->rows.instances) {
    if (i.process_id != process_id || i.status != "active") continue;
    auto& c = counts[i.snapshot.definition_id];
    c.definition_id = i.snapshot.definition_id;
    ++c.active;
    if (data_->instance_row(i).open_incidents > 0) ++c.incident;
  }
  std::vector<VersionCount> out;
  for (const auto& [id, c] : counts) out.push_back(c);
  return out;
}

Result<std::vector<InstanceRow>> MemoryStore::instances(const std::string& process_id,
                                                        const std::string& status, int limit) {
  std::lock_guard lock(data_->mutex);
  std::vector<InstanceRow> out;
  for (auto it = data_->rows.instances.rbegin(); it != data_->rows.instances.rend(); ++it) {
    const auto& i = it->second;
    if (!process_id.empty() && i.process_id != process_id) continue;
    InstanceRow row = data_->instance_row(i);
    const bool matches = status.empty() || row.status == status ||
                         (status == "incident" && row.status == "active" && row.open_incidents > 0);
    if (matches) out.push_back(std::move(row));
  }
  std::stable_sort(out.begin(), out.end(), [&](const InstanceRow& a, const InstanceRow& b) {
    return data_->rows.instances.at(a.id).started > data_->rows.instances.at(b.id).started;
  });
  if (out.size() > static_cast<std::size_t>(std::max(0, limit)))
    out.resize(static_cast<std::size_t>(std::max(0, limit)));
  return out;
}

Result<std::optional<InstanceRow>> MemoryStore::instance(Key id) {
  std::lock_guard lock(data_->mutex);
  auto it = data_->rows.instances.find(id);
  if (it == data_->rows.instances.end()) return std::optional<InstanceRow>();
  return std::optional<InstanceRow>(data_->instance_row(it->second));
}

Result<std::vector<IncidentRow>> MemoryStore::incidents(Key instance_id, bool open_only) {
  std::lock_guard lock(data_->mutex);
  std::vector<std::pair<std::int64_t, IncidentRow>> found;
  for (const auto& [k, n] : data_->rows.incidents) {
    if ((instance_id == 0 || n.row.instance_id == instance_id) && (!open_only || n.resolved == 0)) {
      found.emplace_back(n.created, data_->incident_row(n));
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<IncidentRow> out;
  for (auto& [at, row] : found) out.push_back(std::move(row));
  return out;
}

Result<std::vector<HistoryRow>> MemoryStore::history(Key instance_id) {
  std::lock_guard lock(data_->mutex);
  std::vector<HistoryRow> out;
  for (const auto& [h, at] : data_->rows.history) {
    if (h.instance_id != instance_id) continue;
    out.push_back(h);
    out.back().at = data_->iso(at);
  }
  return out;
}

Result<std::vector<JobRow>> MemoryStore::jobs(Key instance_id) {
  std::lock_guard lock(data_->mutex);
  std::vector<JobRow> out;
  for (const auto& [k, j] : data_->rows.jobs) {
    if (instance_id != 0 && j.first.instance_id != instance_id) continue;
    out.push_back(j.first);
    out.back().locked_by = j.second.locked_by;
    out.back().lock_until = j.second.lock_until;
  }
  return out;
}

Result<std::optional<FormRow>> MemoryStore::form(const std::string& key) {
  std::lock_guard lock(data_->mutex);
  const Data::Form* best = nullptr;
  for (const auto& f : data_->rows.forms) {
    const std::string base = f.row.file.substr(f.row.file.find_last_of('/') + 1);
    const std::string stem = base.substr(0, base.find('.'));
    if (f.row.form_id != key && f.row.file != key && base != key && stem != key) continue;
    if (!best || f.row.version > best->row.version) best = &f;
  }
  if (!best) return std::optional<FormRow>();
  return std::optional<FormRow>(best->row);
}

Result<std::optional<std::int64_t>> MemoryStore::next_timer_due() {
  std::lock_guard lock(data_->mutex);
  std::optional<std::int64_t> out;
  for (const auto& [k, t] : data_->rows.timers) {
    const auto at = std::max(t.first.due, t.second.lock_until);
    if (!out || at < *out) out = at;
  }
  return out;
}

Result<std::optional<std::int64_t>> MemoryStore::next_job_due(
    const std::vector<std::string>& types) {
  std::lock_guard lock(data_->mutex);
  std::optional<std::int64_t> out;
  for (const auto& [k, j] : data_->rows.jobs) {
    if (!waits_in(types, j.first.type)) continue;
    const auto at = std::max(j.first.due, j.second.lock_until);
    if (!out || at < *out) out = at;
  }
  return out;
}

Result<std::optional<LockedJob>> MemoryStore::locked_job(Key key) {
  std::lock_guard lock(data_->mutex);
  auto it = data_->rows.jobs.find(key);
  if (it == data_->rows.jobs.end()) return std::optional<LockedJob>();
  LockedJob out{it->second.first, it->second.second.locked_by, it->second.second.lock_until, "",
                ""};
  if (auto i = data_->rows.instances.find(out.job.instance_id); i != data_->rows.instances.end()) {
    out.process_id = i->second.process_id;
    out.business_key = i->second.business_key;
  }
  return std::optional<LockedJob>(std::move(out));
}

Result<bool> MemoryStore::relock_job(Key key, const std::string& worker, std::int64_t lock_until,
                                     std::int64_t now) {
  std::lock_guard lock(data_->mutex);
  auto it = data_->rows.jobs.find(key);
  if (it == data_->rows.jobs.end() || it->second.second.locked_by != worker ||
      it->second.second.lock_until <= now)
    return false;
  it->second.second.lock_until = lock_until;
  return true;
}

Result<bool> MemoryStore::unlock_job(Key key) {
  std::lock_guard lock(data_->mutex);
  auto it = data_->rows.jobs.find(key);
  if (it == data_->rows.jobs.end()) return false;
  it->second.second = {};
  return true;
}

Result<TaskPage> MemoryStore::tasks(const TaskQuery& q) {
  std::lock_guard lock(data_->mutex);
  const std::int64_t now = data_->now();
  std::optional<std::int64_t> due_before;
  if (auto d = iso8601::parse_date_time(q.due_before); d && !q.due_before.empty())
    due_before = d->epoch_millis;
  std::vector<const Data::Task*> found;
  for (const auto& [k, t] : data_->rows.tasks) {
    const auto& r = t.row;
    auto has = [](const std::vector<std::string>& v, const std::string& x) {
      return std::find(v.begin(), v.end(), x) != v.end();
    };
    if (q.restrict) {
      bool offered = has(r.candidate_users, q.user);
      for (const auto& g : q.groups) offered |= has(r.candidate_groups, g);
      if (r.assignee != q.user && !(r.assignee.empty() && offered)) continue;
    }
    if (q.assignee == "-" ? !r.assignee.empty() : !q.assignee.empty() && r.assignee != q.assignee)
      continue;
    if (!q.candidate_group.empty() && !has(r.candidate_groups, q.candidate_group)) continue;
    if (!q.process_id.empty() && r.process_id != q.process_id) continue;
    if (q.instance_id && r.instance_id != q.instance_id) continue;
    if (!q.state.empty() && r.state != q.state) continue;
    if (q.overdue && !data_->task_row(t, now).overdue) continue;
    if (due_before && (t.due == 0 || t.due >= *due_before)) continue;
    found.push_back(&t);
  }
  auto order = [&](const Data::Task* a, const Data::Task* b) {
    if (q.sort == "created")
      return std::tie(a->created, a->row.key) < std::tie(b->created, b->row.key);
    if (q.sort == "priority")
      return std::make_tuple(-a->row.priority, a->row.key) <
             std::make_tuple(-b->row.priority, b->row.key);
    if (q.sort == "name")
      return std::tie(a->row.name, a->row.key) < std::tie(b->row.name, b->row.key);
    // due: tasks without a due date last
    const auto da = a->due ? a->due : INT64_MAX, db = b->due ? b->due : INT64_MAX;
    return std::tie(da, a->row.key) < std::tie(db, b->row.key);
  };
  std::sort(found.begin(), found.end(), order);
  TaskPage page;
  page.total = static_cast<std::int64_t>(found.size());
  if (page.total > q.offset + q.limit + kTaskCountCap) {
    page.total = q.offset + q.limit + kTaskCountCap;
    page.total_capped = true;
  }
  for (std::size_t i = static_cast<std::size_t>(std::max(0, q.offset));
       i < found.size() && page.tasks.size() < static_cast<std::size_t>(q.limit); ++i) {
    page.tasks.push_back(data_->task_row(*found[i], now));
  }
  return page;
}

Result<std::optional<TaskRow>> MemoryStore::task(Key key) {
  std::lock_guard lock(data_->mutex);
  auto it = data_->rows.tasks.find(key);
  if (it == data_->rows.tasks.end()) return std::optional<TaskRow>();
  return std::optional<TaskRow>(data_->task_row(it->second, data_->now()));
}

Result<std::optional<TaskRow>> MemoryStore::assign_task(Key key, const std::string& assignee,
                                                        int expected) {
  std::lock_guard lock(data_->mutex);
  auto it = data_->rows.tasks.find(key);
  if (it == data_->rows.tasks.end()) return std::optional<TaskRow>();
  auto& r = it->second.row;
  if (r.state != "open" || (expected && r.revision != expected)) return std::optional<TaskRow>();
  r.assignee = assignee;
  r.claimed_at = assignee.empty() ? "" : data_->iso(data_->now());
  ++r.revision;
  return std::optional<TaskRow>(data_->task_row(it->second, data_->now()));
}

}  // namespace elva::store
