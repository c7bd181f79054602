// ColumnProfile: what one column of a dataset holds, from memory bounded by
// its sketches, never by its rows: non-null count and nulls, distinct values
// (HyperLogLog), and by type — numbers (int64, double, timestamp as
// microseconds, bool as 0/1): min, max, mean, sd (Moments) and quantiles and
// a histogram (KllSketch); strings (category columns included): their
// lengths in characters (Moments) and most frequent values (FrequentItems).
// NaN and ±infinity count apart (non_finite) and stay out of the numbers'
// statistics. Profiles of parts of a column merge into the profile of the
// whole. A value type; not thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ingest/profile/frequent_items.h"
#include "ingest/profile/hyperloglog.h"
#include "ingest/profile/kll_sketch.h"
#include "ingest/profile/moments.h"
#include "schema/column_type.h"
#include "schema/gleaner.pb.h"

namespace gleaner::profile {

// The quantiles a summary reports, and the histogram's bins (equal width
// between min and max, counted from the KLL sketch so that they merge).
inline constexpr double kSummaryQuantiles[] = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
inline constexpr int kHistogramBins = 20;
// Most frequent values a summary lists.
inline constexpr size_t kSummaryTopValues = 10;

struct ColumnDescription {
  std::string name;
  schema::ColumnType type = schema::ColumnType::kString;
  bool categorical = false;
};

class ColumnProfile {
 public:
  explicit ColumnProfile(ColumnDescription description);

  // A value of kind not set is a null.
  void Add(const v1::Value& value);
  // InvalidArgument when `other` profiles a column of another name or type.
  Status Merge(const ColumnProfile& other);

  const ColumnDescription& description() const { return description_; }
  bool numeric() const { return description_.type != schema::ColumnType::kString; }
  int64_t count() const { return count_; }  // non-null values
  int64_t nulls() const { return nulls_; }
  int64_t non_finite() const { return non_finite_; }
  const HyperLogLog& distinct() const { return distinct_; }
  const Moments& values() const { return values_; }          // numeric columns
  const KllSketch& quantiles() const { return quantiles_; }  // numeric columns
  const Moments& lengths() const { return lengths_; }        // string columns
  const FrequentItems& top() const { return top_; }          // string columns

  // What people read: {count, nulls, distinct, distinct_exact, ...} with, by
  // type, {min, max, mean, sd, quantiles {p1..p99}, quantiles_exact,
  // histogram {edges, counts}} or {length {min, max, mean, sd}, top [{value,
  // count}], top_exact, top_max_error}.
  nlohmann::json SummaryJson() const;
  // The sketches themselves, enough to rebuild the profile: {distinct,
  // values, quantiles} or {distinct, lengths, top}, plus the counts.
  nlohmann::json SketchesJson() const;
  // Rebuilds a profile of `description` from SketchesJson's output.
  static Status FromSketchesJson(ColumnDescription description, const nlohmann::json& json,
                                 const std::string& where, ColumnProfile* out);

 private:
  void AddText(std::string_view text);

  ColumnDescription description_;
  int64_t count_ = 0;
  int64_t nulls_ = 0;
  int64_t non_finite_ = 0;
  HyperLogLog distinct_;
  Moments values_;
  KllSketch quantiles_;
  Moments lengths_;
  FrequentItems top_;
};

}  // namespace gleaner::profile
