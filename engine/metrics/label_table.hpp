// LabelTable: the counters of one metric family, one entry per distinct label-value tuple, found
// without a lock (open addressing over atomic pointers; an entry, once placed, never moves or
// goes). At most `cap` distinct tuples; later ones share the entry whose values are all "other",
// so a label fed from process ids or job types cannot grow the scrape without bound.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace elva::metrics {

inline constexpr std::size_t kMaxLabelValues = 500;

class LabelTable {
 public:
  // `cells`: atomic counters per entry (a histogram's buckets, count and sum; one for a counter).
  LabelTable(std::size_t labels, std::size_t cells, std::size_t cap = kMaxLabelValues);
  ~LabelTable();
  LabelTable(const LabelTable&) = delete;
  LabelTable& operator=(const LabelTable&) = delete;

  struct Entry {
    std::string key;                  // the values joined by '\x1f'
    std::vector<std::string> values;  // one per label
    std::unique_ptr<std::atomic<std::uint64_t>[]> cells;
  };

  // The entry of these label values (their number is the table's `labels`). Thread-safe and
  // lock-free: a lookup is a hash and a few atomic loads; a new tuple allocates once.
  Entry& at(std::initializer_list<std::string_view> values);
  // Every entry placed so far ("other" last, when it was used). Thread-safe; values read while
  // others count are each a consistent atomic read.
  void each(const std::function<void(const Entry&)>& f) const;
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kSlots = 2048;  // a power of two, over 2 * cap
  Entry* make(std::string key, std::vector<std::string> values) const;
  std::size_t labels_, cells_, cap_;
  std::array<std::atomic<Entry*>, kSlots> slots_{};
  std::atomic<std::size_t> size_{0};
  std::unique_ptr<Entry> other_;
  std::atomic<bool> other_used_{false};
};

}  // namespace elva::metrics
