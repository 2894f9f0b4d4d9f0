// Retention against a real PostgreSQL (docs/privacy.md): ended instances past their process's
// retention go with every row keyed by them, values of classed variables go after their class's
// retention while the case stays, the dry run counts what the run removes, and a run cut short
// resumes. Ends are placed in the past by updating ended_at, as a clock would have.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "elva/engine.hpp"
#include "elva/privacy.hpp"
#include "support/pg_database.hpp"
#include "support/pg_engine.hpp"

using namespace elva;
using nlohmann::json;

namespace {

const char* kProcess = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:elva="urn:elva:bpmn:1.0"
             id="keep-defs" targetNamespace="urn:test">
  <process id="keep" name="Keep" isExecutable="true" elva:retention="P30D"
           elva:purpose="Testing retention">
    <extensionElements>
      <elva:data name="applicant" class="personal" retention="P20D" subject="true"/>
      <elva:data name="scratch" class="working"/>
      <elva:data name="decision" class="record"/>
    </extensionElements>
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <userTask id="review" name="Review {{applicant}}"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>)";

// A process without retention: nothing of it is ever removed.
const char* kForever = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="forever-defs"
             targetNamespace="urn:test">
  <process id="forever" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>)";

std::uint64_t finished_instance(Engine& e, const std::string& applicant) {
  auto started =
      e.start("keep", {{"applicant", applicant}, {"scratch", 7}, {"decision", "yes"}}, "");
  REQUIRE(started);
  const std::uint64_t id = (*started)["id"];
  REQUIRE(e.complete(id, "review", {{"scratch", 8}, {"decision", "granted"}}));
  return id;
}

void end_days_ago(const test::TestDatabase& db, std::uint64_t id, int days) {
  db.query("UPDATE instances SET ended_at = now() - interval '" + std::to_string(days) +
           " days' WHERE id = " + std::to_string(id));
}

// Every table of the schema with an instance column, and how many of its rows name `id`.
std::vector<std::string> instance_tables(const test::TestDatabase& db) {
  const std::string out = db.query(
      "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.columns "
      "WHERE table_schema = 'public' AND column_name = 'instance_id'");
  std::vector<std::string> tables;
  std::size_t start = 0;
  while (start < out.size()) {
    auto end = out.find(',', start);
    if (end == std::string::npos) end = out.size();
    tables.push_back(out.substr(start, end - start));
    start = end + 1;
  }
  return tables;
}

int rows_of(const test::TestDatabase& db, std::uint64_t id) {
  int n = std::stoi(db.query("SELECT count(*) FROM instances WHERE id = " + std::to_string(id)));
  for (const auto& t : instance_tables(db))
    n += std::stoi(
        db.query("SELECT count(*) FROM " + t + " WHERE instance_id = " + std::to_string(id)));
  return n;
}

// Rows keyed by `id` that a finished instance would not have by itself: an incident, a job, a
// timer, a subscription and an e-service submission with an attachment.
void add_keyed_rows(const test::TestDatabase& db, std::uint64_t id) {
  const std::string i = std::to_string(id);
  db.query(
      "INSERT INTO incidents (key, instance_id, element_instance, element_id, message, "
      "resolved_at) VALUES (" +
      i + "000, " + i + ", 1, 'review', 'was resolved', now())");
  db.query(
      "INSERT INTO jobs (key, instance_id, element_instance, element_id, type, retries, due, "
      "input) VALUES (" +
      i + "001, " + i + ", 1, 'review', 'x', 1, 0, '{}')");
  db.query("INSERT INTO timers (key, instance_id, definition_id, element_id, due) SELECT " + i +
           "002, " + i + ", definition_id, 'review', 0 FROM instances WHERE id = " + i);
  db.query("INSERT INTO subscriptions (key, instance_id, element_id, signal, name) VALUES (" + i +
           "003, " + i + ", 'review', false, 'm')");
  db.query("INSERT INTO eservice_submissions (receipt, form, instance_id, payload) VALUES ('R-" +
           i + "', 'f', " + i + ", '{}')");
  db.query(
      "INSERT INTO attachments (receipt, instance_id, name, content_type, size, content) "
      "VALUES ('R-" +
      i + "', " + i + ", 'a.pdf', 'application/pdf', 1, decode('00', 'hex'))");
}

}  // namespace

TEST_CASE("cleanup removes exactly the instances past their retention from every table",
          "[pg][retention]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = test::open_engine(db);
  REQUIRE(e->deploy_files({{"keep.bpmn", kProcess}, {"forever.bpmn", kForever}}));

  // given instances that ended 40 days ago (due), 25 days ago (only the applicant is due), 1 day
  // ago (only the working value is due), one still running, and an old one of a process without
  // retention
  std::vector<std::uint64_t> old_ones, mid_ones, new_ones;
  for (int i = 0; i < 5; ++i)
    old_ones.push_back(finished_instance(*e, "Anna Old " + std::to_string(i)));
  for (int i = 0; i < 3; ++i)
    mid_ones.push_back(finished_instance(*e, "Bo Mid " + std::to_string(i)));
  for (int i = 0; i < 2; ++i)
    new_ones.push_back(finished_instance(*e, "Cia New " + std::to_string(i)));
  for (auto id : old_ones) end_days_ago(db, id, 40);
  for (auto id : mid_ones) end_days_ago(db, id, 25);
  for (auto id : new_ones) end_days_ago(db, id, 1);
  auto running = e->start("keep", {{"applicant", "Dag Running"}}, "");
  REQUIRE(running);
  const std::uint64_t running_id = (*running)["id"];
  db.query("UPDATE instances SET started_at = now() - interval '400 days' WHERE id = " +
           std::to_string(running_id));
  auto forever = e->start("forever", json::object(), "");
  REQUIRE(forever);
  const std::uint64_t forever_id = (*forever)["id"];
  end_days_ago(db, forever_id, 4000);
  add_keyed_rows(db, old_ones[0]);
  add_keyed_rows(db, new_ones[0]);
  const int new_rows_before = rows_of(db, new_ones[0]);
  const int running_rows_before = rows_of(db, running_id);
  const int forever_rows_before = rows_of(db, forever_id);
  const std::string old_history =
      db.query("SELECT count(*) FROM history WHERE instance_id IN (" + std::to_string(old_ones[0]) +
               "," + std::to_string(old_ones[1]) + "," + std::to_string(old_ones[2]) + "," +
               std::to_string(old_ones[3]) + "," + std::to_string(old_ones[4]) + ")");
  REQUIRE(std::stoi(old_history) > 0);

  // when a dry run counts and then the cleanup runs in batches of two
  Engine::HistoryCleanup dry;
  dry.dry_run = true;
  auto counted = e->history_cleanup(dry);
  REQUIRE(counted);
  CHECK(db.query("SELECT count(*) FROM instances") == "12");  // the dry run removed nothing
  Engine::HistoryCleanup real;
  real.batch = 2;
  auto run = e->history_cleanup(real);
  REQUIRE(run);

  // then the dry run's counts are the run's, rule by rule
  REQUIRE((*counted)["rules"].size() == (*run)["rules"].size());
  for (std::size_t i = 0; i < (*run)["rules"].size(); ++i) {
    INFO((*run)["rules"][i]["rule"]);
    CHECK((*counted)["rules"][i]["instances"] == (*run)["rules"][i]["instances"]);
    CHECK((*counted)["rules"][i]["history"] == (*run)["rules"][i]["history"]);
  }
  CHECK((*run)["finished"] == true);
  const auto& total = (*run)["rules"][0];
  CHECK(total["instances"] == 5);
  CHECK(total["history"] == std::stoi(old_history));
  CHECK(total["tasks"] == 5);
  CHECK(total["incidents"] == 1);
  CHECK(total["jobs"] == 1);
  CHECK(total["timers"] == 1);
  CHECK(total["subscriptions"] == 1);
  CHECK(total["submissions"] == 1);
  CHECK(total["attachments"] == 1);

  // and no table of the schema names a due instance any more
  for (auto id : old_ones) CHECK(rows_of(db, id) == 0);
  // and the others keep every row
  CHECK(rows_of(db, new_ones[0]) == new_rows_before);
  CHECK(rows_of(db, running_id) == running_rows_before);
  CHECK(rows_of(db, forever_id) == forever_rows_before);
  for (auto id : mid_ones) CHECK(rows_of(db, id) > 0);

  // and values went by their class: the applicant after 20 days, working values at the end,
  // the record stays; the case skeleton (instance, history rows) stays
  const auto has = [&](std::uint64_t id, const std::string& var) {
    return db.query("SELECT (variables ? '" + var + "') AND (state->'vars' ? '" + var +
                    "') FROM instances WHERE id = " + std::to_string(id)) == "t";
  };
  const auto in_history = [&](std::uint64_t id, const std::string& var) {
    return db.query("SELECT count(*) FROM history WHERE instance_id = " + std::to_string(id) +
                    " AND data ? '" + var + "'");
  };
  for (auto id : mid_ones) {
    CHECK_FALSE(has(id, "applicant"));
    CHECK(in_history(id, "applicant") == "0");
    CHECK_FALSE(has(id, "scratch"));
    CHECK(has(id, "decision"));
  }
  for (auto id : new_ones) {
    CHECK(has(id, "applicant"));
    CHECK(in_history(id, "applicant") != "0");
    CHECK_FALSE(has(id, "scratch"));
    CHECK(in_history(id, "scratch") == "0");
    CHECK(has(id, "decision"));
  }
  CHECK(db.query("SELECT count(*) FROM instances i WHERE i.variables::text LIKE '%Bo Mid%' "
                 "OR i.state::text LIKE '%Bo Mid%'") == "0");
  CHECK(db.query("SELECT count(*) FROM history WHERE data::text LIKE '%Bo Mid%'") == "0");
  CHECK(db.query("SELECT (variables ? 'applicant') FROM instances WHERE id = " +
                 std::to_string(running_id)) == "t");

  // and the run is recorded with its counts, no values
  CHECK(db.query("SELECT count(*) FROM retention_runs") == "2");
  CHECK(db.query("SELECT count(*) FROM retention_runs WHERE rules::text LIKE '%Anna%' OR "
                 "rules::text LIKE '%Bo Mid%'") == "0");

  // when it runs again, nothing is due
  auto again = e->history_cleanup(real);
  REQUIRE(again);
  CHECK((*again)["total"]["instances"] == 0);
}

TEST_CASE("a cleanup cut short resumes where it stopped and removes each instance once",
          "[pg][retention]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = test::open_engine(db);
  REQUIRE(e->deploy_files({{"keep.bpmn", kProcess}}));
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(finished_instance(*e, "Eva " + std::to_string(i)));
  for (auto id : ids) end_days_ago(db, id, 40);
  Engine::HistoryCleanup dry;
  dry.dry_run = true;
  auto counted = e->history_cleanup(dry);
  REQUIRE(counted);
  const auto due = (*counted)["rules"][0];
  REQUIRE(due["instances"] == 7);

  // when a run stops after one batch of three (as a node stopped mid-way would)
  Engine::HistoryCleanup cut;
  cut.batch = 3;
  cut.max_batches = 1;
  auto first = e->history_cleanup(cut);
  REQUIRE(first);
  CHECK((*first)["finished"] == false);
  CHECK((*first)["rules"][0]["instances"] == 3);
  CHECK(db.query("SELECT count(*) FROM instances") == "4");

  // then the next run removes the rest, and together they removed what the dry run counted
  Engine::HistoryCleanup rest;
  rest.batch = 3;
  auto second = e->history_cleanup(rest);
  REQUIRE(second);
  CHECK((*second)["finished"] == true);
  CHECK((*second)["rules"][0]["instances"] == 4);
  CHECK((*first)["rules"][0]["history"].get<int>() + (*second)["rules"][0]["history"].get<int>() ==
        due["history"].get<int>());
  CHECK(db.query("SELECT count(*) FROM instances") == "0");
  CHECK(db.query("SELECT count(*) FROM history") == "0");
  CHECK(db.query("SELECT count(*) FROM user_tasks") == "0");
}

TEST_CASE("the records of processing of deployed processes name their classes and retention",
          "[pg][privacy]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = test::open_engine(db);
  REQUIRE(e->deploy_files({{"keep.bpmn", kProcess}, {"forever.bpmn", kForever}}));
  auto report = e->privacy_report();
  REQUIRE(report);
  REQUIRE((*report)["processes"].size() == 2);
  const auto& keep = (*report)["processes"][1];
  CHECK(keep["process"] == "keep");
  CHECK(keep["purpose"] == "Testing retention");
  CHECK(keep["retention"] == "P30D");
  CHECK(keep["dataClasses"]["personal"] == json::array({"applicant"}));
  CHECK(keep["dataClasses"]["working"] == json::array({"scratch"}));
  CHECK(keep["variables"][0]["subject"] == true);
  CHECK(keep["variables"][1]["retention"] == "PT0S");
  CHECK((*report)["processes"][0]["retention"].is_null());
}

namespace {

// Tables of the schema whose rows, as text, contain `value`, with their counts: "" when none.
std::string tables_holding(const test::TestDatabase& db, const std::string& value) {
  const std::string tables = db.query(
      "SELECT string_agg(table_name, ',') FROM information_schema.tables WHERE table_schema = "
      "'public' AND table_type = 'BASE TABLE'");
  std::string found;
  std::size_t start = 0;
  while (start < tables.size()) {
    auto end = tables.find(',', start);
    if (end == std::string::npos) end = tables.size();
    const std::string t = tables.substr(start, end - start);
    const std::string n =
        db.query("SELECT count(*) FROM " + t + " x WHERE x::text LIKE '%" + value + "%'");
    if (n != "0") found += t + ":" + n + " ";
    start = end + 1;
  }
  return found;
}

}  // namespace

TEST_CASE("erasing a data subject leaves none of their values in any table and keeps the audit",
          "[pg][privacy]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = test::open_engine(db);
  REQUIRE(e->deploy_files({{"keep.bpmn", kProcess}}));
  // given three ended cases and one running case of a subject, and cases of two others
  std::vector<std::uint64_t> theirs;
  for (int i = 0; i < 3; ++i) theirs.push_back(finished_instance(*e, "Xyzzy Subject"));
  auto running = e->start("keep", {{"applicant", "Xyzzy Subject"}, {"scratch", 1}}, "");
  REQUIRE(running);
  const std::uint64_t running_id = (*running)["id"];
  const std::uint64_t other = finished_instance(*e, "Quux Other");
  auto by_field = e->start(
      "keep", {{"applicant", {{"personnummer", "191212121212"}, {"name", "Plugh Field"}}}}, "");
  REQUIRE(by_field);
  REQUIRE(tables_holding(db, "Xyzzy") != "");
  const std::string history_before =
      db.query("SELECT count(*) FROM history WHERE instance_id = " + std::to_string(theirs[0]));

  // when the subject is erased
  auto receipt = e->privacy_erase("Xyzzy Subject", "request 2026-17");
  REQUIRE(receipt);

  // then no table holds their values, also not history, task names or the running case
  CHECK(tables_holding(db, "Xyzzy") == "");
  CHECK((*receipt)["instances"].size() == 4);
  CHECK((*receipt)["running"] == json::array({running_id}));
  CHECK((*receipt)["variables"] == json::array({"applicant"}));
  // and the other subjects keep theirs
  CHECK(tables_holding(db, "Quux") != "");
  CHECK(db.query("SELECT variables->>'applicant' FROM instances WHERE id = " +
                 std::to_string(other)) == "Quux Other");
  // and the audit skeleton stays: every history row, plus who erased and why
  CHECK(std::stoi(db.query("SELECT count(*) FROM history WHERE instance_id = " +
                           std::to_string(theirs[0]))) == std::stoi(history_before) + 1);
  CHECK(db.query("SELECT actor || ' ' || (data->>'reason') FROM history WHERE kind = 'erased' "
                 "AND instance_id = " +
                 std::to_string(theirs[0])) == "test request 2026-17");
  CHECK(db.query("SELECT name FROM user_tasks WHERE instance_id = " + std::to_string(theirs[0])) ==
        "Review {{applicant}}");
  CHECK(db.query("SELECT variables->>'decision' FROM instances WHERE id = " +
                 std::to_string(theirs[0])) == "granted");
  // and the running case stopped with an incident instead of running on without the data
  CHECK(db.query("SELECT count(*) FROM incidents WHERE resolved_at IS NULL AND instance_id = " +
                 std::to_string(running_id)) == "1");
  // and the receipt is recorded without the subject
  CHECK(db.query("SELECT count(*) FROM privacy_erasures WHERE reason = 'request 2026-17'") == "1");

  // when a subject is named by a field of the subject variable
  auto second = e->privacy_erase("191212121212", "request 2026-18");
  REQUIRE(second);
  CHECK((*second)["instances"].size() == 1);
  CHECK(tables_holding(db, "Plugh") == "");
  CHECK(tables_holding(db, "191212121212") == "");

  // when nobody matches, the receipt says so
  auto none = e->privacy_erase("Nobody", "request 2026-19");
  REQUIRE(none);
  CHECK((*none)["instances"].empty());
  CHECK_FALSE(e->privacy_erase("Quux Other", ""));
}
