// Running null count and min/max of one column, in the order Parquet uses:
// strings bytewise unsigned, false < true, numbers numerically with NaN
// ignored. A plain value type; not thread-safe.
#pragma once

#include "ingest/shards/shard_writer.h"

namespace gleaner::shards {

class ColumnStatsTracker {
 public:
  // `value` must be null or of the kind the column type expects (CheckRow).
  void Add(const v1::Value& value);
  void Merge(const ColumnStatsTracker& other);

  const ColumnStats& stats() const { return stats_; }
  bool has_min_max() const { return stats_.min.kind_case() != v1::Value::KIND_NOT_SET; }

 private:
  void AddNonNull(const v1::Value& value);

  ColumnStats stats_;
};

// Negative, zero or positive as a sorts before, with or after b; both of the
// same kind.
int CompareValues(const v1::Value& a, const v1::Value& b);

}  // namespace gleaner::shards
