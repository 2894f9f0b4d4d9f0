// store::Tx over one pqxx::work. Writes are batched: each kind of row goes in one statement
// (multi-row inserts through jsonb_to_recordset, deletes with = ANY(array)).
#include "store/pg/pg_tx.hpp"

#include "store/pg/pg_errors.hpp"

namespace elva::store {
namespace {

using nlohmann::json;

std::int64_t k(Key key) { return static_cast<std::int64_t>(key); }

// Runs a statement body and turns pqxx exceptions into Results; bodies return a value, nothing
// or a Result<void>.
template <typename F>
auto run_guarded(const std::string& url, F&& f) {
  using T = decltype(f());
  if constexpr (std::is_void_v<T>) {
    return guarded(url, [&]() -> Result<void> {
      f();
      return {};
    });
  } else if constexpr (std::is_same_v<T, Result<void>>) {
    return guarded(url, f);
  } else {
    return guarded(url, [&]() -> Result<T> { return f(); });
  }
}

class PgTx final : public Tx {
 public:
  PgTx(pqxx::connection& conn, std::string url) : url_(std::move(url)), work_(conn) {}
  ~PgTx() override {
    if (!begun_ || done_) return;
    try {
      work_.exec("ROLLBACK");
    } catch (...) {
    }  // the connection may be gone: nothing to undo then
  }

  Result<std::optional<InstanceSnapshot>> load_instance(Key id) override {
    return run_guarded(url_, [&]() -> std::optional<InstanceSnapshot> {
      auto r = work_.exec_params(
          "SELECT definition_id, version, state::text FROM instances WHERE id = $1", k(id));
      if (r.empty()) return std::nullopt;
      return InstanceSnapshot{id, r[0][0].as<std::int64_t>(), r[0][1].as<std::uint64_t>(),
                              json::parse(r[0][2].as<std::string>())};
    });
  }

  Result<std::vector<InstanceSnapshot>> load_instances(const std::vector<Key>& ids) override {
    return run_guarded(url_, [&]() {
      std::vector<InstanceSnapshot> out;
      auto rows = work_.exec_params(
          "SELECT id, definition_id, version, state::text FROM instances WHERE id = "
          "ANY($1::bigint[])",
          key_array(ids));
      for (const auto& r : rows) {
        out.push_back({static_cast<Key>(r[0].as<std::int64_t>()), r[1].as<std::int64_t>(),
                       r[2].as<std::uint64_t>(), json::parse(r[3].as<std::string>())});
      }
      return out;
    });
  }

  static DefinitionRow definition_row(const pqxx::row& r) {
    return {r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<int>(),
            r[3].as<std::string>(),  r[4].as<std::string>(), r[5].as<std::string>(),
            r[6].as<std::string>(),  r[7].as<std::string>()};
  }
  static constexpr const char* kDefinition =
      "SELECT id, process_id, version, name, file, source, hash, elva_iso(deployed_at) FROM "
      "definitions ";

  Result<std::optional<DefinitionRow>> definition(std::int64_t id) override {
    return run_guarded(url_, [&]() -> std::optional<DefinitionRow> {
      auto r = work_.exec_params(std::string(kDefinition) + "WHERE id = $1", id);
      if (r.empty()) return std::nullopt;
      return definition_row(r[0]);
    });
  }

  Result<std::optional<DefinitionRow>> latest_definition(const std::string& process_id) override {
    return run_guarded(url_, [&]() -> std::optional<DefinitionRow> {
      // Without the source: callers need the id, version and hash (the source is read once per
      // definition, by definition(), when it is first parsed).
      auto r = work_.exec_params(
          "SELECT id, process_id, version, name, file, '', hash, elva_iso(deployed_at) FROM "
          "definitions "
          "WHERE process_id = $1 ORDER BY version DESC LIMIT 1",
          process_id);
      if (r.empty()) return std::nullopt;
      return definition_row(r[0]);
    });
  }

  Result<Key> reserve_keys() override {
    return run_guarded(url_, [&]() {
      return static_cast<Key>(work_.exec1("SELECT nextval('key_blocks')")[0].as<std::int64_t>()) *
             4096;
    });
  }

  Result<std::vector<Subscriber>> message_subscribers(const MessageAddress& to,
                                                      const std::vector<Key>& skip,
                                                      int limit) override {
    return run_guarded(url_, [&]() {
      // Each instance's oldest matching subscription; the variables must each be equal (jsonb
      // equality: 5 = 5.0), not merely contained.
      auto r = work_.exec_params(
          "SELECT s.instance_id, min(s.key) AS sub, min(i.business_key) FROM subscriptions s "
          "JOIN instances i ON i.id = s.instance_id "
          "WHERE NOT s.signal AND s.name = $1 AND s.correlation_key = $2 "
          "AND NOT (s.instance_id = ANY($3::bigint[])) AND i.status = 'active' "
          "AND ($4 = '' OR i.business_key = $4) "
          "AND NOT EXISTS (SELECT 1 FROM jsonb_each($5::jsonb) m "
          "WHERE (i.variables -> m.key) IS DISTINCT FROM m.value) "
          "GROUP BY s.instance_id ORDER BY sub LIMIT $6",
          to.name, to.correlation_key, key_array(skip), to.business_key, to.variables.dump(),
          limit);
      std::vector<Subscriber> out;
      for (const auto& row : r) {
        out.push_back(Subscriber{static_cast<Key>(row[0].as<std::int64_t>()),
                                 static_cast<Key>(row[1].as<std::int64_t>()),
                                 row[2].as<std::string>()});
      }
      return out;
    });
  }

  Result<std::vector<Key>> signal_subscribers(const std::string& name) override {
    return run_guarded(url_, [&]() {
      std::vector<Key> out;
      for (const auto& r : work_.exec_params("SELECT DISTINCT instance_id FROM subscriptions WHERE "
                                             "signal AND name = $1 ORDER BY 1",
                                             name)) {
        out.push_back(static_cast<Key>(r[0].as<std::int64_t>()));
      }
      return out;
    });
  }

  Result<std::vector<StartEventRow>> start_events(const std::string& kind,
                                                  const std::string& name) override {
    return run_guarded(url_, [&]() {
      std::vector<StartEventRow> out;
      for (const auto& r : work_.exec_params(
               "SELECT definition_id, process_id, element_id, kind, name FROM start_events "
               "WHERE kind = $1 AND name = $2 ORDER BY process_id, element_id",
               kind, name)) {
        out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                       r[3].as<std::string>(), r[4].as<std::string>()});
      }
      return out;
    });
  }

  Result<std::optional<BufferedMessage>> take_buffered(const std::string& name,
                                                       const std::string& key,
                                                       std::int64_t now) override {
    return run_guarded(url_, [&]() -> std::optional<BufferedMessage> {
      begin();
      // Exactly its key: a subscription without a key takes only a message without one.
      auto r = work_.exec_params(
          "DELETE FROM messages WHERE id = (SELECT id FROM messages WHERE name = $1 AND "
          "correlation_key = $2 "
          "AND expires > $3 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, name, "
          "correlation_key, variables::text",
          name, key, now);
      if (r.empty()) return std::nullopt;
      return BufferedMessage{r[0][0].as<std::int64_t>(), r[0][1].as<std::string>(),
                             r[0][2].as<std::string>(), json::parse(r[0][3].as<std::string>())};
    });
  }

  Result<std::optional<Key>> active_child(Key parent, Key parent_element) override {
    return run_guarded(url_, [&]() -> std::optional<Key> {
      auto r = work_.exec_params(
          "SELECT id FROM instances WHERE parent_id = $1 AND parent_element = $2 AND status = "
          "'active'",
          k(parent), k(parent_element));
      if (r.empty()) return std::nullopt;
      return static_cast<Key>(r[0][0].as<std::int64_t>());
    });
  }

  // One statement, one round trip: a data-modifying CTE per kind of row. Rows added and removed
  // in the same batch were already netted out by the caller, so the parts never touch the same
  // row. The statement returns how many instances the version-checked update changed.
  Result<void> write(const Batch& b) override {
    return run_guarded(url_, [&]() -> Result<void> {
      std::vector<std::string> parts;
      auto rows_of = [&](const json& rows) { return work_.quote(rows.dump()) + "::jsonb"; };
      // Rows to update by key, as a relation the planner knows the size of: it takes any set
      // function for 100 rows, and then hash-joins a sequential scan of the whole table (every
      // instance, every task) rather than look up a few keys in the index. LIMIT tells it.
      auto keyed = [&](const json& rows, const char* columns) {
        return "(SELECT * FROM jsonb_to_recordset(" + rows_of(rows) + ") AS r(" + columns +
               ") LIMIT " + std::to_string(rows.size()) + ") AS x";
      };
      // The batch's time (the unit's clock), so both stores stamp rows alike; else the database's.
      const std::string at =
          b.at ? "(timestamptz 'epoch' + " + std::to_string(b.at) + " * interval '1 millisecond')"
               : "now()";
      json fresh = json::array(), changed = json::array();
      for (const auto& i : b.instances()) {
        json row = {{"id", k(i.snapshot.id)},
                    {"definition_id", i.snapshot.definition_id},
                    {"process_id", i.process_id},
                    {"business_key", i.business_key},
                    {"status", i.status},
                    {"version", i.snapshot.version},
                    {"state", i.snapshot.state},
                    {"variables", i.snapshot.state.value("vars", json::object())},
                    {"parent_id", i.parent_id ? json(k(i.parent_id)) : json()},
                    {"parent_element", i.parent_element ? json(k(i.parent_element)) : json()},
                    {"expected", i.expected_version},
                    {"ended", i.ended}};
        (i.is_new ? fresh : changed).push_back(std::move(row));
      }
      if (!fresh.empty()) {
        parts.push_back(
            "ni AS (INSERT INTO instances (id, definition_id, process_id, business_key, status, "
            "version, state, variables, "
            "parent_id, parent_element, started_at, ended_at) SELECT id, definition_id, "
            "process_id, business_key, status, version, "
            "state, variables, parent_id, parent_element, " +
            at + ", CASE WHEN ended THEN " + at + " END FROM jsonb_to_recordset(" + rows_of(fresh) +
            ") AS x(id bigint, definition_id bigint, process_id text, business_key text, status "
            "text, version bigint, "
            "state jsonb, variables jsonb, parent_id bigint, parent_element bigint, ended "
            "boolean))");
      }
      if (!changed.empty()) {
        parts.push_back(
            "ui AS (UPDATE instances i SET definition_id = x.definition_id, status = x.status, "
            "version = x.version, state = x.state, variables = x.variables, "
            "ended_at = CASE WHEN x.ended AND i.ended_at IS NULL THEN " +
            at + " ELSE i.ended_at END FROM " +
            keyed(changed,
                  "id bigint, definition_id bigint, status text, version bigint, state jsonb, "
                  "variables jsonb, expected bigint, ended boolean") +
            " WHERE i.id = x.id AND i.version = x.expected RETURNING 1)");
      }
      auto remove = [&](const char* name, const char* table, const std::vector<Key>& keys) {
        if (!keys.empty())
          parts.push_back(std::string(name) + " AS (DELETE FROM " + table + " WHERE key = ANY(" +
                          work_.quote(key_array(keys)) + "::bigint[]))");
      };
      remove("dj", "jobs", b.jobs_removed());
      remove("dt", "timers", b.timers_removed());
      remove("ds", "subscriptions", b.subscriptions_removed());
      if (!b.tasks_ended().empty()) {
        json rows = json::array();
        for (const auto& t : b.tasks_ended())
          rows.push_back({{"key", k(t.key)}, {"completed", t.completed}, {"done_by", t.by}});
        parts.push_back(
            "eu AS (UPDATE user_tasks u SET state = CASE WHEN x.completed THEN 'completed' ELSE "
            "'cancelled' END, "
            "ended_at = " +
            at +
            ", ended_by = x.done_by, "
            "revision = u.revision + 1 FROM " +
            keyed(rows, "key bigint, completed boolean, done_by text") +
            " WHERE u.key = x.key AND u.state = 'open')");
      }
      if (!b.tasks_added().empty()) {
        json rows = json::array();
        auto seconds = [](std::int64_t ms) {
          return ms ? json(static_cast<double>(ms) / 1000.0) : json();
        };
        for (const auto& [key, t] : b.tasks_added()) {
          rows.push_back({{"key", k(t.key)},
                          {"instance_id", k(t.instance_id)},
                          {"process_id", t.process_id},
                          {"process_name", t.process_name},
                          {"element_id", t.element_id},
                          {"name", t.name},
                          {"documentation", t.documentation},
                          {"business_key", t.business_key},
                          {"assignee", t.assignee},
                          {"candidate_users", t.candidate_users},
                          {"candidate_groups", t.candidate_groups},
                          {"due", seconds(t.due)},
                          {"follow_up", seconds(t.follow_up)},
                          {"priority", t.priority},
                          {"form_key", t.form_key}});
        }
        parts.push_back(
            "nu AS (INSERT INTO user_tasks (key, instance_id, process_id, process_name, "
            "element_id, name, documentation, "
            "business_key, assignee, candidate_users, candidate_groups, due, follow_up, priority, "
            "form_key, created_at) "
            "SELECT key, instance_id, process_id, process_name, element_id, name, documentation, "
            "business_key, assignee, "
            "ARRAY(SELECT jsonb_array_elements_text(candidate_users)), ARRAY(SELECT "
            "jsonb_array_elements_text(candidate_groups)), "
            "to_timestamp(due), to_timestamp(follow_up), priority, form_key, " +
            at + " FROM jsonb_to_recordset(" + rows_of(rows) +
            ") AS x(key bigint, instance_id bigint, process_id text, process_name text, element_id "
            "text, name text, "
            "documentation text, business_key text, assignee text, candidate_users jsonb, "
            "candidate_groups jsonb, due float8, "
            "follow_up float8, priority int, form_key text) "
            "ON CONFLICT (key) DO UPDATE SET assignee = excluded.assignee, candidate_users = "
            "excluded.candidate_users, "
            "candidate_groups = excluded.candidate_groups, due = excluded.due, follow_up = "
            "excluded.follow_up, "
            "priority = excluded.priority, state = 'open', ended_at = NULL, ended_by = '', "
            "revision = user_tasks.revision + 1)");
      }
      if (!b.jobs_added().empty()) {
        json rows = json::array();
        for (const auto& [key, j] : b.jobs_added()) {
          rows.push_back({{"key", k(j.key)},
                          {"instance_id", k(j.instance_id)},
                          {"element_instance", k(j.element_instance)},
                          {"element_id", j.element_id},
                          {"type", j.type},
                          {"retries", j.retries},
                          {"due", j.due},
                          {"input", j.input}});
        }
        parts.push_back(
            "nj AS (INSERT INTO jobs (key, instance_id, element_instance, element_id, type, "
            "retries, due, input) "
            "SELECT key, instance_id, element_instance, element_id, type, retries, due, input FROM "
            "jsonb_to_recordset(" +
            rows_of(rows) +
            ") AS x(key bigint, instance_id bigint, element_instance bigint, element_id text, type "
            "text, retries int, due bigint, input jsonb))");
      }
      if (!b.timers_added().empty()) {
        json rows = json::array();
        for (const auto& [key, t] : b.timers_added()) {
          rows.push_back({{"key", k(t.key)},
                          {"instance_id", t.instance_id ? json(k(t.instance_id)) : json()},
                          {"definition_id", t.definition_id},
                          {"element_id", t.element_id},
                          {"due", t.due},
                          {"fired", t.fired}});
        }
        parts.push_back(
            "nt AS (INSERT INTO timers (key, instance_id, definition_id, element_id, due, fired) "
            "SELECT key, instance_id, definition_id, element_id, due, fired FROM "
            "jsonb_to_recordset(" +
            rows_of(rows) +
            ") AS x(key bigint, instance_id bigint, definition_id bigint, element_id text, due "
            "bigint, fired int))");
      }
      if (!b.subscriptions_added().empty()) {
        json rows = json::array();
        for (const auto& [key, x] : b.subscriptions_added()) {
          rows.push_back({{"key", k(x.key)},
                          {"instance_id", k(x.instance_id)},
                          {"element_id", x.element_id},
                          {"signal", x.signal},
                          {"name", x.name},
                          {"correlation_key", x.correlation_key}});
        }
        parts.push_back(
            "ns AS (INSERT INTO subscriptions (key, instance_id, element_id, signal, name, "
            "correlation_key) "
            "SELECT key, instance_id, element_id, signal, name, correlation_key FROM "
            "jsonb_to_recordset(" +
            rows_of(rows) +
            ") AS x(key bigint, instance_id bigint, element_id text, signal boolean, name text, "
            "correlation_key text))");
      }
      if (!b.incidents_added().empty()) {
        json rows = json::array();
        for (const auto& [key, i] : b.incidents_added()) {
          rows.push_back({{"key", k(i.key)},
                          {"instance_id", k(i.instance_id)},
                          {"element_instance", k(i.element_instance)},
                          {"element_id", i.element_id},
                          {"message", i.message}});
        }
        parts.push_back(
            "nn AS (INSERT INTO incidents (key, instance_id, element_instance, element_id, "
            "message, created_at) "
            "SELECT key, instance_id, element_instance, element_id, message, " +
            at + " FROM jsonb_to_recordset(" + rows_of(rows) +
            ") AS x(key bigint, instance_id bigint, element_instance bigint, element_id text, "
            "message text))");
      }
      if (!b.incidents_resolved().empty()) {
        const std::string actor = b.actor.empty() ? std::string("engine") : b.actor;
        parts.push_back("rn AS (UPDATE incidents SET resolved_at = " + at +
                        ", resolved_by = " + work_.quote(actor) + " WHERE key = ANY(" +
                        work_.quote(key_array(b.incidents_resolved())) +
                        "::bigint[]) AND resolved_at IS NULL)");
      }
      if (!b.buffered().empty()) {
        json rows = json::array();
        for (const auto& m : b.buffered()) {
          rows.push_back({{"name", m.message.name},
                          {"correlation_key", m.message.correlation_key},
                          {"variables", m.message.variables},
                          {"expires", m.expires}});
        }
        parts.push_back(
            "nm AS (INSERT INTO messages (name, correlation_key, variables, expires) "
            "SELECT name, correlation_key, variables, expires FROM jsonb_to_recordset(" +
            rows_of(rows) +
            ") AS x(name text, correlation_key text, variables jsonb, expires bigint))");
      }
      if (!b.start_timers().empty()) {
        json rows = json::array();
        for (const auto& t : b.start_timers())
          rows.push_back({{"key", k(t.key)}, {"due", t.due}, {"fired", t.fired}});
        parts.push_back(
            "us AS (UPDATE timers t SET due = x.due, fired = x.fired, locked_by = '', lock_until = "
            "0 FROM " +
            keyed(rows, "key bigint, due bigint, fired int") + " WHERE t.key = x.key)");
      }
      if (!b.history().empty()) {
        json rows = json::array();
        for (const auto& h : b.history()) {
          rows.push_back({{"instance_id", k(h.instance_id)},
                          {"actor", h.actor},
                          {"kind", h.kind},
                          {"element_id", h.element_id},
                          {"data", h.data}});
        }
        parts.push_back(
            "nh AS (INSERT INTO history (instance_id, actor, kind, element_id, data, at) "
            "SELECT instance_id, actor, kind, element_id, data, " +
            at + " FROM jsonb_to_recordset(" + rows_of(rows) +
            ") AS x(instance_id bigint, actor text, kind text, element_id text, data jsonb))");
      }
      if (parts.empty()) return {};
      std::string sql = "WITH ";
      for (std::size_t i = 0; i < parts.size(); ++i) sql += (i ? ", " : "") + parts[i];
      // A lost version check aborts the whole statement (elva_conflict raises 40001 -> Conflict).
      std::string ok = changed.empty()
                           ? "true"
                           : "(SELECT count(*) FROM ui) = " + std::to_string(changed.size());
      for (const auto& [process, version] : b.assumed_latest()) {
        ok += " AND (SELECT max(version) FROM definitions WHERE process_id = " +
              work_.quote(process) + ") = " + std::to_string(version);
      }
      // New work wakes the schedulers (delivered when this commits).
      sql += " SELECT CASE WHEN " + ok + " THEN 0 ELSE elva_conflict() END" +
             (b.wake ? ", pg_notify('elva_work', '')" : "");
      work_.exec1(sql);
      return {};
    });
  }

  Result<std::int64_t> insert_deployment(const std::string& actor, const json& files) override {
    return run_guarded(url_, [&]() {
      begin();
      return work_
          .exec_params1(
              "INSERT INTO deployments (deployed_by, files) VALUES ($1, $2::jsonb) RETURNING id",
              actor, files.dump())[0]
          .as<std::int64_t>();
    });
  }

  Result<std::int64_t> insert_definition(const DefinitionRow& d,
                                         std::int64_t deployment_id) override {
    return run_guarded(url_, [&]() {
      begin();
      return work_
          .exec_params1(
              "INSERT INTO definitions (process_id, version, name, deployment_id, file, source, "
              "hash) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
              d.process_id, d.version, d.name, deployment_id, d.file, d.source, d.hash)[0]
          .as<std::int64_t>();
    });
  }

  // DefinitionRow doubles as a decision row: process_id holds the decision id.
  Result<std::optional<DefinitionRow>> latest_decision(const std::string& decision_id,
                                                       bool with_source) override {
    return run_guarded(url_, [&]() -> std::optional<DefinitionRow> {
      auto r = work_.exec_params(std::string("SELECT id, decision_id, version, name, file, ") +
                                     (with_source ? "source" : "''") +
                                     ", hash, elva_iso(deployed_at) FROM decisions WHERE "
                                     "decision_id = $1 ORDER BY version DESC LIMIT 1",
                                 decision_id);
      if (r.empty()) return std::nullopt;
      return definition_row(r[0]);
    });
  }

  Result<std::int64_t> insert_decision(const DefinitionRow& d,
                                       std::int64_t deployment_id) override {
    return run_guarded(url_, [&]() {
      begin();
      return work_
          .exec_params1(
              "INSERT INTO decisions (decision_id, version, name, deployment_id, file, source, "
              "hash) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
              d.process_id, d.version, d.name, deployment_id, d.file, d.source, d.hash)[0]
          .as<std::int64_t>();
    });
  }

  Result<FormVersion> insert_form(const std::string& form_id, const std::string& file,
                                  const json& schema, const std::string& hash,
                                  std::int64_t deployment_id) override {
    return run_guarded(url_, [&]() {
      begin();
      auto latest = work_.exec_params(
          "SELECT version, hash FROM forms WHERE form_id = $1 ORDER BY version DESC LIMIT 1",
          form_id);
      if (!latest.empty() && latest[0][1].as<std::string>() == hash)
        return FormVersion{latest[0][0].as<int>(), true};
      const int version = latest.empty() ? 1 : latest[0][0].as<int>() + 1;
      work_.exec_params(
          "INSERT INTO forms (form_id, version, deployment_id, file, schema, hash) VALUES ($1, $2, "
          "$3, $4, $5::jsonb, $6)",
          form_id, version, deployment_id, file, schema.dump(), hash);
      return FormVersion{version, false};
    });
  }

  Result<void> replace_start_events(const std::string& process_id,
                                    const std::vector<StartEventRow>& events,
                                    const std::vector<TimerRow>& timers) override {
    return run_guarded(url_, [&]() {
      begin();
      work_.exec_params("DELETE FROM start_events WHERE process_id = $1", process_id);
      work_.exec_params(
          "DELETE FROM timers WHERE instance_id IS NULL AND definition_id IN "
          "(SELECT id FROM definitions WHERE process_id = $1)",
          process_id);
      for (const auto& e : events) {
        work_.exec_params(
            "INSERT INTO start_events (definition_id, process_id, element_id, kind, name) VALUES "
            "($1, $2, $3, $4, $5)",
            e.definition_id, e.process_id, e.element_id, e.kind, e.name);
      }
      for (const auto& t : timers) {
        work_.exec_params(
            "INSERT INTO timers (key, instance_id, definition_id, element_id, due, fired) VALUES "
            "($1, NULL, $2, $3, $4, $5)",
            k(t.key), t.definition_id, t.element_id, t.due, t.fired);
      }
    });
  }

  Result<std::vector<JobRow>> acquire_jobs(const std::vector<std::string>& types,
                                           const std::string& node, std::int64_t now,
                                           std::int64_t lease_until, int limit) override {
    return run_guarded(url_, [&]() {
      begin();
      std::vector<JobRow> out;
      // `was`: the holder of a lease that ran out (a new or retried job row has none).
      auto rows = work_.exec_params(
          "WITH c AS (SELECT key, locked_by AS was FROM jobs WHERE "
          "(cardinality($1::text[]) = 0 OR type = ANY($1::text[])) AND due <= $3 AND lock_until <= "
          "$3 ORDER BY due, key LIMIT $5 FOR UPDATE SKIP LOCKED), "
          "u AS (UPDATE jobs j SET locked_by = $2, lock_until = $4 FROM c WHERE j.key = c.key "
          "RETURNING j.key, j.instance_id, j.element_instance, j.element_id, j.type, j.retries, "
          "j.due, j.input::text, c.was) "
          "SELECT * FROM u ORDER BY due, key",
          text_array(types), node, now, lease_until, limit);
      for (const auto& r : rows) {
        out.push_back(job_row(r));
        out.back().expired_lease = r[8].as<std::string>();
      }
      return out;
    });
  }

  Result<std::vector<TimerRow>> acquire_timers(const std::string& node, std::int64_t due_by,
                                               std::int64_t now, std::int64_t lease_until,
                                               int limit) override {
    return run_guarded(url_, [&]() {
      begin();
      std::vector<TimerRow> out;
      auto rows = work_.exec_params(
          "WITH u AS (UPDATE timers SET locked_by = $1, lock_until = $4 WHERE key IN (SELECT key "
          "FROM timers WHERE due <= $2 "
          "AND lock_until <= $3 ORDER BY due, key LIMIT $5 FOR UPDATE SKIP LOCKED) "
          "RETURNING key, coalesce(instance_id, 0) AS instance_id, definition_id, element_id, due, "
          "fired) SELECT * FROM u ORDER BY due, key",
          node, due_by, now, lease_until, limit);
      for (const auto& r : rows) {
        out.push_back({static_cast<Key>(r[0].as<std::int64_t>()),
                       static_cast<Key>(r[1].as<std::int64_t>()), r[2].as<std::int64_t>(),
                       r[3].as<std::string>(), r[4].as<std::int64_t>(), r[5].as<int>()});
      }
      return out;
    });
  }

  Result<void> commit() override {
    return run_guarded(url_, [&]() {
      if (begun_) work_.exec("COMMIT");
      done_ = true;
    });
  }

 private:
  // Reads and the one-statement batch need no explicit transaction (the batch is atomic by
  // itself, and instance versions catch concurrent changes); any other write first opens one,
  // so that it commits or rolls back together with the batch.
  void begin() {
    if (begun_) return;
    work_.exec("BEGIN");
    begun_ = true;
  }

  std::string url_;
  pqxx::nontransaction work_;
  bool begun_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Tx> make_tx(pqxx::connection& conn, const std::string& url) {
  return std::make_unique<PgTx>(conn, url);
}

}  // namespace elva::store
