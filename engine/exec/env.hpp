// The command pipeline's window on the world: a Clock and a KeySource, injected into the
// Processor, so that `elva test` (a manual clock) and `elva serve` (the wall clock) run the same
// code. Keys are reserved from the store before each step, so runtime::step never waits for the
// store and no exception crosses it.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>

#include "elva/result.hpp"
#include "store/store.hpp"

namespace elva::exec {

using Key = std::uint64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_millis() const = 0;  // ms since the epoch
};

// The wall clock (UTC).
class SystemClock final : public Clock {
 public:
  std::int64_t now_millis() const override;
};

// The one wall clock instance (thread-safe).
const Clock& system_clock();

// A clock that moves only when told to (scenarios, tests). Not thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t now = 0) : now_(now) {}
  std::int64_t now_millis() const override { return now_; }
  void set(std::int64_t now) { now_ = now; }

 private:
  std::int64_t now_;
};

// Keys in blocks from the store (InstanceTx::reserve_keys). reserve() is called between steps;
// next() hands out reserved keys and never fails: a step that needs more than was reserved gets
// keys from an overdraft that is never written (overdrawn() is then true, and the unit is run
// again with a larger reservation). Not thread-safe: one per Processor.
class KeySource {
 public:
  // Makes sure at least `count` keys are ready.
  Result<void> reserve(store::InstanceTx& tx, std::size_t count);
  Key next() noexcept;
  bool overdrawn() const { return overdraft_ > 0; }
  std::size_t overdraft() const { return overdraft_; }
  void clear_overdraft() { overdraft_ = 0; }
  std::size_t available() const;

 private:
  std::deque<std::pair<Key, Key>> ranges_;  // [first, end)
  std::size_t overdraft_ = 0;
};

// Keys a step may use before it must go back to the store (a larger step runs again with more).
inline constexpr std::size_t kKeysPerStep = 1024;

}  // namespace elva::exec
