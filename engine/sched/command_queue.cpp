// CommandQueue (command_queue.hpp).
#include "sched/command_queue.hpp"

#include <chrono>

namespace elva::sched {

CommandQueue::CommandQueue(std::string database_url, std::string actor, std::size_t max_batch,
                           runtime::RuntimeLimits limits,
                           std::shared_ptr<const connector::Registry> connectors,
                           std::shared_ptr<const calendar::Calendar> calendar)
    : url_(std::move(database_url)),
      actor_(std::move(actor)),
      max_batch_(std::max<std::size_t>(1, max_batch)),
      limits_(limits),
      connectors_(std::move(connectors)),
      calendar_(std::move(calendar)),
      worker_([this] { run(); }) {}

CommandQueue::~CommandQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

Result<CommandQueue::Done> CommandQueue::submit(Processor::GroupItem work) {
  std::future<Done> answer;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return fail(Errc::StoreUnavailable, "the engine is stopping");
    queue_.push_back(Item{std::move(work), {}});
    answer = queue_.back().done.get_future();
  }
  cv_.notify_one();
  return answer.get();
}

Result<StartedInstance> CommandQueue::start(const std::string& process_id,
                                            const nlohmann::json& variables,
                                            const std::string& business_key,
                                            const std::string& actor) {
  Processor::GroupItem work;
  work.actor = actor;
  work.start = Processor::StartRequest{process_id, variables, business_key};
  auto done = submit(std::move(work));
  if (!done) return fail(done.error());
  return std::move(done->result);
}

Result<void> CommandQueue::command(Key instance, const runtime::Command& command,
                                   const std::string& actor, std::int64_t* at) {
  Processor::GroupItem work;
  work.actor = actor;
  work.instance = instance;
  work.command = command;
  auto done = submit(std::move(work));
  if (!done) return fail(done.error());
  if (!done->result) return fail(done->result.error());
  if (at) *at = done->at;
  return {};
}

std::size_t CommandQueue::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

std::size_t CommandQueue::items() const {
  std::lock_guard lock(mu_);
  return items_;
}

void CommandQueue::apply(std::vector<Item>& batch, Processor& processor, bool& reconnect) {
  auto run_group = [&](std::size_t from, std::size_t to) {
    std::vector<Processor::GroupItem> work;
    for (std::size_t i = from; i < to; ++i) work.push_back(batch[i].work);
    std::vector<Result<StartedInstance>> results;
    std::int64_t at = 0;
    auto r = processor.apply_group(work, results, &at);
    if (r) {
      std::lock_guard lock(mu_);
      ++commits_;
      items_ += to - from;
    }
    return std::tuple{std::move(r), std::move(results), at};
  };
  auto [r, results, at] = run_group(0, batch.size());
  if (r) {
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].done.set_value(Done{std::move(results[i]), at});
    return;
  }
  if (r.error().code == Errc::StoreUnavailable || batch.size() == 1) {
    reconnect = r.error().code == Errc::StoreUnavailable;
    for (auto& item : batch) item.done.set_value(Done{fail(r.error()), 0});
    return;
  }
  // One item failed the whole group: each on its own, so that only that caller hears of it.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto [one, result, one_at] = run_group(i, i + 1);
    batch[i].done.set_value(one ? Done{std::move(result[0]), one_at} : Done{fail(one.error()), 0});
    if (!one && one.error().code == Errc::StoreUnavailable) reconnect = true;
  }
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
        for (auto& item : batch) item.done.set_value(Done{fail(s.error()), 0});
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      store = std::move(*s);
      processor = std::make_unique<Processor>(*store, exec::system_clock(), actor_);
      processor->set_limits(limits_);
      processor->set_connectors(connectors_);
      processor->set_calendar(calendar_);
    }
    bool reconnect = false;
    apply(batch, *processor, reconnect);
    if (reconnect) {
      processor.reset();
      store.reset();
    }
  }
}

}  // namespace elva::sched
