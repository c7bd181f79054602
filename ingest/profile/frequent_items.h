// FrequentItems: a column's most frequent values (top-k) from bounded memory.
// Exact counts while the column has at most kCapacity distinct values; past
// that, a Misra–Gries summary kept in the mergeable form of Agarwal et al.
// ("Mergeable Summaries", 2012): up to 2·kCapacity counters, reduced to
// kCapacity by subtracting the (kCapacity+1)-th largest count from all. A
// reported count is never above the true one and below it by at most
// max_error(), which is ≤ total()/(kCapacity+1); a value whose count exceeds
// that is sure to be reported. Values longer than kMaxValueBytes are counted
// by their first kMaxValueBytes (cut at a UTF-8 character boundary), which
// bounds memory by kCapacity, not by the values. The counters live in an
// open-addressing table whose strings keep their buffers when a counter is
// dropped, so a column of ever-new values costs no allocation per value
// (prepare profiles every row). A value type; not thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gleaner::profile {

class FrequentItems {
 public:
  static constexpr size_t kCapacity = 256;
  static constexpr size_t kMaxValueBytes = 256;

  struct Item {
    std::string value;
    int64_t count;  // a lower bound; the true count is at most count + max_error()
  };

  void Add(std::string_view value);
  void Merge(const FrequentItems& other);

  // What follows reads the summary as reduced to kCapacity counters (it
  // keeps up to twice that between reductions, so adding stays O(1) amortized).
  int64_t total() const { return total_; }
  int64_t max_error() const;
  bool exact() const { return max_error_ == 0 && size_ <= kCapacity; }
  // The `limit` largest counters, by count descending, then value ascending.
  std::vector<Item> Top(size_t limit) const;

  // {"capacity", "total", "max_error", "items": [[value, count], ...]} with at
  // most kCapacity items, by count descending.
  nlohmann::json ToJson() const;
  // Reads what ToJson wrote; InvalidArgument naming `where` and what is wrong.
  static Status FromJson(const nlohmann::json& json, const std::string& where, FrequentItems* out);

 private:
  // A counter; count 0 marks a free slot (whose value keeps its buffer).
  struct Slot {
    uint64_t hash = 0;
    int64_t count = 0;
    std::string value;
  };
  // Room for 2·kCapacity counters of each side of a Merge at load ≤ 1/2.
  static constexpr size_t kSlots = 8 * kCapacity;

  // The counter of `value` (hashed to `hash`), or the free slot where it would go.
  Slot& Find(std::string_view value, uint64_t hash);
  // Adds `count` to the counter of `value`, making one if needed.
  void AddCount(std::string_view value, uint64_t hash, int64_t count);
  void Reduce();
  // Moves the counters that follow a freed slot back onto their probe paths,
  // as linear probing needs after counters are dropped.
  void ReplaceCounters();
  FrequentItems Reduced() const;

  std::vector<Slot> slots_;  // kSlots once the first value arrives
  size_t size_ = 0;          // counters in use
  int64_t total_ = 0;
  int64_t max_error_ = 0;  // the sum of what Reduce subtracted
};

// `value` cut to at most `max_bytes` bytes without splitting a UTF-8 character.
std::string_view Utf8Prefix(std::string_view value, size_t max_bytes);

}  // namespace gleaner::profile
