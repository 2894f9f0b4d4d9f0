// The work one FEEL evaluation may do (EvalOptions::max_steps and friends). The evaluator owns
// one Budget per evaluation and installs it for its thread, so that built-ins and value
// functions (equality, text forms, flatten, ...) charge the same budget without passing it
// around. docs/security.md#limits-on-hostile-data lists the limits and what a step is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace elva::expr {

class Budget {
 public:
  Budget(std::uint64_t max_steps, std::size_t max_string_bytes)
      : left_(max_steps), max_steps_(max_steps), max_string_bytes_(max_string_bytes) {}

  // Spends `n` steps. False once the budget is used up (and from then on).
  bool spend(std::uint64_t n = 1) noexcept {
    if (!why_.empty()) return false;
    if (n > left_) return exhaust();
    left_ -= n;
    return true;
  }
  // Copying or scanning text costs a step per 64 bytes; a text longer than the limit fails.
  bool spend_text(std::size_t bytes) noexcept;
  // False (and stops) when a text of `bytes` would be longer than the limit; costs nothing.
  bool fits_text(std::size_t bytes) noexcept;
  // Stops the evaluation for `why` (the first reason is kept). `limit` names the limit hit.
  bool stop(std::string why, const char* limit) noexcept;

  bool exhausted() const noexcept { return !why_.empty(); }
  const std::string& why() const noexcept { return why_; }
  const char* limit() const noexcept { return limit_; }
  std::uint64_t used() const noexcept { return max_steps_ - left_; }
  std::size_t max_string_bytes() const noexcept { return max_string_bytes_; }

 private:
  bool exhaust() noexcept;

  std::uint64_t left_;
  std::uint64_t max_steps_;
  std::size_t max_string_bytes_;
  std::string why_;
  const char* limit_ = "";
};

// The budget of the evaluation running on this thread; null outside one.
Budget* current_budget() noexcept;

// Installs `budget` for this thread while it lives (evaluations nest: DMN evaluates FEEL inside
// FEEL's caller, so the previous one comes back afterwards).
class BudgetScope {
 public:
  explicit BudgetScope(Budget& budget) noexcept;
  ~BudgetScope();
  BudgetScope(const BudgetScope&) = delete;
  BudgetScope& operator=(const BudgetScope&) = delete;

 private:
  Budget* previous_;
};

// Charges the current budget; true when no evaluation is running (values used outside FEEL).
inline bool spend(std::uint64_t n = 1) noexcept {
  Budget* b = current_budget();
  return !b || b->spend(n);
}
inline bool spend_text(std::size_t bytes) noexcept {
  Budget* b = current_budget();
  return !b || b->spend_text(bytes);
}
inline bool fits_text(std::size_t bytes) noexcept {
  Budget* b = current_budget();
  return !b || b->fits_text(bytes);
}

}  // namespace elva::expr
