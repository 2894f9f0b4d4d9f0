// Asynchronous I/O for the built-in connectors (http, hr, eservice, mail). Each client owns one
// IoThread; every call it makes is a coroutine on that thread, so the calls in flight are not
// threads: a slow peer holds a coroutine frame and a socket per call, never a worker
// (connector.hpp, Connector::max_in_flight).
//
// Two rules for coroutines here, both GCC 12 bugs that compile and then fail:
// - a conditional (a ? b : c) that makes a temporary inside a co_await expression is freed twice:
//   name it in a local first;
// - a braced JSON argument ({{"k", v}}) in a co_await call does not compile ("array used as
//   initializer"): build the JSON in a local first.
// Parameters of a coroutine are taken by value (a reference may outlive what it names).
#pragma once

// <utility> first: Boost 1.74's awaitable.hpp uses std::exchange without including it.
#include <utility>
//
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "elva/connector.hpp"

namespace elva::connectors {

class IoThread {
 public:
  IoThread();   // starts the thread
  ~IoThread();  // stops and joins it; calls still running are dropped, their `done` not called
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  // Stops and joins the thread (idempotent): an owner whose members hold sockets calls it first.
  void stop();

  boost::asio::io_context& context() { return io_; }
  bool on_this_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

// host:port resolved by `until`: the lookup is given up at the deadline (ec = timed_out), so a
// slow DNS server cannot hold a call past it.
boost::asio::awaitable<boost::asio::ip::tcp::resolver::results_type> resolve_until(
    std::string host, std::string port, std::chrono::steady_clock::time_point until,
    boost::system::error_code& ec);

// The steady-clock time of a wall-clock deadline.
std::chrono::steady_clock::time_point steady_deadline(std::chrono::system_clock::time_point at);

// Runs `call` on `io` and hands its outcome to `done`, on the I/O thread. An exception out of the
// coroutine is a retryable failure whose message is `explain(e)` (default: "the connector
// failed: <what>").
void run_call(IoThread& io, boost::asio::awaitable<connector::Outcome> call,
              connector::Completion done,
              std::function<std::string(const std::exception&)> explain = {});

}  // namespace elva::connectors
