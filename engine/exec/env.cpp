// Clocks and the KeySource (env.hpp).
#include "exec/env.hpp"

#include "common/iso8601.hpp"

namespace elva::exec {

std::int64_t SystemClock::now_millis() const { return iso8601::now_millis(); }

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

std::size_t KeySource::available() const {
  std::size_t n = 0;
  for (const auto& [first, end] : ranges_) n += static_cast<std::size_t>(end - first);
  return n;
}

Result<void> KeySource::reserve(store::InstanceTx& tx, std::size_t count) {
  while (available() < count) {
    auto block = tx.reserve_keys();
    if (!block) return fail(block.error());
    ranges_.emplace_back(*block, *block + store::kKeyBlock);
  }
  return {};
}

Key KeySource::next() noexcept {
  while (!ranges_.empty() && ranges_.front().first == ranges_.front().second) ranges_.pop_front();
  if (ranges_.empty()) {
    // Keys past the reservation: far from any real block, and the unit is never written.
    ++overdraft_;
    return (Key{1} << 62) + overdraft_;
  }
  return ranges_.front().first++;
}

}  // namespace elva::exec
