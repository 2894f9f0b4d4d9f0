// The retention seam on PostgreSQL (store/retention.hpp; docs/privacy.md). Each batch is one
// statement in one short transaction: the due instances are picked FOR UPDATE SKIP LOCKED, so a
// cleanup never waits for the engine, and lock_timeout bounds any wait on the rows it touches.
#include <pqxx/pqxx>

#include "store/pg/pg_errors.hpp"
#include "store/retention.hpp"

namespace elva::store {

void RetentionCounts::add(const RetentionCounts& o) {
  instances += o.instances;
  history += o.history;
  tasks += o.tasks;
  jobs += o.jobs;
  timers += o.timers;
  subscriptions += o.subscriptions;
  incidents += o.incidents;
  submissions += o.submissions;
  attachments += o.attachments;
}

nlohmann::json RetentionCounts::to_json() const {
  return {{"instances", instances}, {"history", history},         {"tasks", tasks},
          {"jobs", jobs},           {"timers", timers},           {"subscriptions", subscriptions},
          {"incidents", incidents}, {"submissions", submissions}, {"attachments", attachments}};
}

namespace {

using nlohmann::json;

// $1 definition ids, $2 now (ms), $3 interval, then per query.
constexpr const char* kDue =
    "SELECT id FROM instances WHERE definition_id = ANY($1::bigint[]) AND status <> 'active' "
    "AND ended_at < to_timestamp($2::bigint / 1000.0) - $3::interval ";

// The whole instance and every row keyed by it ($4: batch size), its access log too (the reads
// of values that are gone with it).
const std::string kDeleteInstances =
    std::string("WITH due AS (") + kDue +
    "ORDER BY ended_at LIMIT $4 FOR UPDATE SKIP LOCKED), "
    "sub AS (SELECT receipt FROM eservice_submissions WHERE instance_id IN (SELECT id FROM due)), "
    "h AS (DELETE FROM history WHERE instance_id IN (SELECT id FROM due) RETURNING 1), "
    "t AS (DELETE FROM user_tasks WHERE instance_id IN (SELECT id FROM due) RETURNING 1), "
    "j AS (DELETE FROM jobs WHERE instance_id IN (SELECT id FROM due) RETURNING 1), "
    "tm AS (DELETE FROM timers WHERE instance_id IN (SELECT id FROM due) RETURNING 1), "
    "s AS (DELETE FROM subscriptions WHERE instance_id IN (SELECT id FROM due) RETURNING 1), "
    "inc AS (DELETE FROM incidents WHERE instance_id IN (SELECT id FROM due) RETURNING 1), "
    "a AS (DELETE FROM attachments WHERE instance_id IN (SELECT id FROM due) "
    "  OR receipt IN (SELECT receipt FROM sub) RETURNING 1), "
    "es AS (DELETE FROM eservice_submissions WHERE receipt IN (SELECT receipt FROM sub) "
    "  RETURNING 1), "
    "pa AS (DELETE FROM privacy_access WHERE instance_id IN (SELECT id FROM due)), "
    "i AS (DELETE FROM instances WHERE id IN (SELECT id FROM due) RETURNING 1) "
    "SELECT (SELECT count(*) FROM i), (SELECT count(*) FROM h), (SELECT count(*) FROM t), "
    "(SELECT count(*) FROM j), (SELECT count(*) FROM tm), (SELECT count(*) FROM s), "
    "(SELECT count(*) FROM inc), (SELECT count(*) FROM es), (SELECT count(*) FROM a)";

const std::string kCountInstances =
    std::string("WITH due AS (") + kDue +
    "), sub AS (SELECT receipt FROM eservice_submissions WHERE instance_id IN (SELECT id FROM "
    "due)) "
    "SELECT (SELECT count(*) FROM due), "
    "(SELECT count(*) FROM history WHERE instance_id IN (SELECT id FROM due)), "
    "(SELECT count(*) FROM user_tasks WHERE instance_id IN (SELECT id FROM due)), "
    "(SELECT count(*) FROM jobs WHERE instance_id IN (SELECT id FROM due)), "
    "(SELECT count(*) FROM timers WHERE instance_id IN (SELECT id FROM due)), "
    "(SELECT count(*) FROM subscriptions WHERE instance_id IN (SELECT id FROM due)), "
    "(SELECT count(*) FROM incidents WHERE instance_id IN (SELECT id FROM due)), "
    "(SELECT count(*) FROM sub), "
    "(SELECT count(*) FROM attachments WHERE instance_id IN (SELECT id FROM due) "
    "  OR receipt IN (SELECT receipt FROM sub))";

// Only the values of some variables ($5 their names): from the instance's variables, its
// snapshot and its history's "variables" rows. An instance still holding one is due, so a
// batch cut short is simply found again.
const std::string kRemoveValues =
    std::string("WITH due AS (") + kDue +
    "AND variables ?| $5::text[] ORDER BY ended_at LIMIT $4 FOR UPDATE SKIP LOCKED), "
    "h AS (UPDATE history SET data = data - $5::text[] WHERE instance_id IN (SELECT id FROM due) "
    "  AND kind = 'variables' AND jsonb_typeof(data) = 'object' AND data ?| $5::text[] "
    "  RETURNING 1), "
    "i AS (UPDATE instances SET variables = variables - $5::text[], "
    "  state = jsonb_set(state, '{vars}', coalesce(state->'vars', '{}'::jsonb) - $5::text[]) "
    "  WHERE id IN (SELECT id FROM due) RETURNING 1) "
    "SELECT (SELECT count(*) FROM i), (SELECT count(*) FROM h)";

const std::string kCountValues =
    std::string("WITH due AS (") + kDue +
    "AND variables ?| $5::text[] AND ended_at >= to_timestamp($2::bigint / 1000.0) - "
    "$4::interval) "
    "SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM history WHERE instance_id IN "
    "(SELECT id FROM due) AND kind = 'variables' AND jsonb_typeof(data) = 'object' "
    "AND data ?| $5::text[])";

RetentionCounts counts_of(const pqxx::row& r) {
  RetentionCounts c;
  std::int64_t* fields[] = {&c.instances, &c.history,     &c.tasks,
                            &c.jobs,      &c.timers,      &c.subscriptions,
                            &c.incidents, &c.submissions, &c.attachments};
  for (pqxx::row::size_type i = 0; i < r.size() && i < 9; ++i) *fields[i] = r[i].as<std::int64_t>();
  return c;
}

std::vector<Key> ids_of(const std::vector<std::int64_t>& ids) {
  return std::vector<Key>(ids.begin(), ids.end());
}

class PgRetention final : public RetentionStore {
 public:
  explicit PgRetention(std::string url) : url_(std::move(url)) {}

  Result<void> open() {
    return guarded(url_, [&]() -> Result<void> {
      conn_ = std::make_unique<pqxx::connection>(url_);
      return {};
    });
  }

  Result<RetentionCounts> apply_batch(const RetentionRule& rule, std::int64_t now_ms,
                                      int limit) override {
    return guarded(url_, [&]() -> Result<RetentionCounts> {
      pqxx::work t(*conn_);
      t.exec("SET LOCAL lock_timeout = '1s'");
      const auto ids = key_array(ids_of(rule.definition_ids));
      RetentionCounts c;
      if (rule.variables.empty()) {
        c = counts_of(t.exec_params1(kDeleteInstances, ids, now_ms, rule.interval, limit));
      } else {
        auto r = t.exec_params1(kRemoveValues, ids, now_ms, rule.interval, limit,
                                text_array(rule.variables));
        c.instances = r[0].as<std::int64_t>();
        c.history = r[1].as<std::int64_t>();
      }
      t.commit();
      return c;
    });
  }

  Result<RetentionCounts> count_due(const RetentionRule& rule, std::int64_t now_ms) override {
    return guarded(url_, [&]() -> Result<RetentionCounts> {
      pqxx::read_transaction t(*conn_);
      const auto ids = key_array(ids_of(rule.definition_ids));
      if (rule.variables.empty())
        return counts_of(t.exec_params1(kCountInstances, ids, now_ms, rule.interval));
      // Instances the instance rule removes first are not counted here ("P1000Y": kept).
      const std::string first = rule.instance_interval.empty() ? "P1000Y" : rule.instance_interval;
      auto r = t.exec_params1(kCountValues, ids, now_ms, rule.interval, first,
                              text_array(rule.variables));
      RetentionCounts c;
      c.instances = r[0].as<std::int64_t>();
      c.history = r[1].as<std::int64_t>();
      return c;
    });
  }

  Result<void> record_run(const json& run) override {
    return guarded(url_, [&]() -> Result<void> {
      pqxx::work t(*conn_);
      t.exec_params(
          "INSERT INTO retention_runs (started_at, actor, dry_run, rules) VALUES "
          "(to_timestamp($1::bigint / 1000.0), $2, $3, $4::jsonb)",
          run.value("startedMs", std::int64_t{0}), run.value("actor", std::string()),
          run.value("dryRun", false), run.value("rules", json::array()).dump());
      t.commit();
      return {};
    });
  }

  Result<std::vector<DeployedDefinition>> deployed_definitions() override {
    return guarded(url_, [&]() -> Result<std::vector<DeployedDefinition>> {
      pqxx::read_transaction t(*conn_);
      std::vector<DeployedDefinition> out;
      for (const auto& r : t.exec("SELECT id, process_id, file, source, version FROM definitions "
                                  "ORDER BY process_id, version")) {
        out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                       r[3].as<std::string>(), r[4].as<int>()});
      }
      return out;
    });
  }

  Result<json> form_schema(const std::string& key) override {
    return guarded(url_, [&]() -> Result<json> {
      pqxx::read_transaction t(*conn_);
      auto rows = t.exec_params(
          "SELECT schema::text FROM forms WHERE form_id = $1 OR file = $1 "
          "OR regexp_replace(regexp_replace(file, '^.*/', ''), '\\.form(\\.json)?$', '') = $1 "
          "ORDER BY (form_id = $1) DESC, version DESC, id DESC LIMIT 1",
          key);
      if (rows.empty()) return json();
      return json::parse(rows[0][0].as<std::string>());
    });
  }

  Result<std::vector<SubjectInstance>> subject_instances(
      const std::vector<std::int64_t>& defs, const std::string& var, const std::string& subject,
      const std::vector<std::string>& erase) override {
    return guarded(url_, [&]() -> Result<std::vector<SubjectInstance>> {
      pqxx::read_transaction t(*conn_);
      std::vector<SubjectInstance> out;
      const auto rows = t.exec_params(
          "SELECT id, status = 'active', to_jsonb(ARRAY(SELECT k FROM jsonb_object_keys("
          "  variables) k WHERE k = ANY($4::text[])))::text FROM instances "
          "WHERE definition_id = ANY($1::bigint[]) AND variables ? $2 AND ("
          "  (jsonb_typeof(variables->$2) IN ('string', 'number') AND variables->>$2 = $3) OR"
          "  (jsonb_typeof(variables->$2) = 'object' AND EXISTS (SELECT 1 FROM jsonb_each_text("
          "    CASE WHEN jsonb_typeof(variables->$2) = 'object' THEN variables->$2 "
          "    ELSE '{}'::jsonb END) kv WHERE kv.value = $3))) ORDER BY id",
          key_array(ids_of(defs)), var, subject, text_array(erase));
      for (const auto& r : rows) {
        out.push_back({r[0].as<std::int64_t>(), r[1].as<bool>(),
                       json::parse(r[2].as<std::string>()).get<std::vector<std::string>>()});
      }
      return out;
    });
  }

  Result<json> erase_values(const Erasure& e) override {
    return guarded(url_, [&]() -> Result<json> {
      pqxx::work t(*conn_);
      t.exec("SET LOCAL lock_timeout = '1s'");
      const auto ids = key_array(ids_of(e.instances));
      const auto names = text_array(e.names);
      json c;
      c["history"] = t.exec_params(
                          "UPDATE history SET data = data - $2::text[] WHERE instance_id = "
                          "ANY($1::bigint[]) AND kind = 'variables' AND jsonb_typeof(data) = "
                          "'object' AND data ?| $2::text[]",
                          ids, names)
                         .affected_rows();
      c["instances"] = t.exec_params(
                            "UPDATE instances SET variables = variables - $2::text[], state = "
                            "jsonb_set(state, '{vars}', coalesce(state->'vars', '{}'::jsonb) - "
                            "$2::text[]) WHERE id = ANY($1::bigint[])",
                            key_array(ids_of(e.ended)), names)
                           .affected_rows();
      c["tasks"] = t.exec_params(
                        "UPDATE user_tasks SET name = coalesce($2::jsonb->>(process_id || '/' || "
                        "element_id), '') WHERE instance_id = ANY($1::bigint[])",
                        ids, e.task_names.dump())
                       .affected_rows();
      c["jobs"] = t.exec_params(
                       "UPDATE jobs SET input = input - $2::text[] WHERE instance_id = "
                       "ANY($1::bigint[]) AND jsonb_typeof(input) = 'object' AND input ?| "
                       "$2::text[]",
                       ids, names)
                      .affected_rows();
      c["attachments"] =
          t.exec_params(
               "UPDATE attachments SET content = ''::bytea, size = 0, name = 'erased' WHERE "
               "instance_id = ANY($1::bigint[]) OR receipt IN (SELECT receipt FROM "
               "eservice_submissions WHERE instance_id = ANY($1::bigint[]))",
               ids)
              .affected_rows();
      c["submissions"] = t.exec_params(
                              "UPDATE eservice_submissions SET payload = '{}'::jsonb WHERE "
                              "instance_id = ANY($1::bigint[])",
                              ids)
                             .affected_rows();
      t.exec_params(
          "INSERT INTO history (instance_id, actor, kind, data) SELECT i, $2, 'erased', "
          "jsonb_build_object('variables', $3::jsonb, 'reason', $4::text) "
          "FROM unnest($1::bigint[]) i",
          ids, e.actor, json(e.names).dump(), e.reason);
      t.commit();
      return c;
    });
  }

  Result<std::int64_t> record_erasure(const std::string& actor, const std::string& reason,
                                      const json& receipt) override {
    return guarded(url_, [&]() -> Result<std::int64_t> {
      pqxx::work t(*conn_);
      auto id = t.exec_params1(
                     "INSERT INTO privacy_erasures (actor, reason, receipt) VALUES ($1, $2, "
                     "$3::jsonb) RETURNING id",
                     actor, reason, receipt.dump())[0]
                    .as<std::int64_t>();
      t.commit();
      return id;
    });
  }

 private:
  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace

Result<std::unique_ptr<RetentionStore>> connect_retention_store(const std::string& url) {
  auto s = std::make_unique<PgRetention>(url);
  if (auto r = s->open(); !r) return fail(r.error());
  return std::unique_ptr<RetentionStore>(std::move(s));
}

}  // namespace elva::store
