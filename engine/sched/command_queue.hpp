// CommandQueue: group commit for concurrent callers. Threads submit starts and instance
// commands (a server's HTTP workers: starts and task completions); one worker thread (with its
// own connection) takes everything queued, applies it through the Processor in one unit and one
// transaction (Processor::apply_group), and answers each caller. Many callers share one commit,
// which is how a server gets past one commit per request. Should a group fail as a whole for a
// reason other than the database (a start that threw, say), its items are applied again one unit
// each, so that one caller's bad command never fails another's. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "exec/processor.hpp"
#include "store/pg/pg_store.hpp"

namespace elva::sched {

using exec::Processor;
using exec::StartedInstance;
using Key = std::uint64_t;

class CommandQueue {
 public:
  // Connects on the worker thread; `max_batch` caps the items per transaction. The worker's
  // processor gets `limits` and `connectors` (as the engines whose work it commits have).
  CommandQueue(std::string database_url, std::string actor, std::size_t max_batch = 256,
               runtime::RuntimeLimits limits = {},
               std::shared_ptr<const connector::Registry> connectors = nullptr,
               std::shared_ptr<const calendar::Calendar> calendar = nullptr);
  ~CommandQueue();  // finishes what is queued, then stops
  CommandQueue(const CommandQueue&) = delete;
  CommandQueue& operator=(const CommandQueue&) = delete;

  // Blocks until the start is committed (with whatever else was queued) or refused. `actor`
  // ("" = the queue's) is who started it, in history.
  Result<StartedInstance> start(const std::string& process_id, const nlohmann::json& variables,
                                const std::string& business_key, const std::string& actor = "");
  // Blocks until the command is committed or refused (Processor::command's errors). `at`, when
  // given, receives the unit's time (what the store stamped the rows with).
  Result<void> command(Key instance, const runtime::Command& command, const std::string& actor,
                       std::int64_t* at = nullptr);

  // Units committed and items in them since the start (for tests and benchmarks).
  std::size_t commits() const;
  std::size_t items() const;

 private:
  struct Done {
    Result<StartedInstance> result;
    std::int64_t at = 0;
  };
  struct Item {
    Processor::GroupItem work;
    std::promise<Done> done;
  };
  Result<Done> submit(Processor::GroupItem work);
  void run();
  void apply(std::vector<Item>& batch, Processor& processor, bool& reconnect);

  std::string url_, actor_;
  std::size_t max_batch_;
  runtime::RuntimeLimits limits_;
  std::shared_ptr<const connector::Registry> connectors_;
  std::shared_ptr<const calendar::Calendar> calendar_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;   // GUARDED_BY(mu_)
  bool stopping_ = false;    // GUARDED_BY(mu_)
  std::size_t commits_ = 0;  // GUARDED_BY(mu_)
  std::size_t items_ = 0;    // GUARDED_BY(mu_)
  std::thread worker_;
};

}  // namespace elva::sched
