// LoginGuard (login_guard.hpp): back-off per account and address, password checks off the
// request workers.
#include "server/login_guard.hpp"

#include <algorithm>

#include "common/iso8601.hpp"
#include "server/routes/route.hpp"

namespace elva::server {
namespace {

// The server's own bookkeeping on the request it calls the handler with again (http_server.cpp
// drops any client header of these names).
const char* const kTicket = "x-elva-internal-password-ticket";
const char* const kDeadline = "x-elva-internal-password-deadline";
constexpr std::int64_t kCheckDeadlineMs = 30'000;  // a check still queued after this answers 503
constexpr std::int64_t kTicketKeptMs = 120'000;  // a check nobody collects (client gone) is dropped

Error with_retry_after(Errc code, std::string message, int status, std::int64_t wait_ms) {
  Error e = with_status(code, std::move(message), status);
  e.with("retry-after", std::to_string(std::max<std::int64_t>(1, (wait_ms + 999) / 1000)));
  return e;
}

}  // namespace

LoginGuard::LoginGuard(LoginLimits limits) : limits_(limits) {
  for (int i = 0; i < std::max(1, limits_.hash_threads); ++i)
    threads_.emplace_back([this] { run(); });
}

LoginGuard::~LoginGuard() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void LoginGuard::run() {
  for (;;) {
    std::pair<std::shared_ptr<Ticket>, std::string> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    const bool ok = job.first->credentials.matches(job.second);
    std::lock_guard<std::mutex> lock(mutex_);
    job.first->done = true;
    job.first->ok = ok;
  }
}

std::int64_t LoginGuard::wait_of(const Failures& f, int free, std::int64_t now) const {
  if (f.count < std::max(1, free) || now - f.last > limits_.forget_ms) return 0;
  const int doublings = std::min(f.count - std::max(1, free), 30);
  const std::int64_t backoff = std::min(limits_.backoff_max_ms, limits_.backoff_ms << doublings);
  return std::max<std::int64_t>(0, f.last + backoff - now);
}

LoginGuard::Failures& LoginGuard::entry(std::map<std::string, Failures>& map,
                                        const std::string& key, std::int64_t now) {
  if (map.size() >= limits_.max_tracked && !map.count(key)) {
    // Full: forget what is old, then whoever is not waiting (those in back-off are kept).
    std::erase_if(map, [&](const auto& kv) { return now - kv.second.last > limits_.forget_ms; });
    if (map.size() >= limits_.max_tracked)
      std::erase_if(map, [&](const auto& kv) { return wait_of(kv.second, 1, now) == 0; });
  }
  Failures& f = map[key];
  if (now - f.last > limits_.forget_ms) f.count = 0;
  return f;
}

void LoginGuard::settle(const std::string& address, const std::string& account, bool ok) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!ok) {
    // It was counted as failed when it started; the back-off runs from when it was known.
    const std::int64_t now = iso8601::now_millis();
    for (auto* map : {&accounts_, &addresses_}) {
      auto it = map->find(map == &accounts_ ? account : address);
      if (it != map->end()) it->second.last = std::max(it->second.last, now);
    }
    return;
  }
  accounts_.erase(account);
  if (auto it = addresses_.find(address); it != addresses_.end() && it->second.count > 0)
    --it->second.count;
}

std::optional<Result<Credentials>> LoginGuard::check(const Request& req, Engine& engine,
                                                     const std::string& account,
                                                     const std::string& user,
                                                     const std::string& password) {
  // The session owns the request and calls us with it again while the check runs.
  auto& again = const_cast<Request&>(req);
  const std::string& address = req.remote_address;
  const std::int64_t now = iso8601::now_millis();
  if (const std::string id = req.header(kTicket); !id.empty()) {
    std::shared_ptr<Ticket> ticket;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = tickets_.find(std::stoull(id));
      if (it != tickets_.end()) {
        if (!it->second->done) return std::nullopt;
        ticket = std::move(it->second);
        tickets_.erase(it);
      }
    }
    again.headers.erase(kTicket);
    if (!ticket)
      return fail(with_retry_after(Errc::StoreUnavailable,
                                   "the password check took too long; try again", 503, 1000));
    settle(address, account, ticket->ok);
    if (!ticket->ok) return fail(Errc::Unauthenticated, "the user name or password is wrong");
    return std::move(ticket->credentials);
  }
  {
    // Waiting, or counted as failed until it succeeds (one lock: parallel guesses see each other).
    std::lock_guard<std::mutex> lock(mutex_);
    Failures& by_account = entry(accounts_, account, now);
    Failures& by_address = entry(addresses_, address, now);
    const std::int64_t wait = std::max(wait_of(by_account, limits_.account_free_failures, now),
                                       wait_of(by_address, limits_.address_free_failures, now));
    if (wait > 0) {
      return fail(with_retry_after(
          Errc::Unauthenticated,
          "too many failed logins; wait before you try again (Retry-After says how long)", 429,
          wait));
    }
    for (Failures* f : {&by_account, &by_address}) {
      ++f->count;
      f->last = now;
    }
  }
  auto credentials = engine.credentials(user);
  std::lock_guard<std::mutex> lock(mutex_);
  auto undo = [&] {
    if (auto it = accounts_.find(account); it != accounts_.end() && it->second.count > 0)
      --it->second.count;
    if (auto it = addresses_.find(address); it != addresses_.end() && it->second.count > 0)
      --it->second.count;
  };
  if (!credentials) {
    undo();
    return fail(credentials.error());
  }
  if (queue_.size() >= static_cast<std::size_t>(std::max(1, limits_.hash_queue))) {
    undo();
    return fail(with_retry_after(Errc::StoreUnavailable,
                                 "too many logins at once; try again in a moment", 503, 1000));
  }
  std::erase_if(tickets_, [&](const auto& kv) { return now - kv.second->created > kTicketKeptMs; });
  auto ticket = std::make_shared<Ticket>();
  ticket->credentials = std::move(*credentials);
  ticket->created = now;
  const std::uint64_t id = next_ticket_++;
  tickets_[id] = ticket;
  queue_.emplace_back(ticket, password);
  cv_.notify_one();
  again.headers[kTicket] = std::to_string(id);
  again.headers[kDeadline] = std::to_string(now + kCheckDeadlineMs);
  return std::nullopt;
}

Response LoginGuard::pending(const Request& req) {
  Response r =
      problem_of(with_retry_after(Errc::StoreUnavailable,
                                  "the password check took too long; try again", 503, 1000),
                 req.path);
  r.retry_in_ms = 5;
  const std::string deadline = req.header(kDeadline);
  r.retry_until_ms =
      deadline.empty() ? iso8601::now_millis() + kCheckDeadlineMs : std::stoll(deadline);
  return r;
}

}  // namespace elva::server
