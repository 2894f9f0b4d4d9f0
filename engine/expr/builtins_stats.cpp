// FEEL statistics over lists of numbers (DMN 1.5 §10.3.4.4): median, stddev (of a sample) and
// mode. Each takes a list or the numbers as arguments, sorts a copy (n log n steps) and gives
// null when an item is not a number.
#include <algorithm>

#include "expr/budget.hpp"
#include "expr/builtin_table.hpp"

namespace elva::expr {
namespace {

namespace mp = boost::multiprecision;

// The numbers of a list-function call, sorted; nullopt when one is not a number.
std::optional<std::vector<Decimal>> sorted_numbers(const BuiltinCall& c) {
  List storage;
  const List& l = *items(c.args, storage);
  std::size_t log2 = 1;
  while ((std::size_t{1} << log2) < l.size()) ++log2;
  if (!spend(l.size() * log2)) return std::nullopt;
  std::vector<Decimal> out;
  out.reserve(l.size());
  for (const auto& v : l) {
    auto* d = v.get<Decimal>();
    if (!d) return std::nullopt;
    out.push_back(*d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Value median(const BuiltinCall& c) {
  auto n = sorted_numbers(c);
  if (!n || n->empty()) return {};
  const std::size_t mid = n->size() / 2;
  if (n->size() % 2) return Value((*n)[mid]);
  return Value(Decimal(((*n)[mid - 1] + (*n)[mid]) / 2));
}

Value stddev(const BuiltinCall& c) {
  auto n = sorted_numbers(c);
  if (!n || n->size() < 2) return {};
  Decimal sum = 0;
  for (const auto& x : *n) sum += x;
  const Decimal mean = sum / Decimal(n->size());
  Decimal squares = 0;
  for (const auto& x : *n) squares += (x - mean) * (x - mean);
  return Value(Decimal(mp::sqrt(squares / Decimal(n->size() - 1))));
}

Value mode(const BuiltinCall& c) {
  auto n = sorted_numbers(c);
  if (!n) return {};
  List out;
  std::size_t best = 0;
  for (std::size_t i = 0; i < n->size();) {
    std::size_t j = i;
    while (j < n->size() && (*n)[j] == (*n)[i]) ++j;
    if (j - i > best) {
      best = j - i;
      out.clear();
    }
    if (j - i == best) out.push_back(Value((*n)[i]));
    i = j;
  }
  return out;
}

}  // namespace

void add_stats_builtins(BuiltinTable& t) {
  t["median"] = {{"list"}, median, 1, true};
  t["stddev"] = {{"list"}, stddev, 1, true};
  t["mode"] = {{"list"}, mode, 1, true};
}

}  // namespace elva::expr
