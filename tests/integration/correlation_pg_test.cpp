// Message correlation on PostgreSQL through the public API (docs/durable.md, "Messages and
// signals"): a message reaches exactly one case, never another's. The same rules run in memory
// (tests/scenarios/correlation-*.scenario.json); these check the store's query and the API.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "elva/engine.hpp"
#include "support/pg_database.hpp"
#include "support/pg_engine.hpp"

using namespace elva;
using nlohmann::json;
using test::source;

namespace {

// An engine with the correlation processes deployed.
std::unique_ptr<Engine> open_with_correlation(const test::TestDatabase& db) {
  auto e = test::open_engine(db);
  REQUIRE(e->deploy({source("tests/scenarios/correlation.bpmn")}));
  return e;
}

std::uint64_t start(Engine& e, const std::string& process, const json& vars,
                    const std::string& business_key) {
  auto r = e.start(process, vars, business_key);
  REQUIRE(r);
  return (*r)["id"];
}

std::string status(Engine& e, std::uint64_t id) {
  auto i = e.instance(id);
  REQUIRE(i);
  return (*i)["status"];
}

Engine::MessageTarget to(std::string key, std::string business_key = "",
                         json vars = json::object()) {
  return Engine::MessageTarget{std::move(key), std::move(business_key), std::move(vars)};
}

}  // namespace

TEST_CASE("two cases wait with correlation keys: the message for B completes B only", "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_with_correlation(db);
  const auto a = start(*e, "keyed-case", {{"caseId", "A"}}, "case-A");
  const auto b = start(*e, "keyed-case", {{"caseId", "B"}}, "case-B");
  auto sent = e->message("documentsReceived", to("B"), json::object(), "");
  REQUIRE(sent);
  CHECK((*sent)["correlated"] == json::array({b}));
  CHECK(status(*e, a) == "active");
  CHECK(status(*e, b) == "completed");
  WHEN("the key is nobody's, or missing") {
    auto other = e->message("documentsReceived", to("C"), json::object(), "");
    auto none = e->message("documentsReceived", to(""), json::object(), "");
    THEN("nobody gets it") {
      REQUIRE_FALSE(other);
      CHECK(other.error().code == Errc::NotFound);
      REQUIRE_FALSE(none);
      CHECK(none.error().code == Errc::NotFound);
      CHECK(status(*e, a) == "active");
    }
  }
  WHEN("the key is right but the business key is another's") {
    auto wrong = e->message("documentsReceived", to("A", "case-B"), json::object(), "");
    THEN("nobody gets it") {
      REQUIRE_FALSE(wrong);
      CHECK(status(*e, a) == "active");
    }
  }
}

TEST_CASE(
    "key-less subscriptions: a keyed message reaches none, an unaddressed one is refused "
    "naming the candidates, the business key or variables pick one",
    "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_with_correlation(db);
  const auto a = start(*e, "keyless-case", {{"caseNo", 17}, {"name", "Anna"}}, "A");
  const auto b = start(*e, "keyless-case", {{"caseNo", 18}, {"name", "Bo"}}, "B");
  SECTION("the reported bug: --correlation-key B completed instance A") {
    auto keyed = e->message("applicantReplied", to("B"), json::object(), "");
    REQUIRE_FALSE(keyed);
    CHECK(keyed.error().code == Errc::NotFound);
    CHECK(status(*e, a) == "active");
    CHECK(status(*e, b) == "active");
  }
  SECTION("nothing tells them apart: refused, candidates named, nothing buffered") {
    auto both = e->message("applicantReplied", to(""), json::object(), "");
    REQUIRE_FALSE(both);
    CHECK(both.error().code == Errc::InvalidArgument);
    const std::string& why = both.error().message;
    CHECK(why.find(std::to_string(a) + " (business key 'A')") != std::string::npos);
    CHECK(why.find(std::to_string(b) + " (business key 'B')") != std::string::npos);
    CHECK(why.find("Anna") == std::string::npos);  // never a variable's value
    CHECK(db.query("SELECT count(*) FROM messages") == "0");
    CHECK(status(*e, a) == "active");
    CHECK(status(*e, b) == "active");
    auto kept = e->message("applicantReplied", to(""), json::object(), "PT1H");
    REQUIRE_FALSE(kept);  // several wait: a time to live does not make it buffer
    CHECK(db.query("SELECT count(*) FROM messages") == "0");
  }
  SECTION("the business key picks one") {
    auto sent = e->message("applicantReplied", to("", "B"), {{"answer", "yes"}}, "");
    REQUIRE(sent);
    CHECK((*sent)["correlated"] == json::array({b}));
    CHECK(status(*e, a) == "active");
    CHECK(status(*e, b) == "completed");
  }
  SECTION("a process variable picks one (numbers by value), all given must hold") {
    auto none = e->message("applicantReplied", to("", "", {{"caseNo", "17"}}), json::object(), "");
    REQUIRE_FALSE(none);  // the text "17" is not the number 17
    CHECK(none.error().code == Errc::NotFound);
    CHECK(none.error().message.find("caseNo") != std::string::npos);
    auto mixed = e->message("applicantReplied", to("", "B", {{"caseNo", 17}}), json::object(), "");
    REQUIRE_FALSE(mixed);
    auto sent = e->message("applicantReplied", to("", "", {{"caseNo", 17.0}}), json::object(), "");
    REQUIRE(sent);
    CHECK((*sent)["correlated"] == json::array({a}));
    CHECK(status(*e, a) == "completed");
    CHECK(status(*e, b) == "active");
    AND_THEN("with one left waiting, a message without a key reaches it") {
      auto last = e->message("applicantReplied", to(""), json::object(), "");
      REQUIRE(last);
      CHECK((*last)["correlated"] == json::array({b}));
    }
  }
  SECTION("a message addressed by business key or variables cannot be kept") {
    auto kept = e->message("applicantReplied", to("", "Z"), json::object(), "PT1H");
    REQUIRE_FALSE(kept);
    CHECK(kept.error().code == Errc::InvalidArgument);
    CHECK(db.query("SELECT count(*) FROM messages") == "0");
  }
}

TEST_CASE("a buffered message with a key is not taken by a key-less subscription", "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_with_correlation(db);
  REQUIRE(e->message("applicantReplied", to("B"), json::object(), "PT1H"));
  const auto a = start(*e, "keyless-case", {{"caseNo", 17}}, "A");
  CHECK(status(*e, a) == "active");
  CHECK(db.query("SELECT count(*) FROM messages") == "1");
  REQUIRE(e->message("applicantReplied", to(""), json::object(), "PT1H"));
  CHECK(status(*e, a) == "completed");  // delivered at once: it was waiting
  CHECK(db.query("SELECT count(*) FROM messages") == "1");
}

TEST_CASE("a receive task and a message catch without messageRef wait for elva complete", "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_with_correlation(db);
  auto deployed = e->deploy({source("tests/scenarios/plain-wait-states.bpmn")});
  REQUIRE(deployed);
  const auto id = start(*e, "plain-wait-states", json::object(), "");
  REQUIRE(e->complete(id, "paperArrives", {{"pages", 4}}));
  CHECK(status(*e, id) == "active");
  REQUIRE(e->complete(id, "signed", json::object()));
  CHECK(status(*e, id) == "completed");
  auto i = e->instance(id);
  REQUIRE(i);
  CHECK((*i)["incidents"].empty());
}

TEST_CASE(
    "a thrown message that several key-less cases await reaches none, and the thrower's "
    "history says why",
    "[pg]") {
  test::TestDatabase db;
  if (!db.available()) return;
  auto e = open_with_correlation(db);
  const auto a = start(*e, "keyless-case", {{"caseNo", 1}, {"name", "Anna"}}, "A");
  const auto b = start(*e, "keyless-case", {{"caseNo", 2}}, "B");
  const auto thrower = start(*e, "replier", json::object(), "R");
  CHECK(status(*e, thrower) == "completed");
  CHECK(status(*e, a) == "active");
  CHECK(status(*e, b) == "active");
  CHECK(db.query("SELECT count(*) FROM history WHERE instance_id = " + std::to_string(thrower) +
                 " AND kind = 'message not delivered' AND data::text LIKE '%several instances%' "
                 "AND data::text NOT LIKE '%Anna%'") == "1");
  CHECK(db.query("SELECT count(*) FROM messages") == "0");
}
