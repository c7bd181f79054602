// Moments: count, min, max, mean and standard deviation of a stream of
// numbers in one pass (Welford's update) that merge exactly in any order up to
// rounding (Chan, Golub and LeVeque's pairwise combination), so per-shard
// summaries combine into the whole's. A value type; not thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace gleaner::profile {

class Moments {
 public:
  void Add(double x);
  void Merge(const Moments& other);

  int64_t count() const { return count_; }
  double min() const { return min_; }  // meaningless when count() is 0
  double max() const { return max_; }
  double mean() const { return mean_; }
  // The sample standard deviation (divisor n − 1, as pandas' std); 0 below two values.
  double sd() const;

  // {"count", "mean", "m2", "min", "max"}: m2 is the sum of squared deviations from the mean.
  nlohmann::json ToJson() const;
  static Status FromJson(const nlohmann::json& json, const std::string& where, Moments* out);

 private:
  int64_t count_ = 0;
  double mean_ = 0, m2_ = 0, min_ = 0, max_ = 0;
};

}  // namespace gleaner::profile
