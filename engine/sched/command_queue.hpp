// CommandQueue: group commit for concurrent callers. Threads submit starts; one worker thread
// (with its own connection) takes everything queued, applies it through the Processor in one
// transaction, and answers each caller. Many starts share one commit, which is how a server
// with many clients gets past one commit per command. Thread-safe.
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

class CommandQueue {
 public:
  // Connects on the worker thread; `max_batch` caps the commands per transaction.
  CommandQueue(std::string database_url, std::string actor, std::size_t max_batch = 256);
  ~CommandQueue();  // finishes what is queued, then stops
  CommandQueue(const CommandQueue&) = delete;
  CommandQueue& operator=(const CommandQueue&) = delete;

  // Blocks until the start is committed (with whatever else was queued) or refused.
  Result<StartedInstance> start(const std::string& process_id, const nlohmann::json& variables,
                                const std::string& business_key);

 private:
  struct Item {
    Processor::StartRequest request;
    std::promise<Result<StartedInstance>> done;
  };
  void run();

  std::string url_, actor_;
  std::size_t max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;   // GUARDED_BY(mu_)
  std::thread worker_;
};

}  // namespace elva::sched
