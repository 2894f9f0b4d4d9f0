// IoThread, resolve_until and run_call (io.hpp).
#include "support/io.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace elva::connectors {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

IoThread::IoThread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}

IoThread::~IoThread() { stop(); }

void IoThread::stop() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

asio::awaitable<tcp::resolver::results_type> resolve_until(
    std::string host, std::string port, std::chrono::steady_clock::time_point until,
    boost::system::error_code& ec) {
  auto executor = co_await asio::this_coro::executor;
  // Shared with the timer's handler, which may run after this frame has gone on.
  auto resolver = std::make_shared<tcp::resolver>(executor);
  auto timed_out = std::make_shared<bool>(false);
  asio::steady_timer timer(executor, until);
  timer.async_wait([resolver, timed_out](const boost::system::error_code& e) {
    if (e) return;
    *timed_out = true;
    resolver->cancel();
  });
  auto results =
      co_await resolver->async_resolve(host, port, asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (*timed_out) ec = asio::error::timed_out;
  co_return results;
}

std::chrono::steady_clock::time_point steady_deadline(std::chrono::system_clock::time_point at) {
  const auto left = at - std::chrono::system_clock::now();
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
}

void run_call(IoThread& io, asio::awaitable<connector::Outcome> call, connector::Completion done,
              std::function<std::string(const std::exception&)> explain) {
  asio::co_spawn(io.context(), std::move(call),
                 [done = std::move(done), explain = std::move(explain)](
                     std::exception_ptr error, connector::Outcome outcome) {
                   if (!error) return done(std::move(outcome));
                   try {
                     std::rethrow_exception(error);
                   } catch (const std::exception& e) {
                     done(connector::Outcome::retry(
                         explain ? explain(e) : std::string("the connector failed: ") + e.what()));
                   } catch (...) {
                     done(connector::Outcome::retry("the connector failed"));
                   }
                 });
}

}  // namespace elva::connectors
