// FrequentItems: a column's most frequent values (top-k) from bounded memory.
// Exact counts while the column has at most kCapacity distinct values; past
// that, a Misra–Gries summary kept in the mergeable form of Agarwal et al.
// ("Mergeable Summaries", 2012): up to 2·kCapacity counters, reduced to
// kCapacity by subtracting the (kCapacity+1)-th largest count from all. A
// reported count is never above the true one and below it by at most
// max_error(), which is ≤ total()/(kCapacity+1); a value whose count exceeds
// that is sure to be reported. Values longer than kMaxValueBytes are counted
// by their first kMaxValueBytes (cut at a UTF-8 character boundary), which
// bounds memory by kCapacity, not by the values. A value type; not thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
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
  bool exact() const { return max_error_ == 0 && counts_.size() <= kCapacity; }
  // The `limit` largest counters, by count descending, then value ascending.
  std::vector<Item> Top(size_t limit) const;

  // {"capacity", "total", "max_error", "items": [[value, count], ...]} with at
  // most kCapacity items, by count descending.
  nlohmann::json ToJson() const;
  // Reads what ToJson wrote; InvalidArgument naming `where` and what is wrong.
  static Status FromJson(const nlohmann::json& json, const std::string& where, FrequentItems* out);

 private:
  void Reduce();
  FrequentItems Reduced() const;

  std::unordered_map<std::string, int64_t> counts_;
  int64_t total_ = 0;
  int64_t max_error_ = 0;  // the sum of what Reduce subtracted
};

// `value` cut to at most `max_bytes` bytes without splitting a UTF-8 character.
std::string_view Utf8Prefix(std::string_view value, size_t max_bytes);

}  // namespace gleaner::profile
