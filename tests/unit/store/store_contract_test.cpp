// The store seam's contract (store.hpp, batch.hpp), checked against both stores: the memory
// store always, PostgreSQL on the server scripts/test starts ([pg]).
#include <catch2/catch.hpp>
#include <functional>

#include "store/memory/memory_store.hpp"
#include "store/pg/pg_store.hpp"
#include "support/pg_database.hpp"

namespace {

using namespace elva;
using namespace elva::store;
using nlohmann::json;

// Runs `check` on a fresh memory store and on a fresh PostgreSQL database.
void on_both_stores(const std::function<void(Store&)>& check) {
  SECTION("memory store") {
    MemoryStore memory;
    check(memory);
  }
  SECTION("PostgreSQL store [pg]") {
    test::TestDatabase db;
    if (!db.available()) return;
    auto pg = PgStore::connect(db.url);
    REQUIRE(pg);
    REQUIRE((*pg)->migrate());
    check(**pg);
  }
}

// A deployed definition to hang instances on (the source is never parsed here).
std::int64_t define(Store& s, const std::string& process_id) {
  std::int64_t id = 0;
  REQUIRE(s.transact([&](Tx& tx) -> Result<void> {
    auto dep = tx.insert_deployment("test", json::array());
    if (!dep) return fail(dep.error());
    auto latest = tx.latest_definition(process_id);
    if (!latest) return fail(latest.error());
    auto d = tx.insert_definition({0, process_id, *latest ? (*latest)->version + 1 : 1, process_id,
                                   "x.bpmn", "<x/>", "h", ""},
                                  *dep);
    if (!d) return fail(d.error());
    id = *d;
    return {};
  }));
  return id;
}

Batch::Instance instance_row(Key id, std::int64_t definition, std::uint64_t version,
                             std::uint64_t expected, bool fresh) {
  Batch::Instance i;
  i.snapshot = {id, definition, version, json{{"vars", {{"n", version}}}}};
  i.expected_version = expected;
  i.is_new = fresh;
  i.process_id = "p";
  i.status = "active";
  return i;
}

Result<void> write(Store& s, const Batch& b) {
  return s.transact([&](Tx& tx) { return tx.write(b); }, 1);
}

}  // namespace

TEST_CASE("a batch is all or nothing: a moved version writes none of it", "[store]") {
  on_both_stores([](Store& s) {
    const auto def = define(s, "p");
    Batch first;
    first.put_instance(instance_row(10, def, 1, 0, true));
    REQUIRE(write(s, first));
    Batch stale;
    stale.put_instance(instance_row(10, def, 2, 7, false));  // expects version 7: it is 1
    stale.add_job({11, 10, 12, "t", "mail.send", 3, 0, json::object(), "", 0});
    stale.add_history({10, "test", "started", "", nullptr, ""});
    auto r = write(s, stale);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::Conflict);
    auto jobs = s.jobs(10);
    REQUIRE(jobs);
    CHECK(jobs->empty());
    auto history = s.history(10);
    REQUIRE(history);
    CHECK(history->empty());
    auto row = s.instance(10);
    REQUIRE(row);
    REQUIRE(*row);
    CHECK((*row)->variables == json{{"n", 1}});
  });
}

TEST_CASE("a row added and removed in one batch is neither written nor deleted", "[store]") {
  on_both_stores([](Store& s) {
    const auto def = define(s, "p");
    Batch b;
    b.put_instance(instance_row(20, def, 1, 0, true));
    b.add_job({21, 20, 22, "t", "mail.send", 3, 0, json::object(), "", 0});
    b.remove_job(21);
    b.add_timer({23, 20, def, "t", 5, 0});
    b.remove_timer(23);
    b.add_task({24, 20, "p", "P", "t", "T", "", "", "anna", {}, {}, 0, 0, 50, ""});
    b.end_task(24, true, "user:anna");
    CHECK(b.jobs_added().empty());
    CHECK(b.jobs_removed().empty());
    CHECK(b.tasks_ended().empty());
    REQUIRE(write(s, b));
    auto jobs = s.jobs(20);
    REQUIRE(jobs);
    CHECK(jobs->empty());
    auto task = s.task(24);
    REQUIRE(task);
    CHECK_FALSE(*task);
    auto due = s.next_timer_due();
    REQUIRE(due);
    CHECK_FALSE(*due);
  });
}

TEST_CASE("tasks completed in one batch keep each who completed them", "[store]") {
  // A group commit puts several employees' completions in one batch.
  on_both_stores([](Store& s) {
    const auto def = define(s, "p");
    Batch first;
    first.put_instance(instance_row(30, def, 1, 0, true));
    first.add_task({31, 30, "p", "P", "a", "A", "", "", "anna", {}, {}, 0, 0, 50, ""});
    first.add_task({32, 30, "p", "P", "b", "B", "", "", "ola", {}, {}, 0, 0, 50, ""});
    first.add_task({33, 30, "p", "P", "c", "C", "", "", "", {}, {}, 0, 0, 50, ""});
    REQUIRE(write(s, first));
    Batch second;
    second.put_instance(instance_row(30, def, 2, 1, false));
    second.end_task(31, true, "user:anna");
    second.end_task(32, true, "user:ola");
    second.end_task(33, false, "user:ola");
    REQUIRE(write(s, second));
    auto by = [&](Key key) {
      auto t = s.task(key);
      REQUIRE(t);
      REQUIRE(*t);
      return std::pair{(*t)->state, (*t)->ended_by};
    };
    CHECK(by(31) == std::pair<std::string, std::string>{"completed", "user:anna"});
    CHECK(by(32) == std::pair<std::string, std::string>{"completed", "user:ola"});
    CHECK(by(33) == std::pair<std::string, std::string>{"cancelled", ""});
  });
}

TEST_CASE("what a transaction did before its batch is undone when it ends without commit",
          "[store]") {
  on_both_stores([](Store& s) {
    Batch b;
    b.buffer_message({0, "answer", "K", json{{"n", 1}}}, 1'000'000);
    REQUIRE(write(s, b));
    {
      auto tx = s.begin();
      REQUIRE(tx);
      auto taken = (*tx)->take_buffered("answer", "K", 0);
      REQUIRE(taken);
      REQUIRE(*taken);
    }  // no batch, no commit: the message is still there
    auto tx = s.begin();
    REQUIRE(tx);
    auto m = (*tx)->take_buffered("answer", "K", 0);
    REQUIRE(m);
    REQUIRE(*m);
    CHECK((*m)->variables == json{{"n", 1}});
  });
}

TEST_CASE(
    "message subscribers match the correlation key exactly, then business key and variables; "
    "each instance once, oldest subscription first",
    "[store]") {
  on_both_stores([](Store& s) {
    const auto def = define(s, "p");
    Batch b;
    auto with = [&](Key id, const std::string& business_key, json vars) {
      auto i = instance_row(id, def, 1, 0, true);
      i.business_key = business_key;
      i.snapshot.state = json{{"vars", std::move(vars)}};
      b.put_instance(i);
    };
    with(40, "A", {{"caseNo", 17}, {"kind", "permit"}});
    with(41, "B", {{"caseNo", 18}});
    with(42, "C", {{"caseNo", 17.0}, {"tags", {"x"}}});
    auto ended = instance_row(43, def, 1, 0, true);
    ended.status = "completed";
    b.put_instance(ended);
    b.add_subscription({44, 40, "c", false, "answer", ""});
    b.add_subscription({45, 41, "c", false, "answer", "B"});
    b.add_subscription({46, 42, "c", true, "answer", ""});  // a signal of the same name
    b.add_subscription({47, 42, "c", false, "answer", ""});
    b.add_subscription({48, 42, "d", false, "answer", ""});  // a second one in the same instance
    b.add_subscription({49, 43, "c", false, "answer", ""});  // its instance has ended
    REQUIRE(write(s, b));
    auto tx = s.begin();
    REQUIRE(tx);
    auto ids = [&](InstanceTx::MessageAddress to, std::vector<Key> skip = {}, int limit = 10) {
      auto r = (*tx)->message_subscribers(to, skip, limit);
      REQUIRE(r);
      std::vector<std::pair<Key, Key>> out;
      for (const auto& sub : *r) out.emplace_back(sub.instance, sub.subscription);
      return out;
    };
    using Pairs = std::vector<std::pair<Key, Key>>;
    // A keyed message reaches only the subscription with that key, never a key-less one.
    CHECK(ids({"answer", "B", "", json::object()}) == Pairs{{41, 45}});
    CHECK(ids({"answer", "C", "", json::object()}).empty());
    // No key: only key-less subscriptions, each instance once with its oldest, oldest first.
    CHECK(ids({"answer", "", "", json::object()}) == Pairs{{40, 44}, {42, 47}});
    CHECK(ids({"answer", "", "", json::object()}, {40}) == Pairs{{42, 47}});
    CHECK(ids({"answer", "", "", json::object()}, {}, 1) == Pairs{{40, 44}});
    // Business key and variables narrow it (numbers equal by value, all must hold).
    CHECK(ids({"answer", "", "C", json::object()}) == Pairs{{42, 47}});
    CHECK(ids({"answer", "", "", json{{"caseNo", 17}}}) == Pairs{{40, 44}, {42, 47}});
    CHECK(ids({"answer", "", "", json{{"caseNo", 17}, {"kind", "permit"}}}) == Pairs{{40, 44}});
    CHECK(ids({"answer", "", "A", json{{"caseNo", 18}}}).empty());
    CHECK(ids({"answer", "", "", json{{"caseNo", "17"}}}).empty());
    CHECK(ids({"answer", "", "", json{{"tags", {"x"}}}}) == Pairs{{42, 47}});
    CHECK(ids({"answer", "", "", json{{"missing", nullptr}}}).empty());
    CHECK(ids({"answer", "B", "B", json::object()}) == Pairs{{41, 45}});
    CHECK(ids({"answer", "B", "A", json::object()}).empty());
    auto named = (*tx)->message_subscribers({"answer", "B", "", json::object()}, {}, 10);
    REQUIRE(named);
    REQUIRE(named->size() == 1);
    CHECK(named->front().business_key == "B");
    auto signals = (*tx)->signal_subscribers("answer");
    REQUIRE(signals);
    CHECK(*signals == std::vector<Key>{42});
  });
}

TEST_CASE("a buffered message is taken once, oldest first, and not after it expired", "[store]") {
  on_both_stores([](Store& s) {
    Batch b;
    b.buffer_message({0, "answer", "A", json{{"n", 1}}}, 100);
    b.buffer_message({0, "answer", "A", json{{"n", 2}}}, 500);
    b.buffer_message({0, "answer", "B", json{{"n", 3}}}, 500);
    b.buffer_message({0, "answer", "", json{{"n", 4}}}, 500);
    REQUIRE(write(s, b));
    REQUIRE(s.transact([&](Tx& tx) -> Result<void> {
      auto expired = tx.take_buffered("answer", "A", 200);  // n=1 expired at 100
      REQUIRE(expired);
      REQUIRE(*expired);
      CHECK((*expired)->variables == json{{"n", 2}});
      // Exactly the key: a key-less subscription does not take a message meant for a case.
      auto keyless = tx.take_buffered("answer", "", 200);
      REQUIRE(keyless);
      REQUIRE(*keyless);
      CHECK((*keyless)->variables == json{{"n", 4}});
      auto no_more = tx.take_buffered("answer", "", 200);
      REQUIRE(no_more);
      CHECK_FALSE(*no_more);
      auto keyed = tx.take_buffered("answer", "B", 200);
      REQUIRE(keyed);
      REQUIRE(*keyed);
      CHECK((*keyed)->variables == json{{"n", 3}});
      auto none = tx.take_buffered("answer", "B", 200);
      REQUIRE(none);
      CHECK_FALSE(*none);
      return {};
    }));
  });
}

TEST_CASE("work is leased by due time then key, once until the lease ends", "[store]") {
  on_both_stores([](Store& s) {
    const auto def = define(s, "p");
    Batch b;
    b.put_instance(instance_row(50, def, 1, 0, true));
    b.add_job({53, 50, 60, "t", "mail.send", 3, 10, json::object(), "", 0});
    b.add_job({52, 50, 61, "t", "hr.find", 3, 20, json::object(), "", 0});
    b.add_job({51, 50, 62, "t", "mail.send", 3, 99, json::object(), "", 0});  // not due at 50
    b.add_timer({54, 50, def, "t", 30, 0});
    b.add_timer({55, 0, def, "start", 20, 0});
    REQUIRE(write(s, b));
    std::vector<Key> jobs, timers;
    REQUIRE(s.transact([&](Tx& tx) -> Result<void> {
      auto j = tx.acquire_jobs({}, "node-a", 50, 1000, 10);
      if (!j) return fail(j.error());
      for (const auto& x : *j) jobs.push_back(x.key);
      auto t = tx.acquire_timers("node-a", 50, 50, 1000, 10);
      if (!t) return fail(t.error());
      for (const auto& x : *t) timers.push_back(x.key);
      return {};
    }));
    CHECK(jobs == std::vector<Key>{53, 52});
    CHECK(timers == std::vector<Key>{55, 54});
    std::size_t again = 1;
    REQUIRE(s.transact([&](Tx& tx) -> Result<void> {
      auto j = tx.acquire_jobs({"mail.send"}, "node-b", 60, 1000, 10);
      if (!j) return fail(j.error());
      again = j->size();
      return {};
    }));
    CHECK(again == 0);  // 53 is leased to node-a until 1000; 51 is not due
    auto next = s.next_job_due({"mail.send"});
    REQUIRE(next);
    REQUIRE(*next);
    CHECK(**next == 99);
  });
}

TEST_CASE("a new version of a process makes a batch assuming the old one conflict", "[store]") {
  on_both_stores([](Store& s) {
    const auto v1 = define(s, "p");
    define(s, "p");  // version 2
    Batch b;
    b.put_instance(instance_row(70, v1, 1, 0, true));
    b.assume_latest("p", 1);
    auto r = write(s, b);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::Conflict);
  });
}

TEST_CASE("key blocks are never handed out twice, also after a rollback", "[store]") {
  on_both_stores([](Store& s) {
    Key first = 0, second = 0;
    {
      auto tx = s.begin();
      REQUIRE(tx);
      auto k = (*tx)->reserve_keys();
      REQUIRE(k);
      first = *k;
    }  // rolled back
    auto tx = s.begin();
    REQUIRE(tx);
    auto k = (*tx)->reserve_keys();
    REQUIRE(k);
    second = *k;
    CHECK(second >= first + kKeyBlock);
  });
}
