#include "ingest/drift/key_changes.h"

#include <cmath>
#include <limits>

namespace gleaner::drift {
namespace {

using profile::KeySample;

// `n` of the `of` keys compared; `scale` turns sampled keys into keys.
KeyCount Count(int64_t n, int64_t of, double scale, bool exact) {
  KeyCount count;
  count.keys = std::llround(static_cast<double>(n) * scale);
  if (of == 0) return count;
  count.fraction = static_cast<double>(n) / static_cast<double>(of);
  if (!exact) {
    count.standard_error =
        std::sqrt(count.fraction * (1 - count.fraction) / static_cast<double>(of));
  }
  return count;
}

}  // namespace

KeyChanges CompareKeySamples(const std::optional<KeySample>& baseline,
                             const std::optional<KeySample>& current) {
  KeyChanges out;
  for (const auto& [side, sample] : {std::pair{"baseline", &baseline}, {"current", &current}}) {
    if (!sample->has_value()) {
      out.unavailable_reason = std::string("the ") + side +
                               " profile has no key sample (prepared by an older gleaner: "
                               "prepare it again)";
      return out;
    }
  }
  const KeySample& b = *baseline;
  const KeySample& c = *current;
  if (b.key() != c.key()) {
    out.unavailable_reason = "the baseline is split by key '" + b.key() +
                             "' and the current dataset by '" + c.key() + "'";
    return out;
  }
  out.available = true;
  out.key = b.key();
  out.exact = b.complete() && c.complete();

  // The columns both compare: (baseline's index, current's index).
  std::vector<std::pair<size_t, size_t>> shared;
  for (size_t i = 0; i < b.columns().size(); ++i) {
    for (size_t j = 0; j < c.columns().size(); ++j) {
      if (b.columns()[i].name == c.columns()[j].name) shared.emplace_back(i, j);
    }
  }
  std::vector<int64_t> column_changes(shared.size());

  // The union's keys in hash order; past kCapacity, what lies beyond the
  // k-th is unknown on the incomplete side.
  const size_t limit = out.exact ? std::numeric_limits<size_t>::max() : KeySample::kCapacity;
  int64_t added = 0, removed = 0, changed = 0, unchanged = 0, rows_changed = 0;
  uint64_t largest = 0;
  auto ib = b.entries().begin(), ic = c.entries().begin();
  while (static_cast<size_t>(out.sampled_keys) < limit &&
         (ib != b.entries().end() || ic != c.entries().end())) {
    ++out.sampled_keys;
    if (ic == c.entries().end() || (ib != b.entries().end() && ib->first < ic->first)) {
      largest = ib->first;
      ++removed;
      ++ib;
      continue;
    }
    if (ib == b.entries().end() || ic->first < ib->first) {
      largest = ic->first;
      ++added;
      ++ic;
      continue;
    }
    largest = ib->first;
    bool differs = ib->second.rows != ic->second.rows;
    rows_changed += differs;
    for (size_t s = 0; s < shared.size(); ++s) {
      if (ib->second.content[shared[s].first] != ic->second.content[shared[s].second]) {
        ++column_changes[s];
        differs = true;
      }
    }
    ++(differs ? changed : unchanged);
    ++ib;
    ++ic;
  }

  // Keys per sampled key: 1 when exact; else the union's estimated size,
  // (k−1)/h_k, over the k keys sampled.
  double scale = 1;
  if (!out.exact) {
    const double k = static_cast<double>(out.sampled_keys);
    const double h = (static_cast<double>(largest) + 1) / 18446744073709551616.0;  // 2^64
    scale = (k - 1) / h / k;
    out.union_relative_standard_error = 1 / std::sqrt(k - 2);
  }
  const int64_t common = changed + unchanged;
  out.added = Count(added, out.sampled_keys, scale, out.exact);
  out.removed = Count(removed, out.sampled_keys, scale, out.exact);
  out.changed = Count(changed, out.sampled_keys, scale, out.exact);
  out.unchanged = Count(unchanged, out.sampled_keys, scale, out.exact);
  out.rows_changed = Count(rows_changed, common, scale, out.exact);
  out.baseline_keys = std::llround(static_cast<double>(removed + common) * scale);
  out.current_keys = std::llround(static_cast<double>(added + common) * scale);
  for (size_t s = 0; s < shared.size(); ++s) {
    out.columns.push_back(
        {b.columns()[shared[s].first].name, Count(column_changes[s], common, scale, out.exact)});
  }
  return out;
}

}  // namespace gleaner::drift
