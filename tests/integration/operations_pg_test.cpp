// Operating Elva (issue 23, docs/operations.md#no-silent-waiting): what deployed processes need
// of elva.toml is named (Engine::missing_configuration), and a job whose connector is not
// configured ends as an incident with that reason after its retries instead of waiting for ever.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "elva/engine.hpp"
#include "support/pg_database.hpp"
#include "support/pg_engine.hpp"

using namespace elva;
using nlohmann::json;

namespace {

// A connector named `name` with the given operations; it completes every call at once.
class FakeConnector final : public connector::Connector {
 public:
  FakeConnector(std::string name, std::vector<std::string> ops)
      : name_(std::move(name)), ops_(std::move(ops)) {}
  const std::string& name() const override { return name_; }
  std::string kind() const override { return "test"; }
  std::vector<connector::Operation> operations() const override {
    std::vector<connector::Operation> out;
    for (const auto& o : ops_) out.push_back({o, "", {}, {}});
    return out;
  }
  void invoke(connector::Invocation, connector::Completion done) override {
    done(connector::Outcome::completed(json::object()));
  }

 private:
  std::string name_;
  std::vector<std::string> ops_;
};

std::shared_ptr<connector::Registry> registry_with(std::shared_ptr<connector::Connector> c) {
  auto r = std::make_shared<connector::Registry>();
  r->add(connector::builtin_connector());
  if (c) r->add(std::move(c));
  return r;
}

std::unique_ptr<Engine> engine_on(const test::TestDatabase& db,
                                  std::shared_ptr<const connector::Registry> connectors) {
  EngineOptions o;
  o.database_url = db.url;
  o.actor = "test";
  o.connectors = std::move(connectors);
  auto e = Engine::open(o);
  REQUIRE(e);
  return std::move(*e);
}

const char* kTicket = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:elva="urn:elva:bpmn:1.0" id="d" targetNamespace="urn:t">
  <process id="ticket" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="file"/>
    <serviceTask id="file" elva:connector="desk.file"/>
    <sequenceFlow id="f2" sourceRef="file" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>)";

}  // namespace

TEST_CASE("missing_configuration names the connectors and operations deployed processes use",
          "[pg][operations]") {
  test::TestDatabase db;
  if (!db.available()) return;
  test::open_engine(db);  // migrated
  auto full = engine_on(
      db, registry_with(std::make_shared<FakeConnector>("desk", std::vector<std::string>{"file"})));
  REQUIRE(full->deploy_files({{"ticket.bpmn", kTicket}}));
  auto nothing = full->missing_configuration();
  REQUIRE(nothing);
  CHECK(nothing->empty());

  auto bare = engine_on(db, registry_with(nullptr));
  auto missing = bare->missing_configuration();
  REQUIRE(missing);
  REQUIRE(missing->size() == 1);
  CHECK((*missing)[0]["jobType"] == "desk.file");
  CHECK((*missing)[0]["connector"] == "desk");
  CHECK((*missing)[0]["connectorMissing"] == true);
  CHECK((*missing)[0]["processes"] == json::array({"ticket"}));
  // Null connectors: the built-in one only, as serve runs then.
  auto none = engine_on(db, nullptr);
  auto also = none->missing_configuration();
  REQUIRE(also);
  CHECK(also->size() == 1);

  auto other_op = engine_on(db, registry_with(std::make_shared<FakeConnector>(
                                    "desk", std::vector<std::string>{"close"})));
  auto op = other_op->missing_configuration();
  REQUIRE(op);
  REQUIRE(op->size() == 1);
  CHECK((*op)[0]["connectorMissing"] == false);
}

TEST_CASE("a job whose connector is not configured becomes an incident after its retries",
          "[pg][operations]") {
  test::TestDatabase db;
  if (!db.available()) return;
  test::open_engine(db);
  auto full = engine_on(
      db, registry_with(std::make_shared<FakeConnector>("desk", std::vector<std::string>{"file"})));
  REQUIRE(full->deploy_files({{"ticket.bpmn", kTicket}}));
  auto started = full->start("ticket", json::object(), "");
  REQUIRE(started);
  const auto t0 = std::chrono::steady_clock::now();
  std::atomic<bool> stop{false};
  std::thread server([&] {
    auto s = engine_on(db, registry_with(nullptr));  // started without desk in elva.toml
    ServeOptions o;
    o.stop = &stop;
    o.quiet = true;
    o.poll_ms = 100;
    CHECK(s->serve(o));
  });
  for (int i = 0; i < 200 && db.query("SELECT count(*) FROM incidents") == "0"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto waited = std::chrono::steady_clock::now() - t0;
  stop = true;
  server.join();
  REQUIRE(db.query("SELECT count(*) FROM incidents WHERE resolved_at IS NULL") == "1");
  const auto message = db.query("SELECT message FROM incidents");
  CHECK(message.find("connector 'desk' is not configured") != std::string::npos);
  CHECK(message.find("[connectors.desk]") != std::string::npos);
  // Retried first (back-off 1 s, then 2 s), not failed at once.
  CHECK(waited >= std::chrono::milliseconds(2500));
  CHECK(db.query("SELECT count(*) FROM jobs") == "0");
  // Once configured, a retry runs it through.
  auto incidents = full->incidents();
  REQUIRE(incidents);
  REQUIRE(incidents->size() == 1);
  REQUIRE(full->retry((*incidents)[0]["key"].get<std::uint64_t>()));
  stop = false;
  std::thread fixed([&] {
    auto s = engine_on(db, registry_with(std::make_shared<FakeConnector>(
                               "desk", std::vector<std::string>{"file"})));
    ServeOptions o;
    o.stop = &stop;
    o.quiet = true;
    o.poll_ms = 100;
    CHECK(s->serve(o));
  });
  for (int i = 0; i < 100 && db.query("SELECT status FROM instances") != "completed"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  fixed.join();
  CHECK(db.query("SELECT status FROM instances") == "completed");
}
