// The stats queries (pg_stats.hpp). Every figure is one SQL statement over instances, history and
// user_tasks (indexes: migrations/009_stats.sql). Durations are seconds; percentiles are
// PostgreSQL's percentile_cont (linear interpolation), null when nothing was measured.
#include "store/pg/pg_stats.hpp"

#include <string>

namespace elva::store::pg_stats {
namespace {

using nlohmann::json;

// Parameters of every statement: $1 process, $2 from, $3 to, $4 now (epoch ms), $5 deadline.
const std::string F = "to_timestamp($2::bigint / 1000.0)";
const std::string T = "to_timestamp($3::bigint / 1000.0)";
const std::string N = "to_timestamp($4::bigint / 1000.0)";

// An instance's unit: the organisational unit of the user who started it, at that moment
// (history's unit, schema 13 on; before, their first group as the users table has it now);
// "(no unit)" for starts by systems, timers and messages.
const std::string kInstanceUnit =
    "coalesce((SELECT coalesce(h.unit, u.groups[1]) FROM history h LEFT JOIN users u ON u.id = "
    "substr(h.actor, 6) WHERE h.instance_id = i.id AND h.kind = 'started' AND h.actor LIKE "
    "'user:%' ORDER BY h.id LIMIT 1), '(no unit)')";
// A task's unit: the first group it is offered to, else its assignee's first group.
const std::string kTaskUnit =
    "coalesce(t.candidate_groups[1], (SELECT u.groups[1] FROM users u WHERE u.id = t.assignee), "
    "'(no unit)')";

// The instances a window's figures count, in parts that each use an index (an OR of them made
// PostgreSQL read every instance of the process: 180 ms at a million, even for an empty window):
// the running ones (migration 012), the ended ones started in the window (instances_by_process_
// started), and those started before it that ended in it (completed: by their end; terminated:
// by their status, there are few). Columns: id, status, started_at, ended_at.
const std::string kWindowInstances =
    "SELECT id, status, started_at, ended_at FROM instances WHERE process_id = $1 AND status = "
    "'active' UNION ALL SELECT id, status, started_at, ended_at FROM instances WHERE process_id = "
    "$1 AND status <> 'active' AND started_at >= " +
    F + " AND started_at < " + T +
    " UNION ALL SELECT id, status, started_at, ended_at FROM instances WHERE process_id = $1 AND "
    "status = 'completed' AND ended_at >= " +
    F + " AND ended_at < " + T + " AND started_at < " + F +
    " UNION ALL SELECT id, status, started_at, ended_at FROM instances WHERE process_id = $1 AND "
    "status = 'terminated' AND ended_at >= " +
    F + " AND ended_at < " + T + " AND started_at < " + F;
// The instances that ran at some time in the window: running ones started before its end, and
// ended ones that ended in it or after it (and started before its end). Column: id.
const std::string kRunningInWindow =
    "SELECT id FROM instances WHERE process_id = $1 AND status = 'active' AND started_at < " + T +
    " UNION ALL SELECT id FROM instances WHERE process_id = $1 AND status = 'completed' AND "
    "ended_at >= " +
    F + " AND started_at < " + T +
    " UNION ALL SELECT id FROM instances WHERE process_id = $1 AND status = 'terminated' AND "
    "ended_at >= " +
    F + " AND started_at < " + T;

json number_or_null(const pqxx::field& f) {
  if (f.is_null()) return nullptr;
  return f.as<double>();
}

// Every statement gets the five parameters; PostgreSQL refuses a parameter a statement does not
// use (its type cannot be known), so each is named once in a filter that is always true (a
// subquery's rows keep their order).
pqxx::result run(pqxx::transaction_base& t, const std::string& sql, const StatsQuery& q) {
  return t.exec_params("SELECT * FROM (" + sql +
                           ") q WHERE $1::text IS NOT NULL AND $2::bigint IS NOT NULL AND "
                           "$3::bigint IS NOT NULL AND $4::bigint IS NOT NULL AND $5::interval IS "
                           "NOT NULL",
                       q.process_id, q.from_ms, q.to_ms, q.now_ms,
                       q.deadline.empty() ? std::string("P1D") : q.deadline);
}

// started, completed, running and lead time, overall ("" unit) or per unit.
json instance_figures(pqxx::transaction_base& t, const StatsQuery& q, bool by_unit) {
  const std::string in_window = "started_at >= " + F + " AND started_at < " + T;
  const std::string done = "status = 'completed' AND ended_at >= " + F + " AND ended_at < " + T;
  const std::string lead = "extract(epoch FROM ended_at - started_at)";
  const auto rows =
      run(t,
          "WITH i AS (SELECT i.status, i.started_at, i.ended_at, " +
              (by_unit ? kInstanceUnit : std::string("''")) + " AS unit FROM (" + kWindowInstances +
              ") i) SELECT unit, count(*) FILTER (WHERE " + in_window +
              "), count(*) FILTER (WHERE " + done +
              "), count(*) FILTER (WHERE status = 'active'), percentile_cont(0.5) WITHIN GROUP "
              "(ORDER BY " +
              lead + ") FILTER (WHERE " + done + "), percentile_cont(0.9) WITHIN GROUP (ORDER BY " +
              lead + ") FILTER (WHERE " + done + ") FROM i GROUP BY unit ORDER BY unit",
          q);
  json out = json::array();
  for (const auto& r : rows) {
    out.push_back({{"unit", r[0].as<std::string>()},
                   {"started", r[1].as<std::int64_t>()},
                   {"completed", r[2].as<std::int64_t>()},
                   {"running", r[3].as<std::int64_t>()},
                   {"leadTime", {{"p50", number_or_null(r[4])}, {"p90", number_or_null(r[5])}}}});
  }
  return out;
}

// Per element: activation to completion of the completions in the window. History pairs an
// element's "completed" row with the "activated" row just before it (same instance and element);
// a step that began and ended in one command has only a "completed" row and took no time.
json step_figures(pqxx::transaction_base& t, const StatsQuery& q) {
  const auto rows = run(
      t,
      "WITH i AS (" + kRunningInWindow +
          "), h AS (SELECT h.element_id, h.kind, h.at, lag(h.kind) OVER w AS pkind, lag(h.at) "
          "OVER w AS pat FROM history h JOIN i ON h.instance_id = i.id WHERE h.element_id <> '' "
          "AND h.kind IN ('activated', 'completed') WINDOW w AS (PARTITION BY h.instance_id, "
          "h.element_id ORDER BY h.id)), d AS (SELECT element_id, extract(epoch FROM at - CASE "
          "WHEN pkind = 'activated' THEN pat ELSE at END) AS s FROM h WHERE kind = 'completed' "
          "AND at >= " +
          F + " AND at < " + T +
          ") SELECT element_id, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY s), "
          "percentile_cont(0.9) WITHIN GROUP (ORDER BY s) FROM d GROUP BY element_id ORDER BY "
          "element_id",
      q);
  json out = json::array();
  for (const auto& r : rows) {
    out.push_back({{"element", r[0].as<std::string>()},
                   {"completed", r[1].as<std::int64_t>()},
                   {"leadTime", {{"p50", number_or_null(r[2])}, {"p90", number_or_null(r[3])}}}});
  }
  return out;
}

// Per user task (and unit): tasks created in the window, how long they waited for someone to
// take them (claim, or completion without a claim), and how many wait now.
json user_task_figures(pqxx::transaction_base& t, const StatsQuery& q, bool by_unit) {
  const std::string created = "created_at >= " + F + " AND created_at < " + T;
  const std::string taken = created + " AND (claimed_at IS NOT NULL OR state = 'completed')";
  const std::string wait = "extract(epoch FROM coalesce(claimed_at, ended_at) - created_at)";
  const auto rows = run(
      t,
      "SELECT " + (by_unit ? kTaskUnit : std::string("''")) +
          " AS unit, element_id, max(name), count(*) FILTER (WHERE " + created +
          "), count(*) FILTER (WHERE state = 'open' AND claimed_at IS NULL), "
          "percentile_cont(0.5) WITHIN GROUP (ORDER BY " +
          wait + ") FILTER (WHERE " + taken + "), percentile_cont(0.9) WITHIN GROUP (ORDER BY " +
          wait + ") FILTER (WHERE " + taken + ") FROM user_tasks t WHERE process_id = $1 AND ((" +
          created + ") OR state = 'open') GROUP BY 1, 2 ORDER BY 1, 2",
      q);
  json out = json::array();
  for (const auto& r : rows) {
    json item = {{"element", r[1].as<std::string>()},
                 {"name", r[2].as<std::string>()},
                 {"tasks", r[3].as<std::int64_t>()},
                 {"waitingNow", r[4].as<std::int64_t>()},
                 {"wait", {{"p50", number_or_null(r[5])}, {"p90", number_or_null(r[6])}}}};
    if (by_unit) item["unit"] = r[0].as<std::string>();
    out.push_back(std::move(item));
  }
  return out;
}

// Open tasks past their due date: who holds them (the assignee, else the groups offered), and
// the 100 most overdue.
json overdue(pqxx::transaction_base& t, const StatsQuery& q, bool by_unit) {
  const std::string where =
      " FROM user_tasks t WHERE process_id = $1 AND state = 'open' AND due < " + N;
  json out = {{"total", 0}, {"byHolder", json::array()}, {"tasks", json::array()}};
  std::int64_t total = 0;
  for (const auto& r : run(t,
                           "SELECT CASE WHEN assignee <> '' THEN assignee ELSE 'group:' || "
                           "array_to_string(candidate_groups, ',') END, count(*), "
                           "elva_iso(min(due))" +
                               where + " GROUP BY 1 ORDER BY 2 DESC, 1",
                           q)) {
    total += r[1].as<std::int64_t>();
    out["byHolder"].push_back({{"holder", r[0].as<std::string>()},
                               {"tasks", r[1].as<std::int64_t>()},
                               {"oldestDue", r[2].as<std::string>()}});
  }
  out["total"] = total;
  for (const auto& r :
       run(t,
           "SELECT key, element_id, name, instance_id, elva_iso(due), assignee, "
           "array_to_json(candidate_groups)::text, " +
               (by_unit ? kTaskUnit : std::string("''")) + where + " ORDER BY due, key LIMIT 100",
           q)) {
    json item = {{"task", r[0].as<std::int64_t>()},
                 {"element", r[1].as<std::string>()},
                 {"name", r[2].as<std::string>()},
                 {"instance", r[3].as<std::int64_t>()},
                 {"due", r[4].as<std::string>()},
                 {"assignee", r[5].as<std::string>()},
                 {"candidateGroups", json::parse(r[6].as<std::string>())}};
    if (by_unit) item["unit"] = r[7].as<std::string>();
    out["tasks"].push_back(std::move(item));
  }
  return out;
}

// Started and completed per ISO week (UTC), weeks with neither left out.
json throughput(pqxx::transaction_base& t, const StatsQuery& q) {
  json out = json::array();
  for (const auto& r : run(t,
                           "SELECT to_char(w, 'IYYY-\"W\"IW'), to_char(w, 'YYYY-MM-DD'), "
                           "sum(s)::bigint, sum(c)::bigint FROM (SELECT date_trunc('week', "
                           "started_at AT TIME ZONE 'UTC') AS w, 1 AS s, 0 AS c FROM instances "
                           "WHERE process_id = $1 AND started_at >= " +
                               F + " AND started_at < " + T +
                               " UNION ALL SELECT date_trunc('week', ended_at AT TIME ZONE "
                               "'UTC'), 0, 1 FROM instances WHERE process_id = $1 AND status = "
                               "'completed' AND ended_at >= " +
                               F + " AND ended_at < " + T + ") x GROUP BY w ORDER BY w",
                           q)) {
    out.push_back({{"week", r[0].as<std::string>()},
                   {"weekStart", r[1].as<std::string>()},
                   {"started", r[2].as<std::int64_t>()},
                   {"completed", r[3].as<std::int64_t>()}});
  }
  return out;
}

// The share of cases completed in the window within the deadline; running cases past it (late)
// or past 80% of it (at risk), the 100 oldest listed.
json deadline(pqxx::transaction_base& t, const StatsQuery& q) {
  const auto met = run(t,
                       "SELECT count(*), count(*) FILTER (WHERE ended_at <= started_at + "
                       "$5::interval) FROM instances WHERE process_id = $1 AND status = "
                       "'completed' AND ended_at >= " +
                           F + " AND ended_at < " + T,
                       q);
  const auto completed = met[0][0].as<std::int64_t>(), in_time = met[0][1].as<std::int64_t>();
  const std::string due = "started_at + $5::interval";
  const std::string risky = "status = 'active' AND " + N + " > started_at + $5::interval * 0.8";
  const auto counts =
      run(t,
          "SELECT count(*) FILTER (WHERE " + N + " > " + due + "), count(*) FILTER (WHERE " + N +
              " <= " + due + ") FROM instances WHERE process_id = $1 AND " + risky,
          q);
  json out = {{"duration", q.deadline},
              {"completed", completed},
              {"met", in_time},
              {"share", completed ? json(static_cast<double>(in_time) / completed) : json()},
              {"late", counts[0][0].as<std::int64_t>()},
              {"atRisk", counts[0][1].as<std::int64_t>()},
              {"cases", json::array()}};
  for (const auto& r : run(t,
                           "SELECT id, elva_iso(started_at), elva_iso(" + due + "), " + N + " > " +
                               due + " FROM instances WHERE process_id = $1 AND " + risky +
                               " ORDER BY started_at, id LIMIT 100",
                           q)) {
    out["cases"].push_back({{"instance", r[0].as<std::int64_t>()},
                            {"startedAt", r[1].as<std::string>()},
                            {"dueAt", r[2].as<std::string>()},
                            {"late", r[3].as<bool>()}});
  }
  return out;
}

}  // namespace

// A person's actions in cases: one per command (the rows one command writes share its time and
// actor; a task's completion also completes the gateways after it), with the unit history
// recorded for it (migration 013). In people mode a person stands for themselves only when
// their unit has at least 5 active users; otherwise they are shown as their unit.
json network(pqxx::transaction_base& t, const StatsQuery& q, bool people) {
  const std::string acts =
      // The cases that ran in the window, each part by an index (as kRunningInWindow), then
      // their history by history_by_instance: never every history row of the database.
      "WITH i AS (SELECT id FROM instances WHERE ($1 = '' OR process_id = $1) AND status = "
      "'active' AND started_at < " +
      T +
      " UNION ALL SELECT id FROM instances WHERE ($1 = '' OR process_id = $1) AND status = "
      "'completed' AND ended_at >= " +
      F + " AND started_at < " + T +
      " UNION ALL SELECT id FROM instances WHERE ($1 = '' OR process_id = $1) AND status = "
      "'terminated' AND ended_at >= " +
      F + " AND started_at < " + T +
      "), acts AS (SELECT h.instance_id, h.at, h.actor, h.unit, min(h.id) AS id FROM i JOIN "
      "history h ON h.instance_id = i.id WHERE h.unit IS NOT NULL AND h.at >= " +
      F + " AND h.at < " + T +
      " GROUP BY 1, 2, 3, 4), sizes AS (SELECT groups[1] AS "
      "unit, count(*) AS n FROM users WHERE NOT disabled AND cardinality(groups) > 0 GROUP BY 1), "
      "nodes AS (SELECT a.*, CASE WHEN $4 AND coalesce(s.n, 0) >= 5 THEN substr(a.actor, 6) ELSE "
      "a.unit END AS node, CASE WHEN $4 AND coalesce(s.n, 0) >= 5 THEN 'person' ELSE 'unit' END "
      "AS node_kind FROM acts a LEFT JOIN sizes s ON s.unit = a.unit) ";
  const auto params = [&](const std::string& sql) {
    return t.exec_params(acts + sql, q.process_id, q.from_ms, q.to_ms, people);
  };
  json out = {{"nodes", json::array()}, {"handoffs", json::array()}, {"together", json::array()}};
  for (const auto& r :
       params("SELECT node, min(node_kind), min(unit), count(*), count(DISTINCT actor), "
              "count(DISTINCT instance_id) FROM nodes GROUP BY node ORDER BY count(*) DESC, "
              "node")) {
    out["nodes"].push_back({{"id", r[0].as<std::string>()},
                            {"kind", r[1].as<std::string>()},
                            {"unit", r[2].as<std::string>()},
                            {"actions", r[3].as<std::int64_t>()},
                            {"people", r[4].as<std::int64_t>()},
                            {"cases", r[5].as<std::int64_t>()}});
  }
  // A hand-off: the next action in the same case is another node's. Its time: from the one
  // action to the next (the case's waiting and the work of the one who took it over).
  for (const auto& r :
       params(", seq AS (SELECT node, at, lag(node) OVER w AS prev, lag(at) OVER w AS prev_at FROM "
              "nodes WINDOW w AS (PARTITION BY instance_id ORDER BY id)) SELECT prev, node, "
              "count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM at - "
              "prev_at)), percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM at - "
              "prev_at)) FROM seq WHERE prev IS NOT NULL AND prev <> node GROUP BY 1, 2 ORDER BY 3 "
              "DESC, 1, 2")) {
    out["handoffs"].push_back(
        {{"from", r[0].as<std::string>()},
         {"to", r[1].as<std::string>()},
         {"count", r[2].as<std::int64_t>()},
         {"time", {{"p50", number_or_null(r[3])}, {"p90", number_or_null(r[4])}}}});
  }
  // Working together: two nodes that acted in the same case.
  for (const auto& r :
       params(", per AS (SELECT DISTINCT instance_id, node FROM nodes) SELECT a.node, b.node, "
              "count(*) FROM per a JOIN per b ON a.instance_id = b.instance_id AND a.node < b.node "
              "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 500")) {
    out["together"].push_back({{"a", r[0].as<std::string>()},
                               {"b", r[1].as<std::string>()},
                               {"cases", r[2].as<std::int64_t>()}});
  }
  return out;
}

json read(pqxx::transaction_base& t, const StatsQuery& q) {
  json out;
  auto totals = instance_figures(t, q, false);
  json whole = totals.empty() ? json{{"started", 0},
                                     {"completed", 0},
                                     {"running", 0},
                                     {"leadTime", {{"p50", nullptr}, {"p90", nullptr}}}}
                              : totals[0];
  whole.erase("unit");
  out["instances"] = whole;
  out["steps"] = step_figures(t, q);
  out["userTasks"] = user_task_figures(t, q, false);
  out["overdue"] = overdue(t, q, false);
  out["throughput"] = throughput(t, q);
  out["deadline"] = q.deadline.empty() ? json() : deadline(t, q);
  if (q.by_unit) {
    json units = json::object();
    for (auto& u : instance_figures(t, q, true)) {
      const std::string name = u["unit"];
      u.erase("unit");
      units[name] = u;
      units[name]["userTasks"] = json::array();
      units[name]["overdue"] = 0;
    }
    auto ensure = [&](const std::string& name) {
      if (units.contains(name)) return;
      units[name] = {{"started", 0},
                     {"completed", 0},
                     {"running", 0},
                     {"leadTime", {{"p50", nullptr}, {"p90", nullptr}}},
                     {"userTasks", json::array()},
                     {"overdue", 0}};
    };
    for (auto& task : user_task_figures(t, q, true)) {
      const std::string name = task["unit"];
      task.erase("unit");
      ensure(name);
      units[name]["userTasks"].push_back(task);
    }
    for (const auto& r : run(t,
                             "SELECT " + kTaskUnit +
                                 ", count(*) FROM user_tasks t WHERE process_id = $1 AND state = "
                                 "'open' AND due < " +
                                 N + " GROUP BY 1",
                             q)) {
      ensure(r[0].as<std::string>());
      units[r[0].as<std::string>()]["overdue"] = r[1].as<std::int64_t>();
    }
    json list = json::array();
    for (auto& [name, u] : units.items()) {
      u["unit"] = name;
      list.push_back(u);
    }
    out["units"] = list;
  }
  return out;
}

json history_events(pqxx::transaction_base& t, const StatsQuery& q) {
  json out = json::array();
  for (const auto& r : run(t,
                           "SELECT h.instance_id, h.element_id, h.kind, h.actor, elva_iso(h.at), "
                           "coalesce(h.unit, '') "
                           "FROM instances i JOIN history h ON h.instance_id = i.id WHERE "
                           "i.process_id = $1 AND i.started_at >= " +
                               F + " AND i.started_at < " + T +
                               " AND h.element_id <> '' AND h.kind IN ('activated', 'completed', "
                               "'terminated') ORDER BY h.instance_id, h.id",
                           q)) {
    out.push_back({{"instance", r[0].as<std::int64_t>()},
                   {"element", r[1].as<std::string>()},
                   {"kind", r[2].as<std::string>()},
                   {"actor", r[3].as<std::string>()},
                   {"at", r[4].as<std::string>()},
                   {"unit", r[5].as<std::string>()}});
  }
  return out;
}

}  // namespace elva::store::pg_stats
