// Instance migration through the command pipeline over the memory store: the dry run changes
// nothing and says what the run does; jobs keep their retries; plans refuse mappings that do not
// fit; a migrated instance is never migrated again (docs/operations.md#migration).
#include <catch2/catch.hpp>

#include "exec/processor.hpp"
#include "store/memory/memory_store.hpp"

namespace {

using namespace elva;
using nlohmann::json;

std::string version(const char* work_id, const char* retries) {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:elva="urn:elva:bpmn:1.0" id="d" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef=")") +
         work_id + R"("/>
    <serviceTask id=")" +
         work_id + R"(" elva:connector="calc.run" elva:retries=")" + retries + R"("/>
    <sequenceFlow id="f2" sourceRef=")" +
         work_id + R"(" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>)";
}

struct Fixture {
  store::MemoryStore store;
  exec::ManualClock clock{1'000'000};
  exec::Processor processor{store, clock, "test"};
  store::Key id = 0;

  // An instance of version 1 whose job has failed once (one retry used).
  Fixture() {
    REQUIRE(processor.deploy({{"v1.bpmn", version("work", "3")}}));
    auto started = processor.start("p", json::object(), "B-1");
    REQUIRE(started);
    id = *started;
    auto jobs = store.jobs(id);
    REQUIRE(jobs);
    REQUIRE(jobs->size() == 1);
    REQUIRE(processor.command(id, runtime::FailJob{jobs->front().key, "down", 0, -1}));
    REQUIRE(processor.deploy({{"v2.bpmn", version("calculate", "5")}}));
  }
  exec::PreparedMigration plan(std::map<std::string, std::string> map) {
    auto m =
        processor.prepare_migration(exec::MigrationRequest{"p", 1, 2, std::move(map), "keep", {}});
    REQUIRE(m);
    return *m;
  }
  int version_of_instance() {
    auto row = store.instance(id);
    REQUIRE(row);
    REQUIRE(*row);
    return (*row)->definition_version;
  }
};

}  // namespace

TEST_CASE("a migration's dry run changes nothing and says what the run then does",
          "[exec][migration]") {
  Fixture f;
  const auto m = f.plan({{"work", "calculate"}});
  const auto before = f.store.jobs(f.id);
  REQUIRE(before);
  auto dry = f.processor.migrate(f.id, m, true, "fix");
  REQUIRE(dry);
  CHECK(dry->outcome == "migrates");
  CHECK(f.version_of_instance() == 1);
  auto unchanged = f.store.jobs(f.id);
  REQUIRE(unchanged);
  CHECK(unchanged->front().key == before->front().key);
  CHECK(unchanged->front().element_id == "work");

  auto run = f.processor.migrate(f.id, m, false, "fix");
  REQUIRE(run);
  CHECK(run->outcome == "migrated");
  CHECK(run->report == dry->report);
  CHECK(f.version_of_instance() == 2);
  auto jobs = f.store.jobs(f.id);
  REQUIRE(jobs);
  REQUIRE(jobs->size() == 1);
  CHECK(jobs->front().element_id == "calculate");
  CHECK(jobs->front().retries == 2);  // kept, not the new version's 5
  CHECK(run->report["jobs"][0]["key"] == "new");
}

TEST_CASE("without the mapping an instance needs one, and nothing changes", "[exec][migration]") {
  Fixture f;
  auto r = f.processor.migrate(f.id, f.plan({}), false, "fix");
  REQUIRE(r);
  CHECK(r->outcome == "needs-mapping");
  CHECK(r->reason.find("a token is at 'work' (serviceTask)") != std::string::npos);
  CHECK(f.version_of_instance() == 1);
}

TEST_CASE("a plan refuses mappings that do not fit, and unknown versions", "[exec][migration]") {
  Fixture f;
  auto other_kind =
      f.processor.prepare_migration(exec::MigrationRequest{"p", 1, 2, {{"work", "e"}}, "keep", {}});
  REQUIRE(!other_kind);
  CHECK(other_kind.error().message.find("'work' is a serviceTask and 'e' a endEvent") !=
        std::string::npos);
  auto unknown = f.processor.prepare_migration(
      exec::MigrationRequest{"p", 1, 2, {{"nothing", "calculate"}}, "keep", {}});
  REQUIRE(!unknown);
  CHECK(unknown.error().message.find("version 1 has no element 'nothing'") != std::string::npos);
  auto no_version =
      f.processor.prepare_migration(exec::MigrationRequest{"p", 1, 7, {}, "keep", {}});
  REQUIRE(!no_version);
  CHECK(no_version.error().code == Errc::NotFound);
  CHECK(no_version.error().message.find("(versions: 1, 2)") != std::string::npos);
}

TEST_CASE("a migrated instance is left alone by a second run", "[exec][migration]") {
  Fixture f;
  const auto m = f.plan({{"work", "calculate"}});
  REQUIRE(f.processor.migrate(f.id, m, false, "fix")->outcome == "migrated");
  auto again = f.processor.migrate(f.id, m, false, "fix");
  REQUIRE(again);
  CHECK(again->outcome == "already-migrated");
  auto history = f.store.history(f.id);
  REQUIRE(history);
  int migrated = 0;
  for (const auto& h : *history) migrated += h.kind == "migrated";
  CHECK(migrated == 1);
  auto candidates = f.processor.migration_candidates(m, exec::InstanceQuery{});
  REQUIRE(candidates);
  CHECK(candidates->empty());
}
