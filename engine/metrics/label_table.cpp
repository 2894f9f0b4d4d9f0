// LabelTable (label_table.hpp).
#include "metrics/label_table.hpp"

#include <algorithm>

namespace elva::metrics {

LabelTable::LabelTable(std::size_t labels, std::size_t cells, std::size_t cap)
    : labels_(labels), cells_(cells), cap_(cap < kSlots / 2 ? cap : kSlots / 2) {
  std::string key;
  for (std::size_t i = 0; i < labels_; ++i) key += (i ? "\x1f" : "") + std::string("other");
  other_.reset(make(key, std::vector<std::string>(labels_, "other")));
}

LabelTable::~LabelTable() {
  for (auto& s : slots_) delete s.load();
}

LabelTable::Entry* LabelTable::make(std::string key, std::vector<std::string> values) const {
  auto* e = new Entry{std::move(key), std::move(values),
                      std::make_unique<std::atomic<std::uint64_t>[]>(cells_)};
  for (std::size_t i = 0; i < cells_; ++i) e->cells[i].store(0, std::memory_order_relaxed);
  return e;
}

LabelTable::Entry& LabelTable::at(std::initializer_list<std::string_view> values) {
  std::string key;
  bool first = true;
  for (auto v : values) {
    if (!first) key += '\x1f';
    first = false;
    key.append(v.data(), v.size());
  }
  std::size_t i = std::hash<std::string>{}(key) & (kSlots - 1);
  for (std::size_t probes = 0; probes < kSlots; ++probes, i = (i + 1) & (kSlots - 1)) {
    Entry* e = slots_[i].load(std::memory_order_acquire);
    if (!e) {
      // Reserve a place under the cap first: past it, the tuple counts as "other".
      if (size_.fetch_add(1, std::memory_order_relaxed) >= cap_) {
        size_.fetch_sub(1, std::memory_order_relaxed);
        other_used_.store(true, std::memory_order_relaxed);
        return *other_;
      }
      std::vector<std::string> vs;
      for (auto v : values) vs.emplace_back(v);
      Entry* fresh = make(key, std::move(vs));
      if (slots_[i].compare_exchange_strong(e, fresh, std::memory_order_acq_rel)) return *fresh;
      delete fresh;  // another thread placed an entry here first: look at it
      size_.fetch_sub(1, std::memory_order_relaxed);
    }
    if (e->key == key) return *e;
  }
  other_used_.store(true, std::memory_order_relaxed);
  return *other_;
}

void LabelTable::each(const std::function<void(const Entry&)>& f) const {
  std::vector<const Entry*> entries;
  for (const auto& s : slots_)
    if (const Entry* e = s.load(std::memory_order_acquire)) entries.push_back(e);
  // Sorted, so that a scrape lists series in a stable order.
  std::sort(entries.begin(), entries.end(),
            [](const Entry* a, const Entry* b) { return a->key < b->key; });
  for (const Entry* e : entries) f(*e);
  if (other_used_.load(std::memory_order_relaxed)) f(*other_);
}

}  // namespace elva::metrics
