// DedupIndex: decides which rows are duplicates by their dedup key. Rows are
// added with a 64-bit fingerprint of their key values, their fetch time and
// their position; Resolve keeps one row per key (the first or last by fetch
// time, ties by position) and reports the rest. 24 bytes per row while
// resolving, released after. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "ingest/rules/rules_config.h"

namespace gleaner::prepare {

class DedupIndex {
 public:
  void Add(uint64_t key_fingerprint, int64_t fetch_time_micros, uint32_t row);
  // Calls duplicate(row, kept_row) for every row that loses to another with
  // the same key; kept_row is the one kept. Empties the index.
  void Resolve(rules::DedupKeep keep, const std::function<void(uint32_t, uint32_t)>& duplicate);

 private:
  struct Entry {
    uint64_t fingerprint;
    int64_t fetch_time;
    uint32_t row;
  };
  std::vector<Entry> entries_;
};

}  // namespace gleaner::prepare
