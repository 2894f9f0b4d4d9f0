// The durable engine against a real PostgreSQL (a fresh database per test): migrations,
// deployment, instances across commands, messages, signals, incidents, call activities,
// concurrent commands, and `serve` working jobs and timers.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "elva/engine.hpp"
#include "exec/processor.hpp"
#include "sched/command_queue.hpp"
#include "sched/scheduler.hpp"
#include "support/pg_database.hpp"
#include "support/pg_engine.hpp"

using namespace elva;
using nlohmann::json;

namespace {

using test::open_engine;
using test::source;

std::uint64_t waiting(Engine& e, std::uint64_t instance, const std::string& element) {
  auto i = e.instance(instance);
  REQUIRE(i);
  for (const auto& a : (*i)["active"])
    if (a["element"] == element && a["waiting"].get<bool>()) return a["elementInstance"];
  return 0;
}

}  // namespace

TEST_CASE("an unmigrated database is refused with the command that fixes it", "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  EngineOptions o;
  o.database_url = db.url;
  auto refused = Engine::open(o);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("elva db migrate") != std::string::npos);
  auto e = open_engine(db, false);
  auto status = e->db_status();
  REQUIRE(status);
  CHECK((*status)["current"] == 0);
  CHECK((*status)["pending"].size() == (*status)["latest"].get<std::size_t>());
  auto applied = e->db_migrate();
  REQUIRE(applied);
  CHECK((*applied)["applied"].size() == (*status)["latest"].get<std::size_t>());
  WHEN("migrate runs again") {
    auto again = e->db_migrate();
    REQUIRE(again);
    THEN("there is nothing to do") { CHECK((*again)["applied"].empty()); }
  }
  CHECK(Engine::open(o));
}

TEST_CASE("an unreachable database is reported with what to check", "[pg]") {
  EngineOptions o;
  o.database_url = "postgresql:///nowhere?host=/nonexistent-elva-socket&user=elva&password=secret";
  auto e = Engine::open(o);
  REQUIRE_FALSE(e);
  CHECK(e.error().code == Errc::StoreUnavailable);
  CHECK(e.error().message.find("ELVA_DATABASE_URL") != std::string::npos);
  CHECK(e.error().message.find("secret") == std::string::npos);
}

TEST_CASE("deploying an unchanged file makes no new version, and running instances keep theirs",
          "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  const auto dir =
      std::filesystem::temp_directory_path() / ("elva-deploy-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto file = (dir / "p.bpmn").string();
  auto write = [&](const std::string& task) {
    std::ofstream(file)
        << R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
      <process id="p" isExecutable="true"><startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef=")"
        << task << R"("/><userTask id=")" << task << R"("/></process></definitions>)";
  };
  write("first");
  auto v1 = e->deploy({file});
  REQUIRE(v1);
  CHECK((*v1)["processes"][0]["version"] == 1);
  auto old = e->start("p", json::object(), "");
  REQUIRE(old);
  auto same = e->deploy({file});
  REQUIRE(same);
  CHECK((*same)["processes"][0]["unchanged"] == true);
  write("second");
  auto v2 = e->deploy({file});
  REQUIRE(v2);
  CHECK((*v2)["processes"][0]["version"] == 2);
  auto fresh = e->start("p", json::object(), "");
  REQUIRE(fresh);
  CHECK((*fresh)["version"] == 2);
  CHECK(waiting(*e, (*fresh)["id"], "second") != 0);
  THEN("the instance started before keeps version 1 and its task") {
    CHECK(waiting(*e, (*old)["id"], "first") != 0);
  }
  WHEN("a file has errors") {
    std::ofstream(file)
        << "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\" "
           "isExecutable=\"true\">";
    auto bad = e->deploy({file});
    THEN("nothing is deployed and the error names the file and line") {
      REQUIRE_FALSE(bad);
      CHECK(bad.error().code == Errc::ValidationError);
      CHECK(bad.error().message.find("p.bpmn:") != std::string::npos);
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("an instance lives in the database between commands, with a history of every step",
          "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy(
      {source("tests/scenarios/call-parent.bpmn"), source("tests/scenarios/call-child.bpmn")}));
  auto started = e->start("call-parent", {{"caseId", "K-1"}}, "K-1");
  REQUIRE(started);
  const std::uint64_t parent = (*started)["id"];
  auto children = e->instances("call-child", "active", 10);
  REQUIRE(children);
  REQUIRE(children->size() == 1);
  const std::uint64_t child = (*children)[0]["id"];
  WHEN("the child's task is completed in a new engine (as another CLI call would)") {
    auto other = open_engine(db);
    REQUIRE(other->complete(child, "review", {{"result", "fine"}}));
    THEN("the child completes and the caller takes its result and completes too") {
      auto p = e->instance(parent);
      REQUIRE(p);
      CHECK((*p)["status"] == "completed");
      CHECK((*p)["variables"]["checkResult"] == "fine");
      int completions = 0;
      for (const auto& h : (*p)["history"])
        completions += h["kind"] == "completed" && h.value("element", "") == "callCheck";
      CHECK(completions == 1);
      CHECK(db.query("SELECT count(*) FROM jobs") == "0");
      CHECK(db.query("SELECT count(*) FROM subscriptions") == "0");
    }
  }
  WHEN("the caller is cancelled") {
    REQUIRE(e->cancel(parent));
    THEN("its child is cancelled with it") {
      auto c = e->instance(child);
      REQUIRE(c);
      CHECK((*c)["status"] == "terminated");
    }
  }
}

TEST_CASE("messages correlate between instances by key, start processes, wait with a time to live",
          "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy({source("tests/scenarios/messaging.bpmn")}));
  auto r = e->start("requester", {{"caseId", "K-8"}, {"amount", 50}}, "K-8");
  REQUIRE(r);
  const std::uint64_t requester = (*r)["id"];
  THEN("the review started by the message answered at once, and the answer waits in the buffer") {
    CHECK(db.query("SELECT count(*) FROM messages WHERE name = 'reviewDecided' AND correlation_key "
                   "= 'K-8'") == "1");
  }
  WHEN("the requester reaches its receive task") {
    REQUIRE(e->complete(requester, "prepare", json::object()));
    THEN("it takes the buffered answer and completes") {
      auto i = e->instance(requester);
      REQUIRE(i);
      CHECK((*i)["status"] == "completed");
      CHECK((*i)["variables"]["decision"] == "auto-approved");
      CHECK(db.query("SELECT count(*) FROM messages") == "0");
    }
  }
  WHEN("a message nobody waits for comes without a time to live") {
    auto m = e->message("nobodyListens", "X", json::object(), "");
    THEN("it is refused, saying how to keep it") {
      REQUIRE_FALSE(m);
      CHECK(m.error().code == Errc::NotFound);
      CHECK(m.error().message.find("--ttl") != std::string::npos);
    }
  }
  WHEN("it comes with one") {
    auto m = e->message("nobodyListens", "X", json::object(), "PT1H");
    REQUIRE(m);
    CHECK((*m)["buffered"] == true);
  }
}

TEST_CASE("a signal reaches waiting instances and starts processes with that signal start",
          "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy({source("tests/scenarios/messaging.bpmn")}));
  auto r = e->start("requester", {{"caseId", "K-9"}, {"amount", 500}}, "K-9");
  REQUIRE(r);
  auto sent = e->signal("fraudSuspected", json::object());
  REQUIRE(sent);
  CHECK((*sent)["delivered"].size() == 1);
  CHECK((*sent)["started"].size() == 1);
  auto i = e->instance((*r)["id"]);
  REQUIRE(i);
  CHECK((*i)["status"] == "completed");  // interrupted at prepare, ended at "stopped"
  auto audits = e->instances("audit", "active", 10);
  REQUIRE(audits);
  CHECK(audits->size() == 1);
}

TEST_CASE("a job out of retries becomes an incident, and retry runs the task again", "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy({source("tests/pg/incident.bpmn")}));
  auto r = e->start("flaky", json::object(), "");
  REQUIRE(r);
  const std::uint64_t id = (*r)["id"];
  auto store = store::PgStore::connect(db.url);
  REQUIRE(store);
  exec::Processor worker(**store, exec::system_clock(), "worker:test");
  auto fail_job = [&] {
    auto jobs = (*store)->jobs(id);
    REQUIRE(jobs);
    REQUIRE(jobs->size() == 1);
    REQUIRE(worker.command(id, runtime::FailJob{jobs->front().key, "HR system said 503", 0}));
  };
  fail_job();
  CHECK(db.query("SELECT retries FROM jobs") == "1");
  fail_job();
  auto incidents = e->incidents();
  REQUIRE(incidents);
  REQUIRE(incidents->size() == 1);
  CHECK((*incidents)[0]["element"] == "call");
  CHECK((*incidents)[0]["message"].get<std::string>().find("HR system said 503") !=
        std::string::npos);
  WHEN("an administrator retries") {
    auto retried = e->retry((*incidents)[0]["key"]);
    REQUIRE(retried);
    THEN("the incident is resolved, with who did it, and the task has a new job") {
      CHECK((*retried)["status"] == "active");
      CHECK(db.query("SELECT resolved_by FROM incidents") == "test");
      CHECK(db.query("SELECT count(*) FROM jobs WHERE instance_id = " + std::to_string(id)) == "1");
    }
  }
}

TEST_CASE("two engines completing the same task at once: it completes exactly once", "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy({source("tests/scenarios/call-child.bpmn")}));
  for (int round = 0; round < 10; ++round) {
    auto r = e->start("call-child", json::object(), "");
    REQUIRE(r);
    const std::uint64_t id = (*r)["id"];
    const std::uint64_t task = waiting(*e, id, "review");
    std::atomic<int> ok{0}, refused{0};
    auto racer = [&](const char* who) {
      auto store = store::PgStore::connect(db.url);
      if (!store) return;
      exec::Processor p(**store, exec::system_clock(), who);
      auto done = p.command(id, runtime::CompleteWait{task, {{"by", who}}});
      // The loser retried after the conflict and found the task done (and the instance ended).
      if (done)
        ++ok;
      else if (done.error().code == Errc::NotFound || done.error().code == Errc::InvalidArgument)
        ++refused;
      else
        WARN(done.error().message);
    };
    std::thread a(racer, "a"), b(racer, "b");
    a.join();
    b.join();
    CHECK(ok == 1);
    CHECK(refused == 1);
    CHECK(db.query("SELECT count(*) FROM history WHERE instance_id = " + std::to_string(id) +
                   " AND kind = 'completed' AND element_id = 'review'") == "1");
  }
}

TEST_CASE("serve works jobs through their connectors and fires timers", "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy({source("tests/pg/durable.bpmn")}));
  for (int n = 1; n <= 20; ++n) REQUIRE(e->start("durable", {{"n", n}}, ""));
  std::atomic<bool> stop{false};
  std::thread server([&] {
    auto s = open_engine(db, false);
    ServeOptions o;
    o.stop = &stop;
    o.quiet = true;
    o.poll_ms = 200;
    CHECK(s->serve(o));
  });
  for (int i = 0;
       i < 100 && db.query("SELECT count(*) FROM instances WHERE status = 'completed'") != "20";
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  server.join();
  CHECK(db.query("SELECT count(*) FROM instances WHERE status = 'completed'") == "20");
  CHECK(db.query("SELECT count(*) FROM history WHERE kind = 'completed' AND element_id = 'work'") ==
        "20");
  CHECK(db.query("SELECT sum((variables->>'doubled')::int) FROM instances") == "420");
  CHECK(db.query("SELECT count(*) FROM timers") == "0");
}

TEST_CASE("concurrent starts share commits through the command queue, and each gets its own answer",
          "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy({source("tests/scenarios/call-child.bpmn")}));
  std::atomic<int> started{0}, refused{0};
  {
    sched::CommandQueue queue(db.url, "queue:test");
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          // Every tenth asks for a process that is not deployed: only that one is refused.
          auto r =
              queue.start(i % 10 == 9 ? "no-such-process" : "call-child", {{"t", t}, {"i", i}}, "");
          if (r) {
            if (r->status == "active" && r->active.size() == 1 &&
                r->active[0]["element"] == "review")
              ++started;
          } else if (r.error().code == Errc::NotFound) {
            ++refused;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
  }
  CHECK(started == 8 * 23);
  CHECK(refused == 8 * 2);
  CHECK(db.query("SELECT count(*) FROM instances") == std::to_string(8 * 23));
  CHECK(
      db.query(
          "SELECT count(DISTINCT (variables->>'t') || '/' || (variables->>'i')) FROM instances") ==
      std::to_string(8 * 23));
}

TEST_CASE(
    "completions from many callers share the command queue: each task completes once, by its "
    "caller, and a late second completion is refused alone",
    "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy({source("tests/scenarios/call-child.bpmn")}));
  constexpr int kThreads = 8, kEach = 5;
  for (int i = 0; i < kThreads * kEach; ++i) REQUIRE(e->start("call-child", {{"i", i}}, ""));
  std::vector<std::pair<std::uint64_t, std::uint64_t>> tasks;  // (instance, task) in key order
  std::istringstream lines(db.query(
      "SELECT instance_id || ' ' || key FROM user_tasks WHERE state = 'open' ORDER BY key"));
  for (std::uint64_t instance = 0, task = 0; lines >> instance >> task;)
    tasks.emplace_back(instance, task);
  REQUIRE(tasks.size() == kThreads * kEach);
  std::atomic<int> completed{0}, refused{0}, other{0};
  std::size_t commits = 0, items = 0;
  {
    sched::CommandQueue queue(db.url, "queue:test");
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const std::string actor = "user:u" + std::to_string(t);
        // Its own five tasks, then the first task of the next thread (already completed, or
        // about to be: exactly one of the two completions wins).
        for (int i = 0; i <= kEach; ++i) {
          const auto& [instance, task] =
              tasks[i < kEach ? t * kEach + i : ((t + 1) % kThreads) * kEach];
          std::int64_t at = 0;
          auto r =
              queue.command(instance, runtime::CompleteWait{task, {{"by", actor}}}, actor, &at);
          if (r && at > 0)
            ++completed;
          else if (!r &&
                   (r.error().code == Errc::NotFound || r.error().code == Errc::InvalidArgument))
            ++refused;
          else
            ++other;
        }
      });
    }
    for (auto& th : threads) th.join();
    commits = queue.commits();
    items = queue.items();
  }
  CHECK(completed == kThreads * kEach);
  CHECK(refused == kThreads);
  CHECK(other == 0);
  CHECK(items == std::size_t(kThreads * (kEach + 1)));
  CHECK(commits <= items);
  CHECK(db.query("SELECT count(*) FROM user_tasks WHERE state <> 'completed'") == "0");
  // Each task was completed by the caller whose variables it carries, and history says so.
  CHECK(db.query("SELECT count(*) FROM user_tasks u JOIN instances i ON i.id = u.instance_id "
                 "WHERE u.ended_by <> i.variables->>'by'") == "0");
  CHECK(db.query("SELECT count(*) FROM history h JOIN instances i ON i.id = h.instance_id WHERE "
                 "h.kind = 'command' AND h.actor <> i.variables->>'by'") == "0");
  CHECK(db.query("SELECT count(*) FROM history WHERE kind = 'command' AND actor LIKE 'user:u%'") ==
        std::to_string(kThreads * kEach));
}

TEST_CASE(
    "user tasks are rows (open, then completed with who did it), and operator commands are in "
    "history with who gave them",
    "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy({source("tests/scenarios/call-child.bpmn")}));
  auto r = e->start("call-child", json::object(), "");
  REQUIRE(r);
  const std::string id = std::to_string((*r)["id"].get<std::uint64_t>());
  CHECK(db.query("SELECT element_id FROM user_tasks WHERE instance_id = " + id) == "review");
  REQUIRE(e->complete((*r)["id"], "review", {{"result", "fine"}}));
  CHECK(db.query("SELECT count(*) FROM user_tasks WHERE state = 'open'") == "0");
  CHECK(db.query("SELECT state || ' by ' || ended_by FROM user_tasks WHERE instance_id = " + id) ==
        "completed by test");
  CHECK(db.query("SELECT actor || ' ' || (data->>'command') FROM history WHERE kind = 'command' "
                 "AND instance_id = " +
                 id) == "test complete");
  THEN("the command comes before what it caused") {
    CHECK(std::stol(db.query("SELECT min(id) FROM history WHERE kind = 'command'")) <
          std::stol(db.query(
              "SELECT min(id) FROM history WHERE kind = 'completed' AND element_id = 'review'")));
  }
}

TEST_CASE(
    "DMN decisions deploy with the processes, versioned, and business rule tasks use the latest",
    "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  auto d = e->deploy({source("tests/scenarios/decisions.bpmn"), source("tests/dmn/deviation.dmn")});
  REQUIRE(d);
  CHECK((*d)["decisions"].size() == 12);
  CHECK((*d)["decisions"][0]["version"] == 1);
  auto again = e->deploy({source("tests/dmn/deviation.dmn")});
  REQUIRE(again);
  CHECK((*again)["decisions"][0]["unchanged"] == true);
  auto r = e->start("deviation", {{"kind", "quality"}, {"injured", false}, {"cost", 300}}, "");
  REQUIRE(r);
  auto i = e->instance((*r)["id"]);
  REQUIRE(i);
  CHECK((*i)["variables"]["routing"] == json{{"unit", "Quality"}, {"notifySafetyOfficer", false}});
  CHECK(waiting(*e, (*r)["id"], "investigate") != 0);
  WHEN("a process names a decision nobody deployed") {
    REQUIRE(e->deploy({source("tests/scenarios/decision-unique-violated.bpmn")}));
    auto x = e->start("route-request", {{"amount", 200}}, "");
    REQUIRE(x);
    THEN("its business rule task has an incident saying so") {
      auto incidents = e->incidents();
      REQUIRE(incidents);
      REQUIRE(incidents->size() == 1);
      CHECK((*incidents)[0]["message"].get<std::string>().find(
                "no DMN decision 'route' is deployed") != std::string::npos);
    }
  }
}

TEST_CASE("a timer start event starts an instance at each firing of its cycle, then stops",
          "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  // R2/PT0.3S is shorter than the shortest cycle allowed by default (PT1S).
  auto refused = e->deploy({source("tests/pg/timer-start.bpmn")});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("more often than the shortest allowed") != std::string::npos);
  Limits fast;
  fast.min_timer_cycle_ms = 100;
  e = open_engine(db, false, fast);
  REQUIRE(e->deploy({source("tests/pg/timer-start.bpmn")}));
  CHECK(db.query("SELECT count(*) FROM timers WHERE instance_id IS NULL") == "1");
  std::atomic<bool> stop{false};
  std::thread server([&] {
    auto s = open_engine(db, false, fast);
    ServeOptions o;
    o.stop = &stop;
    o.quiet = true;
    CHECK(s->serve(o));
  });
  for (int i = 0; i < 100 && db.query("SELECT count(*) FROM timers") != "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  server.join();
  CHECK(db.query("SELECT count(*) FROM instances WHERE process_id = 'inventory' AND status = "
                 "'completed'") == "2");
  CHECK(db.query("SELECT count(*) FROM timers") == "0");
}

namespace {
// For the scheduler's connector contract: "hang" never answers until it is cancelled (and then
// too late), "boom" throws, "twice" answers twice (the second is ignored).
class Misbehaving final : public connector::Connector {
 public:
  std::atomic<int> cancelled_seen{0}, calls{0};
  const std::string& name() const override { return name_; }
  std::string kind() const override { return "test"; }
  std::vector<connector::Operation> operations() const override { return {{"lookup", "", {}, {}}}; }
  void invoke(connector::Invocation call, connector::Completion done) override {
    const int n = ++calls;
    if (mode == "boom") throw std::runtime_error("boom " + std::to_string(n));
    if (mode == "twice") {
      done(connector::Outcome::completed({{"first", true}}));
      done(connector::Outcome::completed({{"second", true}}));
      return;
    }
    while (!call.cancelled->load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ++cancelled_seen;
    done(connector::Outcome::completed({{"late", true}}));
  }
  std::string mode;

 private:
  std::string name_ = "hr";
};
}  // namespace

TEST_CASE(
    "a hanging connector is cut off at its lease and a throwing one is retried and a second answer "
    "is ignored",
    "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_engine(db);
  REQUIRE(e->deploy({source("tests/pg/incident.bpmn")}));
  auto run = [&](const std::string& mode, int instances) {
    auto hr = std::make_shared<Misbehaving>();
    hr->mode = mode;
    connector::Registry registry;
    registry.add(hr);
    std::vector<std::uint64_t> ids;
    for (int n = 0; n < instances; ++n)
      ids.push_back((*e->start("flaky", json::object(), ""))["id"]);
    std::atomic<bool> stop{false};
    sched::SchedulerOptions o;
    o.node = "test";
    o.lease_ms = 2500;  // each call may take 1 s, the watchdog answers 1 s later
    o.poll_ms = 100;
    o.stop = &stop;
    std::thread t([&] { (void)sched::run_scheduler(db.url, registry, o); });
    auto settled = [&] {
      for (auto id : ids) {
        auto i = e->instance(id);
        if (!i || (*i)["status"] == "active") return false;
      }
      return true;
    };
    for (int i = 0; i < 150 && !settled(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
    t.join();
    return std::make_pair(hr, ids);
  };
  SECTION("never answers") {
    auto [hr, ids] = run("hang", 1);
    auto i = e->instance(ids[0]);
    REQUIRE((*i)["status"] == "incident");
    CHECK((*i)["incidents"][0]["message"].get<std::string>().find(
              "did not answer within the job's lease") != std::string::npos);
    CHECK(hr->calls == 2);           // elva:retries="2"
    CHECK(hr->cancelled_seen == 2);  // each call was told to give up
  }
  SECTION("throws") {
    auto [hr, ids] = run("boom", 1);
    auto i = e->instance(ids[0]);
    REQUIRE((*i)["status"] == "incident");
    CHECK((*i)["incidents"][0]["message"].get<std::string>().find("the connector failed: boom 2") !=
          std::string::npos);
  }
  SECTION("answers twice") {
    auto [hr, ids] = run("twice", 3);
    for (auto id : ids) {
      auto i = e->instance(id);
      CHECK((*i)["status"] == "completed");
      CHECK((*i)["variables"].contains("first"));
      CHECK(!(*i)["variables"].contains("second"));
    }
    CHECK(
        db.query("SELECT count(*) FROM history WHERE kind = 'completed' AND element_id = 'call'") ==
        "3");
  }
}
