// The stats (Engine::stats, `elva stats`, GET /api/stats) against PostgreSQL: instances, history
// and tasks written with known timestamps, every figure computed by hand below.
#include <catch2/catch.hpp>

#include "elva/engine.hpp"
#include "support/pg_database.hpp"
#include "support/pg_engine.hpp"

using namespace elva;
using nlohmann::json;

namespace {

constexpr double kDay = 86400;

const char* kProcess = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:elva="urn:elva:bpmn:1.0"
             id="d" targetNamespace="urn:elva:tests">
  <process id="permit" name="Building permit" isExecutable="true" elva:deadline="P10D">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <userTask id="review" name="Review the application" elva:candidateGroups="case-officers"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>)";

// An instance row and its history: the start ("started", the start event completed at once,
// the review activated) and, when it ended, the review completed.
std::string instance_sql(int id, const std::string& started, const std::string& ended,
                         const std::string& starter) {
  const std::string status = ended.empty() ? "active" : "completed";
  const std::string end = ended.empty() ? "NULL" : "'" + ended + "'";
  std::string sql =
      "INSERT INTO instances (id, definition_id, process_id, status, version, state, variables, "
      "started_at, ended_at) SELECT " +
      std::to_string(id) + ", id, 'permit', '" + status + "', 1, '{}', '{}', '" + started + "', " +
      end +
      " FROM definitions WHERE process_id = 'permit'; "
      "INSERT INTO history (instance_id, at, actor, kind, element_id) VALUES (" +
      std::to_string(id) + ", '" + started + "', 'user:" + starter + "', 'started', ''), (" +
      std::to_string(id) + ", '" + started + "', 'user:" + starter + "', 'completed', 's'), (" +
      std::to_string(id) + ", '" + started + "', 'user:" + starter + "', 'activated', 'review');";
  if (!ended.empty()) {
    sql += "INSERT INTO history (instance_id, at, actor, kind, element_id) VALUES (" +
           std::to_string(id) + ", '" + ended + "', 'user:x', 'completed', 'review');";
  }
  return sql;
}

std::string task_sql(int key, int instance, const std::string& state, const std::string& created,
                     const std::string& claimed, const std::string& ended, const std::string& due,
                     const std::string& assignee, const std::string& groups) {
  auto ts = [](const std::string& t) { return t.empty() ? std::string("NULL") : "'" + t + "'"; };
  return "INSERT INTO user_tasks (key, instance_id, process_id, element_id, name, assignee, "
         "candidate_groups, state, created_at, claimed_at, ended_at, due) VALUES (" +
         std::to_string(key) + ", " + std::to_string(instance) +
         ", 'permit', 'review', 'Review the application', '" + assignee + "', '" + groups + "', '" +
         state + "', " + ts(created) + ", " + ts(claimed) + ", " + ts(ended) + ", " + ts(due) +
         ");";
}

std::int64_t epoch_ms(const std::string& iso, test::TestDatabase& db) {
  return std::stoll(
      db.query("SELECT (extract(epoch FROM timestamptz '" + iso + "') * 1000)::bigint"));
}

}  // namespace

TEST_CASE(
    "stats: counts, lead times, waiting, overdue, weeks and the deadline, as computed by hand",
    "[pg][stats]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = test::open_engine(db);
  REQUIRE(e->deploy_files({{"permit.bpmn", kProcess}}));

  // Given: anna (social services) started A, B and C, which completed after 2, 6 and 15 days;
  // bo (building) started D, E and F, running at "now" for 15 days, 9 days and 1 day; G
  // started and ended before the window.
  const std::string sql =
      "INSERT INTO users (id, groups) VALUES ('anna', '{social-services}'), ('bo', '{building}');" +
      instance_sql(1, "2026-03-02 08:00Z", "2026-03-04 08:00Z", "anna") +
      instance_sql(2, "2026-03-03 08:00Z", "2026-03-09 08:00Z", "anna") +
      instance_sql(3, "2026-03-05 08:00Z", "2026-03-20 08:00Z", "anna") +
      instance_sql(4, "2026-03-10 08:00Z", "", "bo") +
      instance_sql(5, "2026-03-16 08:00Z", "", "bo") +
      instance_sql(6, "2026-03-24 08:00Z", "", "bo") +
      instance_sql(7, "2026-01-05 08:00Z", "2026-01-06 08:00Z", "anna") +
      // The review tasks: waited 12 h (claimed), 6 d (completed unclaimed), 1 d, 1 d; D's is
      // anna's and overdue, E's is the group's and overdue, F's is not yet due.
      task_sql(101, 1, "completed", "2026-03-02 08:00Z", "2026-03-02 20:00Z", "2026-03-04 08:00Z",
               "", "", "{case-officers}") +
      task_sql(102, 2, "completed", "2026-03-03 08:00Z", "", "2026-03-09 08:00Z", "", "",
               "{case-officers}") +
      task_sql(103, 3, "completed", "2026-03-05 08:00Z", "2026-03-06 08:00Z", "2026-03-20 08:00Z",
               "", "", "{case-officers}") +
      task_sql(104, 4, "open", "2026-03-10 08:00Z", "2026-03-11 08:00Z", "", "2026-03-15 08:00Z",
               "anna", "{}") +
      task_sql(105, 5, "open", "2026-03-16 08:00Z", "", "", "2026-03-20 08:00Z", "",
               "{case-officers}") +
      task_sql(106, 6, "open", "2026-03-24 08:00Z", "", "", "2026-03-31 08:00Z", "",
               "{case-officers}") +
      task_sql(107, 7, "completed", "2026-01-05 08:00Z", "", "2026-01-06 08:00Z", "", "",
               "{case-officers}");
  REQUIRE(db.query(sql).find("ERROR") == std::string::npos);

  const json query = {{"from", "2026-03-01"},
                      {"to", "2026-03-25"},
                      {"now", epoch_ms("2026-03-25 08:00Z", db)},
                      {"by", "unit"}};
  auto s = e->stats("permit", query);
  REQUIRE(s);
  INFO(s->dump(2));
  const json& i = (*s)["instances"];
  CHECK((*s)["name"] == "Building permit");
  CHECK((*s)["from"] == "2026-03-01T00:00:00.000Z");
  CHECK(i["started"] == 6);
  CHECK(i["completed"] == 3);
  CHECK(i["running"] == 3);
  // Lead times 2, 6, 15 days: the median 6; p90 at 1.8 of the way: 6 + 0.8 * 9 = 13.2 days.
  CHECK(i["leadTime"]["p50"].get<double>() == Approx(6 * kDay));
  CHECK(i["leadTime"]["p90"].get<double>() == Approx(13.2 * kDay));

  // Steps: the start event six times at once; the review as the instances (2, 6, 15 days).
  REQUIRE((*s)["steps"].size() == 2);
  const json& review = (*s)["steps"][0];
  CHECK(review["element"] == "review");
  CHECK(review["type"] == "userTask");
  CHECK(review["completed"] == 3);
  CHECK(review["leadTime"]["p50"].get<double>() == Approx(6 * kDay));
  const json& start = (*s)["steps"][1];
  CHECK(start["element"] == "s");
  CHECK(start["completed"] == 6);
  CHECK(start["leadTime"]["p90"].get<double>() == Approx(0));

  // Waiting before the review: 12 h, 1 d, 1 d, 6 d -> median 1 d; p90 at 2.7: 1 d + 0.7 * 5 d.
  REQUIRE((*s)["userTasks"].size() == 1);
  const json& wait = (*s)["userTasks"][0];
  CHECK(wait["tasks"] == 6);
  CHECK(wait["waitingNow"] == 2);
  CHECK(wait["wait"]["p50"].get<double>() == Approx(kDay));
  CHECK(wait["wait"]["p90"].get<double>() == Approx(kDay + 0.7 * 5 * kDay));
  CHECK(wait["name"] == "Review the application");

  // Overdue: D's held by anna since the 15th, E's by the group since the 20th.
  const json& o = (*s)["overdue"];
  CHECK(o["total"] == 2);
  CHECK(o["byHolder"] == json::parse(R"([
    {"holder": "anna", "tasks": 1, "oldestDue": "2026-03-15T08:00:00.000Z"},
    {"holder": "group:case-officers", "tasks": 1, "oldestDue": "2026-03-20T08:00:00.000Z"}])"));
  REQUIRE(o["tasks"].size() == 2);
  CHECK(o["tasks"][0]["task"] == 104);
  CHECK_FALSE(o["tasks"][0].contains("unit"));  // units are in "units" (below)

  // ISO weeks: W10 (from Monday 2 March) 3 started and 1 completed, then one of each.
  CHECK((*s)["throughput"] == json::parse(R"([
    {"week": "2026-W10", "weekStart": "2026-03-02", "started": 3, "completed": 1},
    {"week": "2026-W11", "weekStart": "2026-03-09", "started": 1, "completed": 1},
    {"week": "2026-W12", "weekStart": "2026-03-16", "started": 1, "completed": 1},
    {"week": "2026-W13", "weekStart": "2026-03-23", "started": 1, "completed": 0}])"));

  // Deadline 10 days: A and B met it, C did not; D (15 days) is late, E (9 days) at risk.
  const json& d = (*s)["deadline"];
  CHECK(d["duration"] == "P10D");
  CHECK(d["completed"] == 3);
  CHECK(d["met"] == 2);
  CHECK(d["share"].get<double>() == Approx(2.0 / 3));
  CHECK(d["late"] == 1);
  CHECK(d["atRisk"] == 1);
  CHECK(d["cases"] == json::parse(R"([
    {"instance": 4, "startedAt": "2026-03-10T08:00:00.000Z", "dueAt": "2026-03-20T08:00:00.000Z", "late": true},
    {"instance": 5, "startedAt": "2026-03-16T08:00:00.000Z", "dueAt": "2026-03-26T08:00:00.000Z", "late": false}])"));

  // By unit: instances by their starter's unit, tasks by the group offered (else the assignee's).
  json units = json::object();
  for (const auto& u : (*s)["units"]) units[u["unit"].get<std::string>()] = u;
  CHECK(units["social-services"]["started"] == 3);
  CHECK(units["social-services"]["completed"] == 3);
  CHECK(units["social-services"]["running"] == 0);
  CHECK(units["social-services"]["leadTime"]["p50"].get<double>() == Approx(6 * kDay));
  CHECK(units["social-services"]["overdue"] == 1);  // D's task, held by anna
  CHECK(units["building"]["started"] == 3);
  CHECK(units["building"]["running"] == 3);
  CHECK(units["building"]["leadTime"]["p50"] == nullptr);
  CHECK(units["case-officers"]["overdue"] == 1);
  REQUIRE(units["case-officers"]["userTasks"].size() == 1);
  CHECK(units["case-officers"]["userTasks"][0]["tasks"] == 5);  // A, B, C, E, F
  // A 12 h, B 6 d, C 1 d: the median 1 d.
  CHECK(units["case-officers"]["userTasks"][0]["wait"]["p50"].get<double>() == Approx(kDay));
  CHECK(units["social-services"]["userTasks"][0]["tasks"] == 1);  // D's

  WHEN("the window holds nothing") {
    auto empty = e->stats("permit", {{"from", "2025-01-01"}, {"to", "2025-02-01"}});
    REQUIRE(empty);
    THEN("the counts are 0 and the lead times null; running cases still count") {
      CHECK((*empty)["instances"]["started"] == 0);
      CHECK((*empty)["instances"]["running"] == 3);
      CHECK((*empty)["instances"]["leadTime"]["p50"] == nullptr);
      CHECK((*empty)["deadline"]["share"] == nullptr);
      CHECK_FALSE(empty->contains("units"));
    }
  }
}

TEST_CASE("stats refuse an unknown process and dates that are not dates", "[pg][stats]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = test::open_engine(db);
  auto missing = e->stats("nope", json::object());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::NotFound);
  REQUIRE(e->deploy_files({{"permit.bpmn", kProcess}}));
  auto bad = e->stats("permit", {{"from", "last tuesday"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::InvalidArgument);
  CHECK(bad.error().message.find("--from") != std::string::npos);
  auto backwards = e->stats("permit", {{"from", "2026-02-01"}, {"to", "2026-01-01"}});
  REQUIRE_FALSE(backwards);
}

TEST_CASE("elva:deadline must be a positive ISO 8601 duration, reported at its line",
          "[pg][stats]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = test::open_engine(db);
  std::string bad = kProcess;
  bad.replace(bad.find("P10D"), 4, "soon");
  auto r = e->deploy_files({{"permit.bpmn", bad}});
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("permit.bpmn:4:") != std::string::npos);
  CHECK(r.error().message.find("elva:deadline must be a positive ISO 8601 duration") !=
        std::string::npos);
}
