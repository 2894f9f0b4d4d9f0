// Budget (budget.hpp): steps, text sizes, and the thread's current budget.
#include "expr/budget.hpp"

namespace elva::expr {
namespace {

thread_local Budget* current = nullptr;

}  // namespace

bool Budget::fits_text(std::size_t bytes) noexcept {
  if (bytes <= max_string_bytes_) return !exhausted();
  return stop("a text would be longer than " + std::to_string(max_string_bytes_) +
                  " bytes (max_string_bytes)",
              "max_string_bytes");
}

bool Budget::spend_text(std::size_t bytes) noexcept {
  return fits_text(bytes) && spend(1 + bytes / 64);
}

bool Budget::stop(std::string why, const char* limit) noexcept {
  if (why_.empty()) {
    why_ = std::move(why);
    limit_ = limit;
  }
  return false;
}

bool Budget::exhaust() noexcept {
  left_ = 0;
  return stop("the expression needs more than " + std::to_string(max_steps_) + " steps (max_steps)",
              "max_steps");
}

Budget* current_budget() noexcept { return current; }

BudgetScope::BudgetScope(Budget& budget) noexcept : previous_(current) { current = &budget; }
BudgetScope::~BudgetScope() { current = previous_; }

}  // namespace elva::expr
