// KllSketch: quantiles, ranks and the CDF of a column's numbers from bounded
// memory (Karnin, Lang and Liberty, "Optimal Quantile Approximation in
// Streams", 2016, with the lazy compaction of Apache DataSketches' KLL). Exact
// while it has seen at most kExactLimit items (it keeps them all); past that,
// levels of items of weight 2^h, level capacities k·(2/3)^depth (at least 8),
// and a compaction that promotes every other item of a full level, in sorted
// order, from an offset that a fixed-seed generator draws, so a run is
// reproducible. Only level 0 takes items unsorted; the levels above it are
// kept sorted, so a compaction sorts at most level 0 and merges its promoted
// half into the next level in linear time. With
// k = 200 the normalized rank error of Rank and Quantile is at most 1.33 %
// (single-sided) and that of the difference of two ranks (a histogram bin, a
// PMF) 1.65 %, each at 99 % confidence (DataSketches' figures for k = 200;
// kll_sketch_test checks the first on 10^6 items). Mergeable: the merge of two
// sketches is a sketch of both streams with the same error. Min and max are
// exact. A value type; not thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace gleaner::profile {

struct WeightedItem {
  double value;
  uint64_t weight;  // how many items of the stream this one stands for
};

class KllSketch {
 public:
  static constexpr int kK = 200;
  static constexpr size_t kMinWidth = 8;
  // Items kept exactly before the first compaction, and the most the sketch
  // ever retains: it compacts when it would hold more (the level capacities
  // add up to less, about 1,030 for a stream of 2^64 items).
  static constexpr size_t kExactLimit = 2048;
  static constexpr double kRankError = 0.0133;  // single-sided, 99 % confidence
  static constexpr double kDoubleSidedRankError = 0.0165;

  // `value` must be finite (callers count NaN and infinities apart).
  void Update(double value);
  void Merge(const KllSketch& other);

  uint64_t n() const { return n_; }
  bool empty() const { return n_ == 0; }
  // True while no item was compacted away: ranks and quantiles are exact.
  bool exact() const { return levels_.size() <= 1; }
  double min() const { return min_; }  // exact; meaningless when empty()
  double max() const { return max_; }

  // Every retained item with its weight, ascending by value; the weights sum to n().
  std::vector<WeightedItem> SortedItems() const;
  // The fraction of the stream ≤ x (the CDF at x); 0 when empty.
  double Rank(double x) const;
  // Rank at each of `points` (ascending): the CDF at those points.
  std::vector<double> Cdf(const std::vector<double>& points) const;
  // The smallest retained value whose rank is ≥ q (q in [0, 1]): NumPy's
  // quantile(method="inverted_cdf") when exact; min() at 0, max() at 1.
  double Quantile(double q) const;

  // {"k", "n", "min", "max", "random_state", "levels": [[level 0 values], [level 1 values], ...]}
  // (an item of level h weighs 2^h; the levels above 0 ascending; no min and
  // max when n is 0).
  nlohmann::json ToJson() const;
  // Reads what ToJson wrote (its levels in any order), refusing anything a
  // sketch could not have held: another k, more items than the sketch retains,
  // weights not summing to n, values outside [min, max] or not finite.
  // InvalidArgument naming `where`.
  static Status FromJson(const nlohmann::json& json, const std::string& where, KllSketch* out);

 private:
  size_t Capacity(size_t level) const;
  void Compress();
  void CompactLevel(size_t level);
  // Merges the ascending `items` into level h (h ≥ 1, ascending too).
  void MergeIntoLevel(size_t h, const std::vector<double>& items);

  std::vector<std::vector<double>> levels_;  // levels_[h] ascending for h ≥ 1
  size_t retained_ = 0;                      // items in all levels
  // Buffers reused by every compaction, so that one allocates nothing once warm.
  std::vector<double> promoted_, merged_;
  uint64_t n_ = 0;
  double min_ = 0, max_ = 0;
  uint64_t random_state_ = 0x9E3779B97F4A7C15ull;  // the fixed seed
};

}  // namespace gleaner::profile
