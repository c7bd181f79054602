// Rows by split key between two datasets, from their profiles' key samples
// (profile/key_sample.h): how many keys were added, removed, changed (a
// compared column's values or the key's row count differ) or left unchanged,
// and per column how many keys it changed in. Exact when both samples hold
// every key; otherwise estimated from the bottom-k of the union of the keys
// (both samples' k smallest hashes coordinate: a key at or below the union's
// k-th smallest hash is known to be in each dataset or not): a category's
// fraction p of the k keys, with standard error √(p(1−p)/k), times the union's
// size, (k−1)/h_k for h_k the k-th smallest hash as a fraction of 2^64
// (relative standard error 1/√(k−2)). Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ingest/profile/key_sample.h"

namespace gleaner::drift {

// A count of keys: exact, or estimated from `fraction` of the sample.
struct KeyCount {
  int64_t keys = 0;
  double fraction = 0;        // of the keys compared (the union; for columns, the common keys)
  double standard_error = 0;  // of `fraction`; 0 when exact
};

struct ColumnKeyChanges {
  std::string column;
  KeyCount changed;  // fraction of the keys in both datasets
};

struct KeyChanges {
  bool available = false;
  std::string unavailable_reason;  // when !available
  std::string key;                 // the split key both samples are keyed by
  bool exact = false;
  int64_t sampled_keys = 0;                  // keys of the union the counts come from
  double union_relative_standard_error = 0;  // of the union's estimated size; 0 when exact
  int64_t baseline_keys = 0, current_keys = 0;
  KeyCount added, removed, changed, unchanged;
  KeyCount rows_changed;  // keys whose row count differs (fraction of the common keys)
  std::vector<ColumnKeyChanges> columns;  // the columns both samples compare, baseline's order
};

// Unavailable (with the reason) when a side has no sample or the two are
// keyed by different split keys.
KeyChanges CompareKeySamples(const std::optional<profile::KeySample>& baseline,
                             const std::optional<profile::KeySample>& current);

}  // namespace gleaner::drift
