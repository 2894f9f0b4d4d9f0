// The scheduler loop (scheduler.hpp). One io_context thread owns the database connection and
// the Processor; connectors run on a thread pool and post their outcome back to it.
#include "sched/scheduler.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "elva/log.hpp"
#include "exec/connector_needs.hpp"
#include "exec/processor.hpp"
#include "metrics/metrics.hpp"

namespace elva::sched {
namespace {

// The most timers one round fires in one transaction while a backlog lasts.
constexpr int kMaxTimerBatch = 2048;

// An outcome's name in metrics and log lines.
const char* outcome_name(connector::Outcome::Kind kind) {
  switch (kind) {
    case connector::Outcome::Kind::Completed:
      return "completed";
    case connector::Outcome::Kind::Retry:
      return "retry";
    case connector::Outcome::Kind::Fail:
      return "failed";
    case connector::Outcome::Kind::BpmnError:
      return "bpmn_error";
  }
  return "unknown";
}

using namespace std::chrono_literals;
namespace asio = boost::asio;

// Job types whose calls share one limit of calls in flight.
struct Lane {
  std::vector<std::string> types;
  int limit = 0;
  int in_flight = 0;
  bool answers_later = false;  // invoke() returns before the answer (no worker thread held)
};

class Loop {
 public:
  Loop(std::string url, const connector::Registry& connectors, const SchedulerOptions& options)
      : url_(std::move(url)),
        connectors_(connectors),
        options_(options),
        pool_(static_cast<std::size_t>(std::max(1, options.workers))),
        wake_(io_),
        watch_(io_) {
    // A lane per connector that answers later (its own limit of calls in flight); one lane for
    // those that block a worker thread; the last for job types with no connector here.
    Lane blocking{{}, std::max(options_.workers * 2, options_.batch), 0, false};
    for (const auto& [name, c] : connectors_.all()) {
      std::vector<std::string> types;
      for (const auto& op : c->operations()) types.push_back(name + "." + op.name);
      if (c->max_in_flight() > 0)
        lanes_.push_back({std::move(types), c->max_in_flight(), 0, true});
      else
        blocking.types.insert(blocking.types.end(), types.begin(), types.end());
    }
    lanes_.push_back(std::move(blocking));
    // missing_: answered at dispatch, before any connector is asked (a type that was just
    // configured after all goes to the worker threads, as any whose kind is not known here).
    lanes_.push_back({{}, options_.batch, 0, false});
    for (std::size_t i = 0; i < lanes_.size(); ++i)
      for (const auto& t : lanes_[i].types) lane_of_[t] = i;
  }

  Result<void> run() {
    asio::post(io_, [this] { round(); });
    watch();
    io_.run();
    pool_.join();
    return {};
  }

 private:
  // Job types with room for another call: their lane's calls in flight are under its limit.
  std::vector<std::string> open_types() const {
    std::vector<std::string> out;
    for (const auto& lane : lanes_)
      if (lane.in_flight < lane.limit) out.insert(out.end(), lane.types.begin(), lane.types.end());
    return out;
  }
  bool has_room() const {
    for (const auto& lane : lanes_)
      if (lane.in_flight < lane.limit && !lane.types.empty()) return true;
    return false;
  }
  Lane& missing_lane() { return lanes_.back(); }

  void log(const std::string& line) {
    if (options_.log) options_.log(line);
  }
  // A line the log keeps as an event of its own (docs/operations.md#logs): structured when the
  // server's log is on, else the plain line.
  void note(log::Level level, const std::string& event, const std::string& line,
            const std::map<std::string, std::string>& fields = {}) {
    if (!options_.log) return;
    if (log::enabled())
      log::event(level, event, line, fields);
    else
      options_.log(line);
  }
  void database_lost(const std::string& why) {
    if (!down_) {
      metrics::database_outage();
      metrics::database_up(false);
      // The message names the database and the failure, never a password (PgStore redacts).
      note(log::Level::Error, "database unavailable",
           "database unavailable, retrying every second: " + why);
    }
    down_ = true;
  }

  // Checks the stop flag; once stopping and idle, ends the loop.
  void watch() {
    watch_.expires_after(50ms);
    watch_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      if (options_.stop && options_.stop->load() && !stopping_) {
        stopping_ = true;
        for (auto& [key, call] : calls_)
          call.cancelled->store(true);  // connectors may give up early
      }
      if (stopping_ && in_flight_ == 0 && finished_.empty()) {
        wake_.cancel();
        notified_.reset();
        return;  // nothing left on the io_context: run() returns
      }
      watch();
    });
  }

  void arm(std::chrono::milliseconds delay) {
    if (stopping_) return;
    wake_.expires_after(delay);
    wake_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) round();
    });
  }

  bool connected() {
    if (processor_) return true;
    auto store = store::PgStore::connect(url_);
    if (!store) {
      database_lost(store.error().message);
      return false;
    }
    if (down_) note(log::Level::Info, "database reachable", "database reachable again; resuming");
    down_ = false;
    metrics::database_up(true);
    store_ = std::move(*store);
    processor_ = std::make_unique<exec::Processor>(*store_, exec::system_clock(),
                                                   "scheduler:" + options_.node);
    processor_->set_limits(options_.limits);
    processor_->set_calendar(options_.calendar);
    listen();
    next_needs_check_ = {};
    return true;
  }

  // Jobs of connector tasks (elva:connector) whose connector or operation is not configured
  // here are taken too, and fail with that reason: retries, then an incident, never a job that
  // waits for ever without a word. Looked at again every 30 s (new deployments).
  void check_connector_needs() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_needs_check_) return;
    next_needs_check_ = now + 30s;
    auto missing = exec::missing_connectors(*store_, *processor_, connectors_, exec::Versions::All);
    if (!missing) return;  // tried again in 30 s; the store's trouble shows elsewhere
    for (const auto& t : missing_lane().types) lane_of_.erase(t);
    missing_lane().types.clear();
    std::map<std::string, bool> now_missing;
    for (const auto& m : *missing) {
      missing_lane().types.push_back(m.job_type);
      lane_of_[m.job_type] = lanes_.size() - 1;
      now_missing[m.job_type] = m.connector_missing;
      if (!missing_.count(m.job_type))
        log("jobs of " + m.job_type + " become incidents after their retries: " +
            exec::missing_connector_reason(m.job_type, m.connector_missing));
    }
    missing_ = std::move(now_missing);
  }

  // Work created elsewhere (the CLI, another node) wakes us through LISTEN/NOTIFY, so it does
  // not wait for the next poll.
  void listen() {
    auto fd = store_->listen_for_work();
    if (!fd) return;  // polling still works
    const int own = ::dup(*fd);
    if (own < 0) return;
    notified_ = std::make_unique<asio::posix::stream_descriptor>(io_, own);
    wait_for_notification();
  }

  void wait_for_notification() {
    if (!notified_) return;
    notified_->async_wait(asio::posix::stream_descriptor::wait_read,
                          [this](const boost::system::error_code& ec) {
                            if (ec || !store_ || stopping_) return;
                            auto n = store_->take_notifications();
                            if (n && *n > 0) arm(0ms);
                            wait_for_notification();
                          });
  }

  // A store failure: drop the connection and come back later.
  void trouble(const Error& e) {
    if (e.code == Errc::StoreUnavailable) {
      notified_.reset();
      processor_.reset();
      store_.reset();
      database_lost(e.message);
    } else {
      log(e.message);
    }
  }

  // Nothing that goes wrong in a round may end the loop (the server would stop working): it is
  // logged and the round comes again. (A command that fails inside the engine is already turned
  // into an incident by the processor; this is the net under it.)
  void round() {
    try {
      work_round();
    } catch (const std::exception& e) {
      log(std::string("a scheduler round failed and is tried again in a second: ") + e.what());
      arm(1s);
    }
  }

  void work_round() {
    if (stopping_ || !connected()) return arm(1s);
    const std::int64_t now = exec::system_clock().now_millis();
    bool more = false;
    // Due timers: taken and fired in one transaction, a round's worth at a time. One commit per
    // timer capped firing at the commit rate (100,000 timers due within a minute fired seconds
    // late); a lease commit and then a firing commit made each round wait for two. While rounds
    // come back full, the next takes twice as many (up to kMaxTimerBatch): a backlog is fired in
    // as few commits as it needs, and a quiet system keeps small transactions.
    auto fired =
        processor_->fire_due_timers(options_.node, now, now + options_.lease_ms, timer_batch_);
    if (!fired && fired.error().code == Errc::StoreUnavailable) {
      trouble(fired.error());
      return arm(1s);
    }
    if (fired) {
      const bool full = static_cast<int>(*fired) == timer_batch_;
      more |= full;
      timer_batch_ = full ? std::min(timer_batch_ * 2, std::max(options_.batch, kMaxTimerBatch))
                          : options_.batch;
    } else {
      // One timer failed the round: lease them and fire each on its own (which also clears stale
      // rows), so that the rest still fire.
      timer_batch_ = options_.batch;
      std::vector<store::TimerRow> timers;
      auto acquired = store_->transact([&](store::Tx& tx) -> Result<void> {
        auto t =
            tx.acquire_timers(options_.node, now, now, now + options_.lease_ms, options_.batch);
        if (!t) return fail(t.error());
        timers = std::move(*t);
        return {};
      });
      if (!acquired) {
        trouble(acquired.error());
        return arm(1s);
      }
      for (const auto& t : timers) {
        if (auto r = processor_->fire_timer(t); !r) {
          trouble(r.error());
          if (!processor_) return arm(1s);
        }
      }
      more |= static_cast<int>(timers.size()) == options_.batch;
    }
    check_connector_needs();
    // Jobs, per lane as many as it has room for calls (one transaction for all lanes).
    if (has_room()) {
      std::vector<store::JobRow> jobs;
      bool full = false;
      auto got = store_->transact([&](store::Tx& tx) -> Result<void> {
        jobs.clear();
        full = false;
        for (const auto& lane : lanes_) {
          const int room = std::min(lane.limit - lane.in_flight, options_.batch);
          if (room <= 0 || lane.types.empty()) continue;
          auto j = tx.acquire_jobs(lane.types, options_.node, now, now + options_.lease_ms, room);
          if (!j) return fail(j.error());
          full |= static_cast<int>(j->size()) == room;
          for (auto& job : *j) jobs.push_back(std::move(job));
        }
        return {};
      });
      if (!got) {
        trouble(got.error());
        return arm(1s);
      }
      more |= full;
      for (auto& job : jobs) {
        if (!job.expired_lease.empty()) {
          metrics::lease_expired(job.type);
          note(log::Level::Warning, "lease expired",
               "job " + std::to_string(job.key) + " (" + job.type + ") of instance " +
                   std::to_string(job.instance_id) + ": the lease of " + job.expired_lease +
                   " ran out; it runs again here",
               {{"job", std::to_string(job.key)},
                {"type", job.type},
                {"instance", std::to_string(job.instance_id)},
                {"element", job.element_id},
                {"node", job.expired_lease}});
        }
        dispatch(std::move(job));
      }
    }
    if (more) return arm(0ms);
    // Notifications libpq read during this round's queries do not make the socket readable.
    if (auto n = store_->take_notifications(); n && *n > 0) return arm(0ms);
    // Sleep until the nearest due timer or job, at most the poll interval.
    std::int64_t wait = options_.poll_ms;
    if (auto due = store_->next_timer_due(); due && *due)
      wait = std::min(wait, std::max<std::int64_t>(0, **due - now));
    if (const auto types = open_types(); !types.empty()) {
      if (auto due = store_->next_job_due(types); due && *due)
        wait = std::min(wait, std::max<std::int64_t>(0, **due - now));
    }
    arm(std::chrono::milliseconds(wait));
  }

  // A connector call in flight: answered once, by the connector or by the deadline watchdog.
  struct Call {
    std::shared_ptr<std::atomic<bool>> answered = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<asio::steady_timer> watchdog;
    std::size_t lane = 0;
  };

  void dispatch(store::JobRow job) {
    ++in_flight_;
    const auto lane_it = lane_of_.find(job.type);
    const std::size_t lane = lane_it != lane_of_.end() ? lane_it->second : lanes_.size() - 1;
    ++lanes_[lane].in_flight;
    const bool answers_later = lanes_[lane].answers_later;
    const auto [name, op] = connector::split_job_type(job.type);
    auto target = connectors_.find(name);
    // The connector answers by the job's lease end (less a margin, so the outcome is committed
    // before another node may take the job).
    const auto now = std::chrono::system_clock::now();
    const auto lease_left =
        std::chrono::milliseconds(std::max<std::int64_t>(1000, options_.lease_ms - 2000));
    Call call;
    call.watchdog =
        std::make_shared<asio::steady_timer>(io_, lease_left + 1s);  // still inside the lease
    connector::Invocation inv;
    inv.operation = op;
    inv.input = job.input.is_object() ? job.input : nlohmann::json::object();
    inv.idempotency_key =
        "elva-" + (options_.tenant.empty() ? std::string() : options_.tenant + "-") +
        std::to_string(job.instance_id) + "-" + std::to_string(job.element_instance);
    inv.deadline = now + lease_left;
    inv.cancelled = call.cancelled;
    inv.element_id = job.element_id;
    inv.instance = job.instance_id;
    inv.retries_left = std::max(0, job.retries - 1);
    const exec::Key key = job.key;
    call.lane = lane;
    calls_[key] = call;
    auto answered = call.answered;
    auto job_ptr = std::make_shared<store::JobRow>(std::move(job));
    const auto started = std::chrono::steady_clock::now();
    auto done = [this, answered, job_ptr, started](connector::Outcome outcome) {
      if (answered->exchange(true)) return;  // the watchdog (or a second call) was first
      const auto [connector_name, operation] = connector::split_job_type(job_ptr->type);
      metrics::connector_call(
          connector_name, operation, outcome_name(outcome.kind),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      asio::post(io_, [this, job_ptr, outcome = std::move(outcome)] { finish(*job_ptr, outcome); });
    };
    call.watchdog->async_wait([this, key, done](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto it = calls_.find(key); it != calls_.end()) it->second.cancelled->store(true);
      done(connector::Outcome::retry("the connector did not answer within the job's lease (" +
                                     std::to_string(options_.lease_ms / 1000) +
                                     " s); it is tried again"));
    });
    if (auto m = missing_.find(job_ptr->type); m != missing_.end())
      return done(connector::Outcome::retry(exec::missing_connector_reason(m->first, m->second)));
    auto start = [target, inv = std::move(inv), done]() mutable {
      if (!target) return done(connector::Outcome::fail("no connector serves this job type"));
      try {
        target->invoke(std::move(inv), done);
      } catch (const std::exception& e) {
        done(connector::Outcome::retry(std::string("the connector failed: ") + e.what()));
      } catch (...) {
        done(connector::Outcome::retry("the connector failed"));
      }
    };
    // A connector that answers later starts its call here and returns; one that blocks gets a
    // worker thread.
    if (answers_later)
      start();
    else
      asio::post(pool_, std::move(start));
  }

  // Outcomes are collected and applied together: one transaction (one commit) per batch.
  void finish(const store::JobRow& job, const connector::Outcome& outcome) {
    --in_flight_;
    if (auto it = calls_.find(job.key); it != calls_.end()) {
      it->second.watchdog->cancel();
      --lanes_[it->second.lane].in_flight;
      calls_.erase(it);
    }
    finished_.emplace_back(job, outcome);
    if (finished_.size() == 1) asio::post(io_, [this] { apply_finished(); });
  }

  void apply_finished() {
    try {
      apply_outcomes();
    } catch (const std::exception& e) {
      // The jobs' leases run out and they are worked again.
      log(std::string("applying job outcomes failed: ") + e.what());
      if (!stopping_) arm(1s);
    }
  }

  void apply_outcomes() {
    std::vector<std::pair<store::JobRow, connector::Outcome>> batch;
    batch.swap(finished_);
    std::vector<std::pair<exec::Key, runtime::Command>> commands;
    for (const auto& [job, outcome] : batch) {
      using Kind = connector::Outcome::Kind;
      switch (outcome.kind) {
        case Kind::Completed:
          commands.emplace_back(job.instance_id, runtime::CompleteJob{job.key, outcome.output});
          break;
        case Kind::Retry:
          commands.emplace_back(
              job.instance_id, runtime::FailJob{job.key, outcome.message, outcome.retry_in_ms, -1});
          break;
        case Kind::Fail:
          commands.emplace_back(job.instance_id, runtime::FailJob{job.key, outcome.message, -1, 0});
          break;
        case Kind::BpmnError:
          commands.emplace_back(
              job.instance_id,
              runtime::ThrowError{job.element_instance, outcome.error_code, outcome.output});
          break;
      }
    }
    Result<void> r;
    std::vector<Error> refused;
    const auto count_outcomes = [&] {
      for (const auto& [job, outcome] : batch) {
        metrics::job_outcome(job.type, outcome_name(outcome.kind));
        if (outcome.kind != connector::Outcome::Kind::Retry || job.retries <= 1) continue;
        // The retry of a job whose retries ran out is an incident, which has its own line.
        note(log::Level::Warning, "job retry",
             "job " + std::to_string(job.key) + " (" + job.type + ") of instance " +
                 std::to_string(job.instance_id) + " at " + job.element_id + " failed; " +
                 std::to_string(job.retries - 1) + " retries left",
             {{"job", std::to_string(job.key)},
              {"type", job.type},
              {"instance", std::to_string(job.instance_id)},
              {"element", job.element_id},
              {"retriesLeft", std::to_string(job.retries - 1)},
              {"retryInMs", std::to_string(std::max<std::int64_t>(0, outcome.retry_in_ms))}});
      }
    };
    for (int attempt = 0; attempt < 30; ++attempt) {
      if (!connected()) {
        std::this_thread::sleep_for(1s);
        continue;
      }
      r = processor_->command_batch(commands, &refused);
      if (r || r.error().code != Errc::StoreUnavailable) break;
      trouble(r.error());
    }
    // A refused outcome: the job is gone (another node finished it after our lease ran out, or
    // the element was interrupted). Other failures are worth a line in the log; the jobs'
    // leases run out and they are worked again.
    if (r) count_outcomes();
    if (!r)
      log("applying " + std::to_string(commands.size()) +
          " job outcome(s) failed: " + r.error().message);
    if (!stopping_) arm(0ms);
  }

  std::string url_;
  const connector::Registry& connectors_;
  std::map<exec::Key, Call> calls_;
  std::vector<Lane> lanes_;                     // see the constructor
  std::map<std::string, std::size_t> lane_of_;  // job type -> its lane
  std::map<std::string, bool> missing_;  // job type -> its connector is missing (else the op)
  std::chrono::steady_clock::time_point next_needs_check_{};
  SchedulerOptions options_;
  asio::io_context io_;
  asio::thread_pool pool_;
  asio::steady_timer wake_, watch_;
  std::unique_ptr<store::PgStore> store_;
  std::unique_ptr<exec::Processor> processor_;
  std::unique_ptr<asio::posix::stream_descriptor> notified_;
  int in_flight_ = 0;
  int timer_batch_ = std::max(1, options_.batch);  // timers the next round takes at most
  std::vector<std::pair<store::JobRow, connector::Outcome>> finished_;
  bool stopping_ = false;
  bool down_ = false;
};

}  // namespace

std::shared_ptr<connector::Registry> builtin_registry() {
  auto r = std::make_shared<connector::Registry>();
  r->add(connector::builtin_connector());
  return r;
}

Result<void> run_scheduler(const std::string& database_url, const connector::Registry& connectors,
                           const SchedulerOptions& options) {
  Loop loop(database_url, connectors, options);
  return loop.run();
}

}  // namespace elva::sched
