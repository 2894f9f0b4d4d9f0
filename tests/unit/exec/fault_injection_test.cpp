// Fault injection in process (leveldb's fault_injection_test): a store decorator fails the Nth
// write or commit. Over every scenario and every N: no unit is ever half applied (the store is
// exactly as before the failed transaction), and the retried unit gives the same trace.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "store/memory/memory_store.hpp"
#include "testkit/runner.hpp"

namespace {

using namespace elva;
namespace fs = std::filesystem;

// Forwards everything to a MemoryStore; the `fail_at`-th write (or commit) of a transaction is
// applied and then reported as failed (the store must roll it back), or fails before it runs.
class FailingStore final : public store::Store {
 public:
  enum class Where { AfterWrite, Commit };
  FailingStore(store::MemoryStore& inner, Where where, int fail_at)
      : inner_(inner), where_(where), fail_at_(fail_at) {}

  int writes = 0, commits = 0;
  bool injected = false;
  std::vector<std::string> half_applied;  // what differed after a failed transaction

  Result<store::SchemaStatus> schema_status() override { return inner_.schema_status(); }
  Result<std::vector<std::string>> migrate() override { return inner_.migrate(); }
  Result<void> require_migrated() override { return inner_.require_migrated(); }
  Result<std::unique_ptr<store::Tx>> begin() override;

  Result<std::vector<store::DefinitionRow>> definitions() override { return inner_.definitions(); }
  Result<std::vector<store::VersionCount>> instance_counts(const std::string& p) override {
    return inner_.instance_counts(p);
  }
  Result<std::vector<store::InstanceRow>> instances(const std::string& p, const std::string& s,
                                                    int l) override {
    return inner_.instances(p, s, l);
  }
  Result<std::optional<store::InstanceRow>> instance(store::Key id) override {
    return inner_.instance(id);
  }
  Result<std::vector<store::IncidentRow>> incidents(store::Key i, bool o) override {
    return inner_.incidents(i, o);
  }
  Result<std::vector<store::HistoryRow>> history(store::Key i) override {
    return inner_.history(i);
  }
  Result<std::vector<store::JobRow>> jobs(store::Key i) override { return inner_.jobs(i); }
  Result<std::optional<store::FormRow>> form(const std::string& k) override {
    return inner_.form(k);
  }
  Result<std::optional<std::int64_t>> next_timer_due() override { return inner_.next_timer_due(); }
  Result<std::optional<std::int64_t>> next_job_due(const std::vector<std::string>& t) override {
    return inner_.next_job_due(t);
  }
  Result<int> listen_for_work() override { return inner_.listen_for_work(); }
  Result<int> take_notifications() override { return inner_.take_notifications(); }
  Result<std::optional<store::LockedJob>> locked_job(store::Key k) override {
    return inner_.locked_job(k);
  }
  Result<bool> relock_job(store::Key k, const std::string& w, std::int64_t u,
                          std::int64_t n) override {
    return inner_.relock_job(k, w, u, n);
  }
  Result<bool> unlock_job(store::Key k) override { return inner_.unlock_job(k); }
  Result<store::TaskPage> tasks(const store::TaskQuery& q) override { return inner_.tasks(q); }
  Result<std::optional<store::TaskRow>> task(store::Key k) override { return inner_.task(k); }
  Result<std::optional<store::TaskRow>> assign_task(store::Key k, const std::string& a,
                                                    int e) override {
    return inner_.assign_task(k, a, e);
  }

  store::MemoryStore& inner_;
  Where where_;
  int fail_at_;
};

class FailingTx final : public store::Tx {
 public:
  FailingTx(FailingStore& s, std::unique_ptr<store::Tx> inner, nlohmann::json before)
      : s_(s), inner_(std::move(inner)), before_(std::move(before)) {}
  ~FailingTx() override {
    inner_.reset();  // rolls back unless committed; releases the store's lock
    if (failed_here_) {
      auto after = s_.inner_.dump();
      if (after != before_)
        s_.half_applied.push_back(before_.dump() + "\n  became\n" + after.dump());
    }
  }
  Result<std::optional<store::InstanceSnapshot>> load_instance(store::Key id) override {
    return inner_->load_instance(id);
  }
  Result<std::vector<store::InstanceSnapshot>> load_instances(
      const std::vector<store::Key>& ids) override {
    return inner_->load_instances(ids);
  }
  Result<std::optional<store::DefinitionRow>> definition(std::int64_t id) override {
    return inner_->definition(id);
  }
  Result<std::optional<store::DefinitionRow>> latest_definition(const std::string& p) override {
    return inner_->latest_definition(p);
  }
  Result<std::optional<store::DefinitionRow>> latest_decision(const std::string& d,
                                                              bool w) override {
    return inner_->latest_decision(d, w);
  }
  Result<store::Key> reserve_keys() override { return inner_->reserve_keys(); }
  Result<std::vector<Subscriber>> message_subscribers(const MessageAddress& to,
                                                      const std::vector<store::Key>& skip,
                                                      int limit) override {
    return inner_->message_subscribers(to, skip, limit);
  }

  Result<std::vector<store::Key>> signal_subscribers(const std::string& n) override {
    return inner_->signal_subscribers(n);
  }
  Result<std::vector<store::StartEventRow>> start_events(const std::string& k,
                                                         const std::string& n) override {
    return inner_->start_events(k, n);
  }
  Result<std::optional<store::BufferedMessage>> take_buffered(const std::string& n,
                                                              const std::string& k,
                                                              std::int64_t now) override {
    return inner_->take_buffered(n, k, now);
  }
  Result<std::optional<store::Key>> active_child(store::Key p, store::Key e) override {
    return inner_->active_child(p, e);
  }
  Result<void> write(const store::Batch& b) override {
    auto r = inner_->write(b);
    ++s_.writes;
    if (r && s_.where_ == FailingStore::Where::AfterWrite && s_.writes == s_.fail_at_)
      return injected();
    return r;
  }
  Result<void> commit() override {
    ++s_.commits;
    if (s_.where_ == FailingStore::Where::Commit && s_.commits == s_.fail_at_) return injected();
    return inner_->commit();
  }
  Result<std::int64_t> insert_deployment(const std::string& a, const nlohmann::json& f) override {
    return inner_->insert_deployment(a, f);
  }
  Result<std::int64_t> insert_definition(const store::DefinitionRow& d, std::int64_t id) override {
    return inner_->insert_definition(d, id);
  }
  Result<void> replace_start_events(const std::string& p,
                                    const std::vector<store::StartEventRow>& e,
                                    const std::vector<store::TimerRow>& t) override {
    return inner_->replace_start_events(p, e, t);
  }
  Result<std::int64_t> insert_decision(const store::DefinitionRow& d, std::int64_t id) override {
    return inner_->insert_decision(d, id);
  }
  Result<FormVersion> insert_form(const std::string& f, const std::string& file,
                                  const nlohmann::json& s, const std::string& h,
                                  std::int64_t id) override {
    return inner_->insert_form(f, file, s, h, id);
  }
  Result<std::vector<store::JobRow>> acquire_jobs(const std::vector<std::string>& t,
                                                  const std::string& n, std::int64_t now,
                                                  std::int64_t u, int l) override {
    return inner_->acquire_jobs(t, n, now, u, l);
  }
  Result<std::vector<store::TimerRow>> acquire_timers(const std::string& n, std::int64_t by,
                                                      std::int64_t now, std::int64_t u,
                                                      int l) override {
    return inner_->acquire_timers(n, by, now, u, l);
  }

 private:
  Result<void> injected() {
    s_.injected = failed_here_ = true;
    return fail(Errc::StoreUnavailable, "injected failure");
  }

  FailingStore& s_;
  std::unique_ptr<store::Tx> inner_;
  nlohmann::json before_;
  bool failed_here_ = false;
};

Result<std::unique_ptr<store::Tx>> FailingStore::begin() {
  // The store as it was before this transaction (only while the failure is still to come).
  nlohmann::json before = injected ? nlohmann::json() : inner_.dump();
  auto tx = inner_.begin();
  if (!tx) return fail(tx.error());
  return std::unique_ptr<store::Tx>(
      std::make_unique<FailingTx>(*this, std::move(*tx), std::move(before)));
}

std::vector<std::string> scenario_files() {
  const char* src = std::getenv("ELVA_SOURCE_DIR");
  const fs::path root = src ? src : ".";
  std::vector<std::string> out;
  for (const char* dir : {"tests/scenarios", "processes/scenarios"}) {
    for (const auto& e : fs::directory_iterator(root / dir)) {
      const std::string p = e.path().string();
      if (p.size() > 14 && p.compare(p.size() - 14, 14, ".scenario.json") == 0) out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

ScenarioOptions no_golden() {
  ScenarioOptions o;
  o.golden = ScenarioOptions::Golden::Ignore;
  return o;
}

}  // namespace

TEST_CASE(
    "no unit is half applied when the store fails the Nth write or commit, and the retried unit "
    "gives the same trace",
    "[exec][fault]") {
  const auto files = scenario_files();
  REQUIRE(files.size() > 40);
  int runs = 0;
  for (const auto& path : files) {
    INFO(path);
    store::MemoryStore clean_store;
    FailingStore counting(clean_store, FailingStore::Where::AfterWrite, 0);
    auto clean = testkit::run_scenario_on(path, counting, no_golden());
    REQUIRE(clean);
    REQUIRE(clean->failures.empty());
    for (auto where : {FailingStore::Where::AfterWrite, FailingStore::Where::Commit}) {
      const int count =
          where == FailingStore::Where::AfterWrite ? counting.writes : counting.commits;
      for (int n = 1; n <= count; ++n) {
        INFO((where == FailingStore::Where::AfterWrite ? "after write " : "at commit ") << n);
        store::MemoryStore memory;
        FailingStore failing(memory, where, n);
        auto r = testkit::run_scenario_on(path, failing, no_golden());
        REQUIRE(r);
        CHECK(failing.injected);
        CHECK(failing.half_applied.empty());
        CHECK(r->failures == clean->failures);
        CHECK(r->trace == clean->trace);
        ++runs;
      }
    }
  }
  CHECK(runs > 500);
}
