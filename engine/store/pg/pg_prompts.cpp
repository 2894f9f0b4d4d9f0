// Queries for task prompts (pg_prompts.hpp). Times of day, quiet hours and due dates are worked
// out in PostgreSQL, in each recipient's time zone (its zone database is the system's).
#include "store/pg/pg_prompts.hpp"

namespace elva::store::prompts {
namespace {

// A claimed task: the columns every claim returns.
const char* const kTaskColumns =
    "key, name, process_name, business_key, coalesce(elva_iso(due), ''), documentation, "
    "assignee, candidate_users, candidate_groups, process_id, element_id, instance_id";

// The recipient's time zone: their own, else the server's, else the database's.
const char* const kZone =
    "coalesce(nullif(s.time_zone, ''), nullif($3, ''), current_setting('TimeZone'))";

// Whom a task is for now: its assignee, else its candidate users and the members of its
// candidate groups (enabled users with an e-mail address); `only` narrows it to one user. Each
// with what they chose and, when they are in their quiet hours, when these end.
struct Candidate {
  TaskPrompt::Recipient to;
  std::string mode, quiet_until;
};

std::vector<Candidate> candidates(pqxx::transaction_base& t, const pqxx::row& task,
                                  const PromptPolicy& p, const std::string& only) {
  const std::string assignee = task[6].as<std::string>();
  auto rows = t.exec_params(
      std::string("SELECT u.id, u.name, u.email, u.locale, coalesce(s.mode, 'each'), "
                  "coalesce(elva_iso(elva_quiet_until(coalesce(s.quiet_hours, $4), z.tz, "
                  "now())), ''), coalesce(to_char(nullif($5, '')::timestamptz AT TIME ZONE z.tz, "
                  "'YYYY-MM-DD HH24:MI'), '') FROM users u LEFT JOIN prompt_settings s ON "
                  "s.user_id = u.id CROSS JOIN LATERAL (SELECT ") +
          kZone +
          " AS tz) z WHERE NOT u.disabled AND u.email <> '' AND CASE WHEN $6 <> '' THEN u.id = "
          "$6 ELSE (u.id = ANY($1::text[]) OR u.groups && $2::text[]) END AND ($7 = '' OR u.id = "
          "$7) ORDER BY u.id",
      task[7].c_str(), task[8].c_str(), p.time_zone, p.quiet_hours, task[4].as<std::string>(),
      assignee, only);
  std::vector<Candidate> out;
  for (const auto& u : rows) {
    Candidate c;
    c.to = {u[0].as<std::string>(), u[1].as<std::string>(), u[2].as<std::string>(),
            u[3].as<std::string>(), u[6].as<std::string>(), 0};
    c.mode = u[4].as<std::string>();
    c.quiet_until = u[5].as<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

// Holds a mail back until `not_before` (ISO 8601); a mail already waiting keeps its place.
void queue(pqxx::transaction_base& t, Key key, const std::string& kind, const std::string& user,
           const std::string& not_before, int attempts) {
  t.exec_params(
      "INSERT INTO prompt_queue (task_key, kind, user_id, not_before, attempts) VALUES "
      "($1::bigint, $2, $3, $4::timestamptz, $5::int) ON CONFLICT (task_key, kind, user_id) DO "
      "UPDATE SET not_before = EXCLUDED.not_before, attempts = EXCLUDED.attempts",
      key, kind, user, not_before, attempts);
}

// The prompt for one claimed task row; its recipients are those to mail now.
TaskPrompt prompt(pqxx::transaction_base& t, const pqxx::row& r, const std::string& kind,
                  const PromptPolicy& p, const std::string& only, int attempts) {
  TaskPrompt out;
  out.key = r[0].as<Key>();
  out.kind = kind;
  out.name = r[1].as<std::string>();
  out.process_name = r[2].as<std::string>();
  out.business_key = r[3].as<std::string>();
  out.due = r[4].as<std::string>();
  out.documentation = r[5].as<std::string>();
  out.process_id = r[9].as<std::string>();
  out.element_id = r[10].as<std::string>();
  out.instance = r[11].as<Key>();
  for (auto& c : candidates(t, r, p, only)) {
    if (c.mode != "each") continue;  // the digest lists it; or they want no mails
    if (!c.quiet_until.empty()) {
      queue(t, out.key, kind, c.to.user, c.quiet_until, attempts);
      continue;
    }
    c.to.attempts = attempts;
    out.recipients.push_back(std::move(c.to));
  }
  return out;
}

}  // namespace

std::vector<TaskPrompt> claim(pqxx::transaction_base& t, int limit, const PromptPolicy& p) {
  std::vector<TaskPrompt> out;
  // New tasks, not yet announced.
  for (const auto& r : t.exec_params(
           std::string("UPDATE user_tasks SET prompted_at = now() WHERE key IN (SELECT key FROM "
                       "user_tasks WHERE prompted_at IS NULL AND state = 'open' ORDER BY "
                       "created_at LIMIT $1::int FOR UPDATE SKIP LOCKED) RETURNING ") +
               kTaskColumns,
           limit)) {
    out.push_back(prompt(t, r, "new", p, "", 0));
  }
  // Reminders: at the follow-up date; else remind_before the due date, for a task that was
  // there before then (a task made later was announced with its due date already).
  for (const auto& r : t.exec_params(
           std::string(
               "UPDATE user_tasks SET reminded_at = now() WHERE key IN (SELECT key FROM "
               "user_tasks WHERE reminded_at IS NULL AND state = 'open' AND prompted_at IS NOT "
               "NULL AND ((follow_up <= now() AND follow_up > created_at) OR (due <= now() + "
               "nullif($2, '')::interval AND due > now() AND due - nullif($2, '')::interval > "
               "created_at)) ORDER BY coalesce(follow_up, due) LIMIT $1::int FOR UPDATE SKIP "
               "LOCKED) RETURNING ") +
               kTaskColumns,
           limit, p.remind_before)) {
    out.push_back(prompt(t, r, "reminder", p, "", 0));
  }
  // Mails that waited for quiet hours to end, or to be tried again.
  auto waiting = t.exec_params(
      "DELETE FROM prompt_queue WHERE (task_key, kind, user_id) IN (SELECT task_key, kind, "
      "user_id FROM prompt_queue WHERE not_before <= now() ORDER BY not_before LIMIT $1::int FOR "
      "UPDATE SKIP LOCKED) RETURNING task_key, kind, user_id, attempts",
      limit);
  for (const auto& w : waiting) {
    auto task = t.exec_params(std::string("SELECT ") + kTaskColumns +
                                  " FROM user_tasks WHERE key = $1::bigint AND state = 'open'",
                              w[0].as<Key>());
    if (task.empty()) continue;  // done or gone meanwhile: nothing to say
    auto p1 = prompt(t, task[0], w[1].as<std::string>(), p, w[2].as<std::string>(), w[3].as<int>());
    if (!p1.recipients.empty()) out.push_back(std::move(p1));
  }
  return out;
}

void retry(pqxx::transaction_base& t, Key key, const std::string& kind, const std::string& user,
           int attempts) {
  auto at = t.exec_params1("SELECT elva_iso(now() + make_interval(mins => $1::int))", attempts);
  queue(t, key, kind, user, at[0].as<std::string>(), attempts);
}

std::vector<Digest> claim_digests(pqxx::transaction_base& t, int limit, const PromptPolicy& p) {
  // Users whose digest time has come today (in their time zone) and who had none today.
  auto due = t.exec_params(
      std::string(
          "WITH due AS (SELECT s.user_id, s.last_digest_at, z.tz FROM prompt_settings s JOIN "
          "users u ON u.id = s.user_id CROSS JOIN LATERAL (SELECT ") +
          kZone +
          " AS tz) z WHERE s.mode = 'digest' AND NOT u.disabled AND u.email <> '' AND (now() AT "
          "TIME ZONE z.tz)::time >= coalesce(s.digest_at, nullif($2, '')::time, '07:00') AND "
          "(s.last_digest_at IS NULL OR (s.last_digest_at AT TIME ZONE z.tz)::date < (now() AT "
          "TIME ZONE z.tz)::date) ORDER BY s.user_id LIMIT $1::int FOR UPDATE OF s SKIP LOCKED), "
          "marked AS (UPDATE prompt_settings s SET last_digest_at = now() FROM due WHERE "
          "s.user_id = due.user_id) SELECT u.id, u.name, u.email, u.locale, due.tz, "
          "coalesce(due.last_digest_at, '-infinity'::timestamptz)::text, to_char(now() AT TIME "
          "ZONE due.tz, 'YYYY-MM-DD'), to_jsonb(u.groups)::text FROM due JOIN users u ON u.id = "
          "due.user_id ORDER BY u.id",
      limit, p.digest_at, p.time_zone);
  std::vector<Digest> out;
  for (const auto& u : due) {
    Digest d;
    d.to = {u[0].as<std::string>(),
            u[1].as<std::string>(),
            u[2].as<std::string>(),
            u[3].as<std::string>(),
            "",
            0};
    d.date = u[6].as<std::string>();
    const std::string tz = u[4].as<std::string>(), since = u[5].as<std::string>();
    // What the task list shows them: assigned to them, or unassigned and offered to them.
    const char* const mine =
        "state = 'open' AND (assignee = $1 OR (assignee = '' AND ($1 = ANY(candidate_users) OR "
        "candidate_groups && (SELECT groups FROM users WHERE id = $1))))";
    d.open =
        t.exec_params1(std::string("SELECT count(*) FROM user_tasks WHERE ") + mine, d.to.user)[0]
            .as<int>();
    for (const auto& r : t.exec_params(
             std::string("SELECT key, name, process_name, business_key, coalesce(to_char(due AT "
                         "TIME ZONE $2, 'YYYY-MM-DD HH24:MI'), ''), process_id, element_id, "
                         "created_at > $3::timestamptz, instance_id FROM user_tasks WHERE ") +
                 mine + " ORDER BY created_at DESC LIMIT 50",
             d.to.user, tz, since)) {
      Digest::Line line;
      line.key = r[0].as<Key>();
      line.name = r[1].as<std::string>();
      line.process_name = r[2].as<std::string>();
      line.business_key = r[3].as<std::string>();
      line.due_local = r[4].as<std::string>();
      line.process_id = r[5].as<std::string>();
      line.element_id = r[6].as<std::string>();
      line.fresh = r[7].as<bool>();
      line.instance = r[8].as<Key>();
      d.tasks.push_back(std::move(line));
    }
    out.push_back(std::move(d));
  }
  return out;
}

PromptSettings settings(pqxx::transaction_base& t, const std::string& user) {
  PromptSettings s;
  auto rows = t.exec_params(
      "SELECT mode, coalesce(to_char(digest_at, 'HH24:MI'), ''), digest_at IS NULL, "
      "coalesce(quiet_hours, ''), quiet_hours IS NULL, time_zone FROM prompt_settings WHERE "
      "user_id = $1",
      user);
  if (rows.empty()) return s;
  s.mode = rows[0][0].as<std::string>();
  if (!rows[0][2].as<bool>()) s.digest_at = rows[0][1].as<std::string>();
  if (!rows[0][4].as<bool>()) s.quiet_hours = rows[0][3].as<std::string>();
  s.time_zone = rows[0][5].as<std::string>();
  return s;
}

bool set_settings(pqxx::transaction_base& t, const std::string& user, const PromptSettings& s) {
  if (!s.time_zone.empty() &&
      !t.exec_params1("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)",
                      s.time_zone)[0]
           .as<bool>())
    return false;
  t.exec_params(
      "INSERT INTO prompt_settings (user_id, mode, digest_at, quiet_hours, time_zone) VALUES ($1, "
      "$2, nullif($3, '')::time, CASE WHEN $4 THEN $5 END, $6) ON CONFLICT (user_id) DO UPDATE "
      "SET mode = EXCLUDED.mode, digest_at = EXCLUDED.digest_at, quiet_hours = "
      "EXCLUDED.quiet_hours, time_zone = EXCLUDED.time_zone, updated_at = now()",
      user, s.mode, s.digest_at.value_or(""), s.quiet_hours.has_value(), s.quiet_hours.value_or(""),
      s.time_zone);
  return true;
}

}  // namespace elva::store::prompts
