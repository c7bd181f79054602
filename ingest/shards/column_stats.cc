#include "ingest/shards/column_stats.h"

#include <cmath>

#include "ingest/shards/row_validation.h"

namespace gleaner::shards {

namespace {

template <typename T>
int ThreeWay(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

int CompareValues(const v1::Value& a, const v1::Value& b) {
  switch (a.kind_case()) {
    case v1::Value::kStringValue:
      // std::string compares through char_traits<char>, which orders bytes as
      // unsigned char: the order Parquet specifies for UTF-8 strings.
      return a.string_value().compare(b.string_value());
    case v1::Value::kIntValue:
      return ThreeWay(a.int_value(), b.int_value());
    case v1::Value::kDoubleValue:
      return ThreeWay(a.double_value(), b.double_value());
    case v1::Value::kBoolValue:
      return ThreeWay(a.bool_value(), b.bool_value());
    case v1::Value::kTimestampMicros:
      return ThreeWay(a.timestamp_micros(), b.timestamp_micros());
    default:
      return 0;
  }
}

void ColumnStatsTracker::Add(const v1::Value& value) {
  if (IsNull(value)) {
    ++stats_.null_count;
    return;
  }
  AddNonNull(value);
}

void ColumnStatsTracker::AddNonNull(const v1::Value& value) {
  // NaN has no place in an order; readers would prune row groups wrongly.
  if (value.kind_case() == v1::Value::kDoubleValue && std::isnan(value.double_value())) return;
  if (!has_min_max()) {
    stats_.min = value;
    stats_.max = value;
    return;
  }
  if (CompareValues(value, stats_.min) < 0) stats_.min = value;
  if (CompareValues(value, stats_.max) > 0) stats_.max = value;
}

void ColumnStatsTracker::Merge(const ColumnStatsTracker& other) {
  stats_.null_count += other.stats_.null_count;
  if (!other.has_min_max()) return;
  AddNonNull(other.stats_.min);
  AddNonNull(other.stats_.max);
}

}  // namespace gleaner::shards
