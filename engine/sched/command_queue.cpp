// CommandQueue (command_queue.hpp).
#include "sched/command_queue.hpp"

#include <chrono>

namespace elva::sched {

CommandQueue::CommandQueue(std::string database_url, std::string actor, std::size_t max_batch)
    : url_(std::move(database_url)),
      actor_(std::move(actor)),
      max_batch_(max_batch),
      worker_([this] { run(); }) {}

CommandQueue::~CommandQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

Result<StartedInstance> CommandQueue::start(const std::string& process_id,
                                            const nlohmann::json& variables,
                                            const std::string& business_key) {
  std::future<Result<StartedInstance>> answer;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return fail(Errc::StoreUnavailable, "the engine is stopping");
    queue_.push_back(Item{{process_id, variables, business_key}, {}});
    answer = queue_.back().done.get_future();
  }
  cv_.notify_one();
  return answer.get();
}

void CommandQueue::run() {
  std::unique_ptr<store::PgStore> store;
  std::unique_ptr<Processor> processor;
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!processor) {
      auto s = store::PgStore::connect(url_);
      if (!s) {
        for (auto& item : batch) item.done.set_value(fail(s.error()));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      store = std::move(*s);
      processor = std::make_unique<Processor>(*store, exec::system_clock(), actor_);
    }
    std::vector<Processor::StartRequest> requests;
    for (const auto& item : batch) requests.push_back(item.request);
    std::vector<Result<StartedInstance>> results;
    auto r = processor->start_batch(requests, results);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i].done.set_value(!r ? Result<StartedInstance>(fail(r.error()))
                                 : std::move(results[i]));
    }
    if (!r && r.error().code == Errc::StoreUnavailable) {
      processor.reset();
      store.reset();
    }
  }
}

}  // namespace elva::sched
