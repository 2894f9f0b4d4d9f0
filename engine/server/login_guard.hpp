// LoginGuard: what stands between a password guesser and the server's workers
// (docs/security.md#http-server-and-logins). Two rules, both for POST /api/login and for Basic
// credentials (Api::authenticate), in this one place:
// - Back-off per account and per client address: after a number of failed logins that cost
//   nothing, each further failure doubles the time the next attempt must wait (429 with
//   Retry-After meanwhile, without checking the password). An attempt counts as failed until
//   it succeeded, so parallel guesses cannot slip past the count.
// - Passwords are checked (Argon2id, about 0.1 s and 64 MiB each) on the guard's own threads
//   with a bounded queue, never on a request worker: a worker hands the check over and asks
//   again a few ms later (Response::retry_in_ms), so guessers cannot occupy the workers that
//   answer everyone's task list. A full queue answers 503 with Retry-After at once.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "elva/engine.hpp"
#include "server/http_server.hpp"

namespace elva::server {

struct LoginLimits {
  int account_free_failures = 5;    // failed logins of one user name before back-off
  int address_free_failures = 20;   // failed logins from one client address before back-off
  std::int64_t backoff_ms = 1'000;  // the first wait; it doubles with each further failure
  std::int64_t backoff_max_ms = 15 * 60'000;  // the longest wait
  std::int64_t forget_ms = 15 * 60'000;       // failures are forgotten after this long without one
  int hash_threads = 1;               // password checks at once (each ~0.1 s of a core, 64 MiB)
  int hash_queue = 64;                // password checks waiting at most; beyond: 503
  std::size_t max_tracked = 100'000;  // accounts and addresses kept in memory, each
};

class LoginGuard {
 public:
  explicit LoginGuard(LoginLimits limits);
  ~LoginGuard();
  LoginGuard(const LoginGuard&) = delete;
  LoginGuard& operator=(const LoginGuard&) = delete;

  // Checks `password` against the credentials of `user` for this request: the credentials that
  // matched (their `who` is the caller), an error (401 wrong, 429 wait, 503 queue full, 400 a name
  // that cannot be one, a store error), or nullopt while the check runs: answer pending() and the
  // server calls again. `account` names the user within its tenant (the same name in two tenants is
  // two accounts).
  std::optional<Result<Credentials>> check(const Request& req, Engine& engine,
                                           const std::string& account, const std::string& user,
                                           const std::string& password);
  // The answer while a check runs: the server asks again in a few ms, without holding a worker.
  static Response pending(const Request& req);

  const LoginLimits& limits() const { return limits_; }

 private:
  struct Failures {
    int count = 0;
    std::int64_t last = 0;  // ms of the last failure
  };
  struct Ticket {
    bool done = false;
    bool ok = false;
    Credentials credentials;
    std::int64_t created = 0;
  };
  // ms the next attempt must wait (0: now) for one counter.
  std::int64_t wait_of(const Failures& f, int free, std::int64_t now) const;
  Failures& entry(std::map<std::string, Failures>& map, const std::string& key, std::int64_t now);
  void settle(const std::string& address, const std::string& account, bool ok);
  void run();

  LoginLimits limits_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, Failures> accounts_, addresses_;
  std::map<std::uint64_t, std::shared_ptr<Ticket>> tickets_;
  std::deque<std::pair<std::shared_ptr<Ticket>, std::string>> queue_;  // (ticket, password)
  std::uint64_t next_ticket_ = 1;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace elva::server
