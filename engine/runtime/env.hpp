// Env: the runtime's only window on the world (leveldb's Env): the clock and key generation.
// Injected, so that the same state and command always give the same events.
#pragma once

#include <cstdint>

#include "runtime/state.hpp"

namespace elva::runtime {

class Env {
 public:
  virtual ~Env() = default;
  virtual std::int64_t now_millis() const = 0;
  virtual Key next_key() = 0;
};

// A clock that moves only when told to, and keys counted from 1. Not thread-safe.
class ManualEnv : public Env {
 public:
  explicit ManualEnv(std::int64_t now = 0) : now_(now) {}
  std::int64_t now_millis() const override { return now_; }
  Key next_key() override { return ++last_key_; }
  void set_now(std::int64_t now) { now_ = now; }

 private:
  std::int64_t now_;
  Key last_key_ = 0;
};

}  // namespace elva::runtime
