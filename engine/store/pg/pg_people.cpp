// Queries for people (pg_people.hpp): user tasks, users, tokens, forms, external job locks.
#include "store/pg/pg_people.hpp"

#include "store/pg/pg_errors.hpp"

namespace elva::store::people {
namespace {

using nlohmann::json;

// ISO 8601 in UTC with milliseconds (elva_iso, migration 005), "" for NULL.
std::string iso(const char* column) {
  return std::string("coalesce(elva_iso(") + column + "), '')";
}

const std::string& task_columns() {
  static const std::string columns =
      "SELECT key, instance_id, process_id, process_name, element_id, name, documentation, "
      "business_key, assignee, "
      "to_jsonb(candidate_users)::text, to_jsonb(candidate_groups)::text, " +
      iso("due") + ", " + iso("follow_up") + ", " + iso("created_at") + ", " + iso("claimed_at") +
      ", " + iso("ended_at") +
      ", ended_by, priority, form_key, state, revision, "
      "(state = 'open' AND due IS NOT NULL AND due < now()) FROM user_tasks ";
  return columns;
}

std::vector<std::string> strings(const pqxx::field& f) {
  return json::parse(f.as<std::string>()).get<std::vector<std::string>>();
}

TaskRow task_row(const pqxx::row& r) {
  TaskRow t;
  t.key = static_cast<Key>(r[0].as<std::int64_t>());
  t.instance_id = static_cast<Key>(r[1].as<std::int64_t>());
  t.process_id = r[2].as<std::string>();
  t.process_name = r[3].as<std::string>();
  t.element_id = r[4].as<std::string>();
  t.name = r[5].as<std::string>();
  t.documentation = r[6].as<std::string>();
  t.business_key = r[7].as<std::string>();
  t.assignee = r[8].as<std::string>();
  t.candidate_users = strings(r[9]);
  t.candidate_groups = strings(r[10]);
  t.due = r[11].as<std::string>();
  t.follow_up = r[12].as<std::string>();
  t.created_at = r[13].as<std::string>();
  t.claimed_at = r[14].as<std::string>();
  t.ended_at = r[15].as<std::string>();
  t.ended_by = r[16].as<std::string>();
  t.priority = r[17].as<int>();
  t.form_key = r[18].as<std::string>();
  t.state = r[19].as<std::string>();
  t.revision = r[20].as<int>();
  t.overdue = r[21].as<bool>();
  return t;
}

// The user in the nine columns from `at` (kUserColumns' order).
UserRow user_row(const pqxx::row& r, pqxx::row::size_type at = 0) {
  UserRow u;
  u.id = r[at].as<std::string>();
  u.name = r[at + 1].as<std::string>();
  u.email = r[at + 2].as<std::string>();
  u.password_hash = r[at + 3].as<std::string>();
  u.roles = strings(r[at + 4]);
  u.groups = strings(r[at + 5]);
  u.locale = r[at + 6].as<std::string>();
  u.source = r[at + 7].as<std::string>();
  u.disabled = r[at + 8].as<bool>();
  return u;
}

constexpr const char* kUserColumns =
    "SELECT id, name, email, password_hash, to_jsonb(roles)::text, to_jsonb(groups)::text, locale, "
    "source, disabled FROM users ";

}  // namespace

TaskPage tasks(pqxx::transaction_base& t, const TaskQuery& q) {
  // Every filter is a parameter; an empty one matches everything.
  const std::string where =
      "WHERE ($1 = '' OR state = $1) "
      "AND (NOT $2 OR assignee = $3 OR (assignee = '' AND ($3 = ANY(candidate_users) OR "
      "candidate_groups && $4::text[]))) "
      "AND ($5 = '' OR ($5 = '-' AND assignee = '') OR assignee = $5) "
      "AND ($6 = '' OR $6 = ANY(candidate_groups)) "
      "AND ($7 = '' OR process_id = $7) AND ($8::bigint = 0 OR instance_id = $8::bigint) "
      "AND (NOT $9 OR (due IS NOT NULL AND due < now())) AND ($10 = '' OR due < nullif($10, "
      "'')::timestamptz) ";
  std::string order = "due ASC NULLS LAST, priority DESC, key";
  if (q.sort == "created") order = "created_at DESC, key DESC";
  if (q.sort == "priority") order = "priority DESC, due ASC NULLS LAST, key";
  if (q.sort == "name") order = "name, key";
  const auto instance = static_cast<std::int64_t>(q.instance_id);
  const std::string groups = text_array(q.groups);
  TaskPage page;
  auto rows = t.exec_params(task_columns() + where + "ORDER BY " + order + " LIMIT $11 OFFSET $12",
                            q.state, q.restrict, q.user, groups, q.assignee, q.candidate_group,
                            q.process_id, instance, q.overdue, q.due_before, q.limit, q.offset);
  for (const auto& r : rows) page.tasks.push_back(task_row(r));
  const std::int64_t cap = q.offset + kTaskCountCap;
  page.total =
      t.exec_params1("SELECT count(*) FROM (SELECT 1 FROM user_tasks " + where + "LIMIT $11) x",
                     q.state, q.restrict, q.user, groups, q.assignee, q.candidate_group,
                     q.process_id, instance, q.overdue, q.due_before, cap + 1)[0]
          .as<std::int64_t>();
  if (page.total > cap) {
    page.total = cap;
    page.total_capped = true;
  }
  return page;
}

std::optional<TaskRow> task(pqxx::transaction_base& t, Key key) {
  // With the form its key names now (the rules of form() below, and then without Camunda's
  // prefixes), so that completing a task needs no statement of its own to find the form.
  static const std::string sql = [] {
    std::string s = task_columns();
    s.resize(s.size() - std::string_view("FROM user_tasks ").size());
    return s +
           ", f.form_id, f.version FROM user_tasks LEFT JOIN LATERAL (SELECT fo.form_id, "
           "fo.version FROM forms fo, (VALUES (user_tasks.form_key, 0), "
           "(regexp_replace(user_tasks.form_key, '^(camunda-forms:deployment:|camunda-forms:app:|"
           "camunda-forms:|embedded:deployment:|embedded:app:|deployment:)', ''), 1)) AS k(name, "
           "pass) WHERE user_tasks.form_key <> '' AND (fo.form_id = k.name OR fo.file = k.name OR "
           "regexp_replace(fo.file, '^.*/', '') = k.name OR "
           "regexp_replace(regexp_replace(fo.file, '^.*/', ''), '\\.form(\\.json)?$', '') = "
           "k.name) ORDER BY k.pass, (fo.form_id = k.name) DESC, fo.version DESC, fo.id DESC "
           "LIMIT 1) f ON true WHERE key = $1";
  }();
  // Prepared once per connection: planning the join took 1 ms, three times its execution.
  t.conn().prepare("elva_task_with_form", sql);
  auto rows = t.exec_prepared("elva_task_with_form", static_cast<std::int64_t>(key));
  if (rows.empty()) return std::nullopt;
  TaskRow out = task_row(rows[0]);
  if (!rows[0][22].is_null()) {
    out.form_id = rows[0][22].as<std::string>();
    out.form_version = rows[0][23].as<int>();
  }
  return out;
}

std::optional<TaskRow> assign_task(pqxx::transaction_base& t, Key key, const std::string& assignee,
                                   int expected) {
  auto rows = t.exec_params(
      "UPDATE user_tasks SET assignee = $2, claimed_at = CASE WHEN $2 = '' THEN NULL ELSE now() "
      "END, "
      "revision = revision + 1 WHERE key = $1 AND state = 'open' AND ($3 = 0 OR revision = $3) "
      "RETURNING key",
      static_cast<std::int64_t>(key), assignee, expected);
  if (rows.empty()) return std::nullopt;
  return task(t, key);
}

void upsert_users(pqxx::transaction_base& t, const std::vector<UserRow>& users) {
  for (const auto& u : users) {
    // A new password or a disable ends the user's sessions at once (also on other nodes: a
    // session is only its row). API tokens stay: a disabled user's are refused while disabled.
    t.exec_params(
        "DELETE FROM tokens WHERE kind = 'session' AND user_id = $1 AND EXISTS (SELECT 1 FROM "
        "users WHERE id = $1 AND (($2 <> '' AND password_hash <> $2) OR ($3 AND NOT disabled)))",
        u.id, u.password_hash, u.disabled);
    t.exec_params(
        "INSERT INTO users (id, name, email, password_hash, roles, groups, locale, source, "
        "disabled) "
        "VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7, $8, $9) ON CONFLICT (id) DO UPDATE "
        "SET "
        "name = excluded.name, email = excluded.email, "
        "password_hash = CASE WHEN excluded.password_hash = '' THEN users.password_hash ELSE "
        "excluded.password_hash END, "
        "roles = excluded.roles, groups = excluded.groups, locale = excluded.locale, source = "
        "excluded.source, "
        "disabled = excluded.disabled, updated_at = now()",
        u.id, u.name, u.email, u.password_hash, text_array(u.roles), text_array(u.groups), u.locale,
        u.source.empty() ? std::string("file") : u.source, u.disabled);
  }
}

std::optional<UserRow> user(pqxx::transaction_base& t, const std::string& id) {
  auto rows = t.exec_params(std::string(kUserColumns) + "WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  return user_row(rows[0]);
}

std::vector<UserRow> users(pqxx::transaction_base& t) {
  std::vector<UserRow> out;
  for (const auto& r : t.exec(std::string(kUserColumns) + "ORDER BY id"))
    out.push_back(user_row(r));
  return out;
}

void insert_token(pqxx::transaction_base& t, const std::string& hash, const std::string& user_id,
                  const std::string& kind, const std::string& name, std::int64_t expires_ms) {
  t.exec_params(
      "INSERT INTO tokens (hash, user_id, kind, name, expires_at) VALUES ($1, $2, $3, $4, "
      "CASE WHEN $5::bigint = 0 THEN NULL ELSE to_timestamp($5::bigint / 1000.0) END)",
      hash, user_id, kind, name, expires_ms);
}

std::optional<TokenRow> token(pqxx::transaction_base& t, const std::string& hash,
                              std::int64_t now_ms) {
  // The token and its user in one round trip (every authenticated request makes it).
  auto rows = t.exec_params(
      "SELECT t.user_id, t.kind, t.name, (t.expires_at IS NOT NULL AND t.expires_at <= "
      "to_timestamp($2::bigint / 1000.0)), u.id IS NOT NULL, u.id, u.name, u.email, "
      "u.password_hash, to_jsonb(u.roles)::text, to_jsonb(u.groups)::text, u.locale, u.source, "
      "u.disabled FROM tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.hash = $1",
      hash, now_ms);
  if (rows.empty()) return std::nullopt;
  TokenRow out{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(),
               rows[0][2].as<std::string>(), rows[0][3].as<bool>(), std::nullopt};
  if (rows[0][4].as<bool>()) out.user = user_row(rows[0], 5);
  return out;
}

void delete_token(pqxx::transaction_base& t, const std::string& hash) {
  t.exec_params("DELETE FROM tokens WHERE hash = $1", hash);
}

std::vector<TokenInfo> tokens(pqxx::transaction_base& t, const std::string& user_id,
                              std::int64_t now_ms) {
  std::vector<TokenInfo> out;
  for (const auto& r : t.exec_params(
           "SELECT left(hash, 16), user_id, kind, name, elva_iso(created_at), "
           "coalesce(elva_iso(expires_at), ''), (expires_at IS NOT NULL AND expires_at <= "
           "to_timestamp($2::bigint / 1000.0)) FROM tokens WHERE $1 = '' OR user_id = $1 "
           "ORDER BY created_at DESC, hash",
           user_id, now_ms)) {
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
                   r[6].as<bool>()});
  }
  return out;
}

bool revoke_token(pqxx::transaction_base& t, const std::string& id) {
  // Sixteen hex digits name one token (64 bits of a SHA-256); anything else names none.
  if (id.size() != 16 || id.find_first_not_of("0123456789abcdef") != std::string::npos)
    return false;
  return !t.exec_params("DELETE FROM tokens WHERE left(hash, 16) = $1 RETURNING 1", id).empty();
}

std::optional<FormRow> form(pqxx::transaction_base& t, const std::string& key) {
  // By id first; then by file name, with or without its folder and extension.
  auto rows = t.exec_params(
      "SELECT form_id, file, version, schema::text FROM forms WHERE form_id = $1 OR file = $1 "
      "OR regexp_replace(file, '^.*/', '') = $1 OR regexp_replace(regexp_replace(file, '^.*/', "
      "''), '\\.form(\\.json)?$', '') = $1 "
      "ORDER BY (form_id = $1) DESC, version DESC, id DESC LIMIT 1",
      key);
  if (rows.empty()) return std::nullopt;
  return FormRow{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(), rows[0][2].as<int>(),
                 json::parse(rows[0][3].as<std::string>())};
}

std::optional<LockedJob> locked_job(pqxx::transaction_base& t, Key key) {
  auto rows = t.exec_params(
      "SELECT j.key, j.instance_id, j.element_instance, j.element_id, j.type, j.retries, j.due, "
      "j.input::text, "
      "j.locked_by, j.lock_until, coalesce(i.process_id, ''), coalesce(i.business_key, '') "
      "FROM jobs j LEFT JOIN instances i ON i.id = j.instance_id WHERE j.key = $1",
      static_cast<std::int64_t>(key));
  if (rows.empty()) return std::nullopt;
  return LockedJob{job_row(rows[0]), rows[0][8].as<std::string>(), rows[0][9].as<std::int64_t>(),
                   rows[0][10].as<std::string>(), rows[0][11].as<std::string>()};
}

bool relock_job(pqxx::transaction_base& t, Key key, const std::string& worker,
                std::int64_t lock_until, std::int64_t now) {
  return !t.exec_params(
               "UPDATE jobs SET lock_until = $3 WHERE key = $1 AND locked_by = $2 AND lock_until > "
               "$4 RETURNING 1",
               static_cast<std::int64_t>(key), worker, lock_until, now)
              .empty();
}

bool unlock_job(pqxx::transaction_base& t, Key key) {
  return !t.exec_params("UPDATE jobs SET locked_by = '', lock_until = 0 WHERE key = $1 RETURNING 1",
                        static_cast<std::int64_t>(key))
              .empty();
}

}  // namespace elva::store::people
