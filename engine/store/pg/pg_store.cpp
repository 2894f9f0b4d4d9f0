// PgStore: connection, migrations, the retrying transaction helper, and the admin queries.
// pqxx exceptions are caught here and in pg_tx.cpp (pg_errors.hpp turns them into Results).
#include "store/pg/pg_store.hpp"

#include <map>
#include <pqxx/pqxx>
#include <utility>

#include "store/pg/migrations.hpp"
#include "store/pg/pg_errors.hpp"
#include "store/pg/pg_people.hpp"
#include "store/pg/pg_prompts.hpp"
#include "store/pg/pg_stats.hpp"
#include "store/pg/pg_tx.hpp"

namespace elva::store {
namespace {

using nlohmann::json;

std::string text_or_empty(const pqxx::field& f) {
  return f.is_null() ? std::string() : f.as<std::string>();
}

class Pg final : public PgStore {
 public:
  explicit Pg(std::string url) : url_(std::move(url)) {}

  Result<void> open() {
    return guarded(url_, [&]() -> Result<void> {
      conn_ = std::make_unique<pqxx::connection>(url_);
      return {};
    });
  }

  Result<SchemaStatus> schema_status() override {
    return with_conn([&]() -> Result<SchemaStatus> {
      pqxx::read_transaction t(*conn_);
      SchemaStatus s;
      s.latest = static_cast<int>(migrations().size());
      auto exists = t.exec1("SELECT to_regclass('elva_schema') IS NOT NULL")[0].as<bool>();
      if (exists)
        s.current = t.exec1("SELECT coalesce(max(version), 0) FROM elva_schema")[0].as<int>();
      for (const auto& m : migrations())
        if (m.version > s.current) s.pending.push_back(m.name);
      return s;
    });
  }

  Result<std::vector<std::string>> migrate() override {
    return with_conn([&]() -> Result<std::vector<std::string>> {
      std::vector<std::string> applied;
      for (const auto& m : migrations()) {
        pqxx::work t(*conn_);
        // One migrator at a time (two nodes starting together).
        t.exec("SELECT pg_advisory_xact_lock(7414242)");
        t.exec(
            "CREATE TABLE IF NOT EXISTS elva_schema (version int PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())");
        if (t.exec_params1("SELECT count(*) FROM elva_schema WHERE version = $1", m.version)[0]
                .as<int>() > 0)
          continue;
        t.exec(m.sql);
        t.exec_params("INSERT INTO elva_schema (version, name) VALUES ($1, $2)", m.version, m.name);
        t.commit();
        applied.push_back(m.name);
      }
      return applied;
    });
  }

  Result<void> require_migrated() override {
    auto s = schema_status();
    if (!s) return fail(s.error());
    if (s->current > s->latest) {
      return fail(Errc::InvalidArgument, "the database has schema version " +
                                             std::to_string(s->current) +
                                             ", newer than this Elva knows (" +
                                             std::to_string(s->latest) + "): upgrade Elva");
    }
    if (!s->pending.empty()) {
      return fail(Errc::InvalidArgument, "the database is not set up for this Elva version (" +
                                             std::to_string(s->pending.size()) +
                                             " migration(s) pending, first " + s->pending.front() +
                                             "): run `elva db migrate`");
    }
    return {};
  }

  Result<std::unique_ptr<Tx>> begin() override {
    return with_conn([&]() -> Result<std::unique_ptr<Tx>> { return make_tx(*conn_, url_); });
  }

  Result<std::vector<DefinitionRow>> definitions() override {
    return read([&](pqxx::transaction_base& t) {
      std::vector<DefinitionRow> out;
      for (const auto& r : t.exec(
               "SELECT d.id, d.process_id, d.version, d.name, d.file, d.hash, "
               "elva_iso(d.deployed_at), p.deployed_by FROM definitions d "
               "JOIN deployments p ON p.id = d.deployment_id ORDER BY d.process_id, d.version")) {
        out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<int>(),
                       r[3].as<std::string>(), r[4].as<std::string>(), "", r[5].as<std::string>(),
                       r[6].as<std::string>(), r[7].as<std::string>()});
      }
      return out;
    });
  }

  Result<std::vector<VersionCount>> instance_counts(const std::string& process_id) override {
    return read([&](pqxx::transaction_base& t) {
      std::vector<VersionCount> out;
      for (const auto& r : t.exec_params(
               "SELECT i.definition_id, count(*)::int, count(*) FILTER (WHERE EXISTS (SELECT 1 "
               "FROM incidents n WHERE n.instance_id = i.id AND n.resolved_at IS NULL))::int "
               "FROM instances i WHERE i.process_id = $1 AND i.status = 'active' "
               "GROUP BY i.definition_id ORDER BY i.definition_id",
               process_id)) {
        out.push_back({r[0].as<std::int64_t>(), r[1].as<int>(), r[2].as<int>()});
      }
      return out;
    });
  }

  static InstanceRow instance_row(const pqxx::row& r) {
    InstanceRow i;
    i.id = static_cast<Key>(r[0].as<std::int64_t>());
    i.definition_id = r[1].as<std::int64_t>();
    i.process_id = r[2].as<std::string>();
    i.definition_version = r[3].as<int>();
    i.business_key = r[4].as<std::string>();
    i.status = r[5].as<std::string>();
    i.started_at = r[6].as<std::string>();
    i.ended_at = text_or_empty(r[7]);
    i.open_incidents = r[8].as<int>();
    i.variables = json::parse(r[9].as<std::string>());
    return i;
  }

  static constexpr const char* kInstanceColumns =
      "SELECT i.id, i.definition_id, i.process_id, d.version, i.business_key, i.status, "
      "elva_iso(i.started_at), "
      "elva_iso(i.ended_at), (SELECT count(*) FROM incidents n WHERE n.instance_id = i.id AND "
      "n.resolved_at IS NULL)::int, "
      "i.variables::text FROM instances i JOIN definitions d ON d.id = i.definition_id ";

  Result<std::vector<InstanceRow>> instances(const std::string& process_id,
                                             const std::string& status, int limit) override {
    InstanceSearch q;
    q.process_id = process_id;
    q.status = status;
    q.limit = limit;
    return search_instances(q);
  }

  Result<std::optional<InstanceRow>> instance(Key id) override {
    return read([&](pqxx::transaction_base& t) -> std::optional<InstanceRow> {
      auto rows = t.exec_params(std::string(kInstanceColumns) + "WHERE i.id = $1",
                                static_cast<std::int64_t>(id));
      if (rows.empty()) return std::nullopt;
      return instance_row(rows[0]);
    });
  }

  Result<std::vector<IncidentRow>> incidents(Key instance_id, bool open_only) override {
    return read([&](pqxx::transaction_base& t) {
      std::vector<IncidentRow> out;
      auto rows = t.exec_params(
          "SELECT n.key, n.instance_id, n.element_instance, n.element_id, n.message, i.process_id, "
          "elva_iso(n.created_at), "
          "elva_iso(n.resolved_at) FROM incidents n JOIN instances i ON i.id = n.instance_id "
          "WHERE ($1 = 0 OR n.instance_id = $1) AND (NOT $2 OR n.resolved_at IS NULL) ORDER BY "
          "n.created_at, n.key",
          static_cast<std::int64_t>(instance_id), open_only);
      for (const auto& r : rows) {
        out.push_back({static_cast<Key>(r[0].as<std::int64_t>()),
                       static_cast<Key>(r[1].as<std::int64_t>()),
                       static_cast<Key>(r[2].as<std::int64_t>()), r[3].as<std::string>(),
                       r[4].as<std::string>(), r[5].as<std::string>(), r[6].as<std::string>(),
                       text_or_empty(r[7])});
      }
      return out;
    });
  }

  Result<std::vector<HistoryRow>> history(Key instance_id) override {
    return read([&](pqxx::transaction_base& t) {
      std::vector<HistoryRow> out;
      auto rows = t.exec_params(
          "SELECT actor, kind, element_id, coalesce(data::text, 'null'), elva_iso(at) FROM history "
          "WHERE instance_id = $1 ORDER BY id",
          static_cast<std::int64_t>(instance_id));
      for (const auto& r : rows) {
        out.push_back({instance_id, r[0].as<std::string>(), r[1].as<std::string>(),
                       r[2].as<std::string>(), json::parse(r[3].as<std::string>()),
                       r[4].as<std::string>()});
      }
      return out;
    });
  }

  Result<std::vector<JobRow>> jobs(Key instance_id) override {
    return read([&](pqxx::transaction_base& t) {
      std::vector<JobRow> out;
      auto rows = t.exec_params(
          "SELECT key, instance_id, element_instance, element_id, type, retries, due, input::text, "
          "locked_by, lock_until FROM jobs WHERE ($1 = 0 OR instance_id = $1) ORDER BY key",
          static_cast<std::int64_t>(instance_id));
      for (const auto& r : rows) {
        out.push_back(job_row(r));
        out.back().locked_by = r[8].as<std::string>();
        out.back().lock_until = r[9].as<std::int64_t>();
      }
      return out;
    });
  }

  Result<std::optional<std::int64_t>> next_timer_due() override {
    return read([&](pqxx::transaction_base& t) -> std::optional<std::int64_t> {
      auto r = t.exec1("SELECT min(greatest(due, lock_until)) FROM timers");
      if (r[0].is_null()) return std::nullopt;
      return r[0].as<std::int64_t>();
    });
  }

  Result<std::optional<std::int64_t>> next_job_due(const std::vector<std::string>& types) override {
    return read([&](pqxx::transaction_base& t) -> std::optional<std::int64_t> {
      auto r = t.exec_params1(
          "SELECT min(greatest(due, lock_until)) FROM jobs WHERE cardinality($1::text[]) = 0 OR "
          "type = ANY($1::text[])",
          text_array(types));
      if (r[0].is_null()) return std::nullopt;
      return r[0].as<std::int64_t>();
    });
  }

  Result<int> listen_for_work() override {
    return with_conn([&]() -> Result<int> {
      if (!receiver_) receiver_ = std::make_unique<Receiver>(*conn_);
      return conn_->sock();
    });
  }

  Result<int> take_notifications() override {
    return with_conn([&]() -> Result<int> {
      if (!receiver_) return 0;
      conn_->get_notifs();
      return std::exchange(receiver_->count, 0);
    });
  }

  Result<TaskPage> tasks(const TaskQuery& q) override {
    return read([&](pqxx::transaction_base& t) { return people::tasks(t, q); });
  }
  Result<std::optional<TaskRow>> task(Key key) override {
    return read([&](pqxx::transaction_base& t) { return people::task(t, key); });
  }
  Result<std::optional<TaskRow>> assign_task(Key key, const std::string& assignee,
                                             int expected) override {
    return write([&](pqxx::work& t) { return people::assign_task(t, key, assignee, expected); });
  }
  Result<void> upsert_users(const std::vector<UserRow>& users) override {
    auto r = write([&](pqxx::work& t) {
      people::upsert_users(t, users);
      return true;
    });
    if (!r) return fail(r.error());
    return {};
  }
  Result<std::optional<UserRow>> user(const std::string& id) override {
    return read([&](pqxx::transaction_base& t) { return people::user(t, id); });
  }
  Result<std::vector<UserRow>> users() override {
    return read([&](pqxx::transaction_base& t) { return people::users(t); });
  }
  Result<std::vector<TaskPrompt>> claim_task_prompts(int limit, const PromptPolicy& p) override {
    return write([&](pqxx::work& t) { return prompts::claim(t, limit, p); });
  }
  Result<void> retry_task_prompt(Key key, const std::string& kind, const std::string& user,
                                 int attempts) override {
    auto r = write([&](pqxx::work& t) {
      prompts::retry(t, key, kind, user, attempts);
      return true;
    });
    if (!r) return fail(r.error());
    return {};
  }
  Result<std::vector<Digest>> claim_digests(int limit, const PromptPolicy& p) override {
    return write([&](pqxx::work& t) { return prompts::claim_digests(t, limit, p); });
  }
  Result<PromptSettings> prompt_settings(const std::string& user) override {
    return read([&](pqxx::transaction_base& t) { return prompts::settings(t, user); });
  }
  Result<void> set_prompt_settings(const std::string& user, const PromptSettings& s) override {
    auto r = write([&](pqxx::work& t) { return prompts::set_settings(t, user, s); });
    if (!r) return fail(r.error());
    if (!*r)
      return fail(Errc::InvalidArgument, "timeZone: '" + s.time_zone +
                                             "' is not a time zone (an IANA name such as "
                                             "Europe/Stockholm)");
    return {};
  }
  Result<Submission> claim_submission(const std::string& form, const std::string& key,
                                      const std::string& prefix, const std::string& case_receipt,
                                      const json& payload,
                                      const std::vector<AttachmentIn>& attachments) override {
    return write([&](pqxx::work& t) {
      Submission s;
      auto attached = [&](const std::string& receipt) {
        for (const auto& r : t.exec_params(
                 "SELECT id, name, content_type FROM attachments WHERE receipt = $1 ORDER BY id",
                 receipt)) {
          s.attachments.push_back(
              {r[0].as<Key>(), AttachmentIn{r[1].as<std::string>(), r[2].as<std::string>(), ""}});
        }
      };
      if (!key.empty()) {
        // Concurrent requests with the same key wait here for the first to commit, then find
        // its row below: never two inserts racing into the unique (form, idempotency_key).
        t.exec_params("SELECT pg_advisory_xact_lock(hashtext('elva.intake:' || $1), hashtext($2))",
                      form, key);
        auto known = t.exec_params(
            "SELECT receipt, coalesce(instance_id, 0) FROM eservice_submissions WHERE form = $1 "
            "AND idempotency_key = $2",
            form, key);
        if (!known.empty()) {
          s.receipt = known[0][0].as<std::string>();
          s.instance = known[0][1].as<Key>();
          attached(s.receipt);
          return s;
        }
      }
      auto n = t.exec_params(
          "INSERT INTO eservice_receipts (prefix, year, last) VALUES ($1, extract(year from "
          "now())::int, 1) "
          "ON CONFLICT (prefix, year) DO UPDATE SET last = eservice_receipts.last + 1 RETURNING "
          "year, last",
          prefix);
      char number[32];
      std::snprintf(number, sizeof number, "%d-%06d", n[0][0].as<int>(), n[0][1].as<int>());
      s.receipt = prefix + "-" + number;
      s.fresh = true;
      t.exec_params(
          "INSERT INTO eservice_submissions (receipt, form, idempotency_key, case_receipt, "
          "payload) VALUES ($1, $2, NULLIF($3, ''), $4, $5::jsonb)",
          s.receipt, form, key, case_receipt, payload.dump());
      for (const auto& a : attachments) {
        pqxx::binarystring bytes(a.content.data(), a.content.size());
        auto id = t.exec_params(
            "INSERT INTO attachments (receipt, name, content_type, size, content) VALUES ($1, $2, "
            "$3, $4::int, $5) RETURNING id",
            s.receipt, a.name, a.content_type, static_cast<int>(a.content.size()), bytes);
        s.attachments.push_back({id[0][0].as<Key>(), AttachmentIn{a.name, a.content_type, ""}});
      }
      return s;
    });
  }
  Result<void> set_submission_instance(const std::string& receipt, Key instance) override {
    auto r = write([&](pqxx::work& t) {
      t.exec_params("UPDATE eservice_submissions SET instance_id = $2::bigint WHERE receipt = $1",
                    receipt, instance);
      t.exec_params("UPDATE attachments SET instance_id = $2::bigint WHERE receipt = $1", receipt,
                    instance);
      return true;
    });
    if (!r) return fail(r.error());
    return {};
  }
  Result<void> hold_receipt(const std::string& receipt) override {
    auto r = read([&](pqxx::transaction_base& t) {
      t.exec_params("SELECT pg_advisory_lock(hashtext('elva.receipt'), hashtext($1))", receipt);
      return true;
    });
    if (!r) return fail(r.error());
    return {};
  }
  Result<void> release_receipt(const std::string& receipt) override {
    auto r = read([&](pqxx::transaction_base& t) {
      t.exec_params("SELECT pg_advisory_unlock(hashtext('elva.receipt'), hashtext($1))", receipt);
      return true;
    });
    if (!r) return fail(r.error());
    return {};
  }
  Result<Key> instance_by_business_key(const std::string& process_id,
                                       const std::string& business_key) override {
    return read([&](pqxx::transaction_base& t) -> Key {
      // instances_by_business_key (migration 001) serves this, uncapped.
      auto rows = t.exec_params(
          "SELECT id FROM instances WHERE business_key = $1 AND process_id = $2 ORDER BY id LIMIT "
          "1",
          business_key, process_id);
      return rows.empty() ? Key{0} : rows[0][0].as<Key>();
    });
  }
  Result<std::optional<AttachmentRow>> attachment(Key id) override {
    return read([&](pqxx::transaction_base& t) -> std::optional<AttachmentRow> {
      auto rows = t.exec_params(
          "SELECT id, receipt, name, content_type, content, elva_iso(created_at), "
          "coalesce(instance_id, 0) "
          "FROM attachments WHERE id = $1::bigint",
          id);
      if (rows.empty()) return std::nullopt;
      const auto& r = rows[0];
      pqxx::binarystring bytes(r[4]);
      return AttachmentRow{
          r[0].as<Key>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
          bytes.str(),    r[5].as<std::string>(), r[6].as<Key>()};
    });
  }
  Result<void> release_task_prompt(Key key) override {
    auto r = write([&](pqxx::work& t) {
      t.exec_params("UPDATE user_tasks SET prompted_at = NULL WHERE key = $1::bigint", key);
      return true;
    });
    if (!r) return fail(r.error());
    return {};
  }
  Result<void> insert_token(const std::string& hash, const std::string& user_id,
                            const std::string& kind, const std::string& name,
                            std::int64_t expires_ms) override {
    auto r = write([&](pqxx::work& t) {
      people::insert_token(t, hash, user_id, kind, name, expires_ms);
      return true;
    });
    if (!r) return fail(r.error());
    return {};
  }
  Result<std::optional<TokenRow>> token(const std::string& hash, std::int64_t now_ms) override {
    return read([&](pqxx::transaction_base& t) { return people::token(t, hash, now_ms); });
  }
  Result<void> delete_token(const std::string& hash) override {
    auto r = write([&](pqxx::work& t) {
      people::delete_token(t, hash);
      return true;
    });
    if (!r) return fail(r.error());
    return {};
  }
  Result<std::vector<TokenInfo>> tokens(const std::string& user_id, std::int64_t now_ms) override {
    return read([&](pqxx::transaction_base& t) { return people::tokens(t, user_id, now_ms); });
  }
  Result<bool> revoke_token(const std::string& id) override {
    return write([&](pqxx::work& t) { return people::revoke_token(t, id); });
  }
  Result<std::optional<FormRow>> form(const std::string& key) override {
    return read([&](pqxx::transaction_base& t) { return people::form(t, key); });
  }
  Result<std::optional<LockedJob>> locked_job(Key key) override {
    return read([&](pqxx::transaction_base& t) { return people::locked_job(t, key); });
  }
  Result<bool> relock_job(Key key, const std::string& worker, std::int64_t lock_until,
                          std::int64_t now) override {
    return write(
        [&](pqxx::work& t) { return people::relock_job(t, key, worker, lock_until, now); });
  }
  Result<bool> unlock_job(Key key) override {
    return write([&](pqxx::work& t) { return people::unlock_job(t, key); });
  }

  Result<std::vector<InstanceRow>> instances_started_by(const std::string& actor,
                                                        const std::string& status,
                                                        int limit) override {
    return read([&](pqxx::transaction_base& t) {
      std::vector<InstanceRow> out;
      // history_started_by (migration 008) finds the starts; a call activity's child is the
      // caller's, not a request of its own.
      auto rows = t.exec_params(
          std::string(kInstanceColumns) +
              "WHERE i.id IN (SELECT h.instance_id FROM history h WHERE h.kind = 'started' AND "
              "h.actor = $1) AND i.parent_id IS NULL AND ($2 = '' OR i.status = $2) "
              "ORDER BY i.started_at DESC, i.id DESC LIMIT $3",
          actor, status, limit);
      for (const auto& r : rows) out.push_back(instance_row(r));
      return out;
    });
  }

  Result<std::vector<InstanceRow>> search_instances(const InstanceSearch& q) override {
    return read([&](pqxx::transaction_base& t) {
      std::vector<InstanceRow> out;
      // Every filter is bound and switched off by its empty value, so that the statement is one
      // (PostgreSQL folds the switched-off ones away; "incident" stays one equality on the
      // status, so that the running instances' index of migration 012 serves it).
      // A token's element id is the second field of each entry of the snapshot's "el" list
      // (runtime/state_json.cpp).
      auto rows = t.exec_params(
          std::string(kInstanceColumns) +
              "WHERE ($1 = '' OR i.process_id = $1) AND ($2 = 0 OR d.version = $2) AND ($3 = '' "
              "OR i.status = CASE WHEN $3 = 'incident' THEN 'active' ELSE $3 END) AND ($3 <> "
              "'incident' OR EXISTS (SELECT 1 FROM incidents n WHERE n.instance_id = i.id AND "
              "n.resolved_at IS NULL)) AND ($4 = "
              "'' OR i.business_key = $4) AND ($5 = '' OR (i.status = 'active' AND EXISTS (SELECT "
              "1 FROM jsonb_array_elements(i.state->'el') e WHERE e->>1 = $5) OR EXISTS (SELECT 1 "
              "FROM "
              "jsonb_array_elements(i.state->'joins') j WHERE j->>1 = $5))) AND ($6 = '' OR "
              "i.variables -> $6 = $7::jsonb) AND ($8::bigint = 0 OR i.started_at >= "
              "to_timestamp($8::bigint / 1000.0)) AND ($9::bigint = 0 OR i.started_at < "
              "to_timestamp($9::bigint / 1000.0)) ORDER BY i.started_at DESC, i.id DESC LIMIT $10 "
              "OFFSET $11",
          q.process_id, q.version, q.status, q.business_key, q.element, q.variable,
          q.value.is_null() && q.variable.empty() ? std::string("null") : q.value.dump(),
          q.started_from, q.started_to, q.limit, q.offset);
      for (const auto& r : rows) out.push_back(instance_row(r));
      return out;
    });
  }

  Result<json> process_overview() override {
    return read([&](pqxx::transaction_base& t) {
      json out = json::array();
      // The running counts use instances_by_process (process_id, status).
      auto rows = t.exec(
          "WITH latest AS (SELECT DISTINCT ON (process_id) process_id, version, name, "
          "elva_iso(deployed_at) AS at, count(*) OVER (PARTITION BY process_id) AS versions FROM "
          "definitions d ORDER BY process_id, version DESC), active AS (SELECT process_id, "
          "count(*) AS n FROM instances WHERE status = 'active' GROUP BY process_id), failing AS "
          "(SELECT i.process_id, count(DISTINCT i.id) AS n FROM incidents n JOIN instances i ON "
          "i.id = n.instance_id WHERE n.resolved_at IS NULL AND i.status = 'active' GROUP BY "
          "i.process_id) SELECT l.process_id, l.name, l.version, l.versions, l.at, "
          "coalesce(a.n, 0), coalesce(f.n, 0) FROM latest l LEFT JOIN active a USING "
          "(process_id) LEFT JOIN failing f USING (process_id) ORDER BY l.process_id");
      for (const auto& r : rows) {
        out.push_back({{"process", r[0].as<std::string>()},
                       {"name", r[1].as<std::string>()},
                       {"version", r[2].as<int>()},
                       {"versions", r[3].as<int>()},
                       {"deployedAt", r[4].as<std::string>()},
                       {"active", r[5].as<std::int64_t>()},
                       {"incidents", r[6].as<std::int64_t>()}});
      }
      return out;
    });
  }

  Result<json> element_counts(const std::string& process_id, std::int64_t definition) override {
    return read([&](pqxx::transaction_base& t) {
      std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_element;
      // Tokens from the snapshots of the version's active instances (found by
      // instances_by_process), each snapshot read once: its element instances ("el" entries
      // [key, element, ...]) and the tokens waiting at a joining gateway for the others ("joins"
      // entries [scope, gateway, {flow: n}]; runtime/state_json.cpp). Incidents from the open
      // ones of those instances.
      auto tokens = t.exec_params(
          "SELECT x.element, sum(x.n) FROM instances i, LATERAL (SELECT e->>1, 1::bigint FROM "
          "jsonb_array_elements(i.state->'el') e UNION ALL SELECT j->>1, f.value::bigint FROM "
          "jsonb_array_elements(i.state->'joins') j, jsonb_each_text(j->2) f) x(element, n) WHERE "
          "i.process_id = $1 AND i.status = 'active' AND i.definition_id = $2 GROUP BY 1",
          process_id, definition);
      for (const auto& r : tokens)
        by_element[r[0].as<std::string>()].first = r[1].as<std::int64_t>();
      auto incidents = t.exec_params(
          "SELECT n.element_id, count(*) FROM incidents n JOIN instances i ON i.id = "
          "n.instance_id WHERE n.resolved_at IS NULL AND i.process_id = $1 AND i.status = "
          "'active' AND i.definition_id = $2 GROUP BY 1",
          process_id, definition);
      for (const auto& r : incidents)
        by_element[r[0].as<std::string>()].second = r[1].as<std::int64_t>();
      json out = json::array();
      for (const auto& [element, n] : by_element)
        out.push_back({{"element", element}, {"active", n.first}, {"incidents", n.second}});
      return out;
    });
  }

  Result<void> record_access(const std::string& actor, Key instance,
                             const std::vector<std::string>& variables,
                             const std::string& via) override {
    auto done = write([&](pqxx::work& t) {
      t.exec_params(
          "INSERT INTO privacy_access (actor, instance_id, variables, via) VALUES ($1, $2, "
          "ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), $4)",
          actor, static_cast<std::int64_t>(instance), json(variables).dump(), via);
      return true;
    });
    if (!done) return fail(done.error());
    return {};
  }

  Result<json> access_rows(const std::vector<std::int64_t>& instances) override {
    return read([&](pqxx::transaction_base& t) {
      json out = json::array();
      for (const auto& r : t.exec_params(
               "SELECT elva_iso(at), actor, instance_id, array_to_json(variables)::text, via FROM "
               "privacy_access WHERE instance_id = ANY(ARRAY(SELECT "
               "jsonb_array_elements_text($1::jsonb)::bigint)) ORDER BY at, id",
               json(instances).dump())) {
        out.push_back({{"at", r[0].as<std::string>()},
                       {"actor", r[1].as<std::string>()},
                       {"instance", r[2].as<std::int64_t>()},
                       {"variables", json::parse(r[3].as<std::string>())},
                       {"via", r[4].as<std::string>()}});
      }
      return out;
    });
  }

  Result<std::int64_t> count(const std::string& sql) override {
    return read([&](pqxx::transaction_base& t) { return t.exec1(sql)[0].as<std::int64_t>(); });
  }

  Result<json> stats(const StatsQuery& q) override {
    return read([&](pqxx::transaction_base& t) { return pg_stats::read(t, q); });
  }

  Result<json> network(const StatsQuery& q, bool people) override {
    return read([&](pqxx::transaction_base& t) { return pg_stats::network(t, q, people); });
  }

  Result<json> history_events(const StatsQuery& q) override {
    return read([&](pqxx::transaction_base& t) { return pg_stats::history_events(t, q); });
  }

 private:
  // Runs `f` with a live connection: reconnects once when the connection broke.
  template <typename F>
  auto with_conn(F&& f) -> decltype(f()) {
    for (int attempt = 0;; ++attempt) {
      if (!conn_ || !conn_->is_open()) {
        receiver_.reset();
        if (auto r = open(); !r) return fail(r.error());
      }
      auto r = guarded(url_, f);
      if (r || r.error().code != Errc::StoreUnavailable || attempt > 0) return r;
      receiver_.reset();  // it belongs to the broken connection
      conn_.reset();
    }
  }

  // Reads run in autocommit: no BEGIN/ROLLBACK round trips around a query (two of every three
  // statements a read used to cost). A read of several queries sees each at its own moment.
  template <typename F>
  auto read(F&& f) -> Result<decltype(f(std::declval<pqxx::transaction_base&>()))> {
    using T = decltype(f(std::declval<pqxx::transaction_base&>()));
    return with_conn([&]() -> Result<T> {
      pqxx::nontransaction t(*conn_);
      return f(t);
    });
  }

  template <typename F>
  auto write(F&& f) -> Result<decltype(f(std::declval<pqxx::work&>()))> {
    using T = decltype(f(std::declval<pqxx::work&>()));
    return with_conn([&]() -> Result<T> {
      pqxx::work t(*conn_);
      T out = f(t);
      t.commit();
      return out;
    });
  }

  struct Receiver : pqxx::notification_receiver {
    explicit Receiver(pqxx::connection_base& c) : pqxx::notification_receiver(c, "elva_work") {}
    void operator()(const std::string&, int) override { ++count; }
    int count = 0;
  };

  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<Receiver> receiver_;  // declared after conn_: destroyed before it
};

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::connect(const std::string& url) {
  auto pg = std::make_unique<Pg>(url);
  if (auto r = pg->open(); !r) return fail(r.error());
  return std::unique_ptr<PgStore>(std::move(pg));
}

}  // namespace elva::store
