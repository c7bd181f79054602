// The two kinds of input every drift statistic takes: a numeric distribution
// as sorted weighted items (what a KLL sketch hands over; all weights 1 is the
// exact sample) and a categorical one as counts per category. Plain values the
// caller owns; the functions here are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace gleaner::drift {

// One item of a weighted sample: `weight` rows stand for `value`.
struct WeightedValue {
  double value = 0;
  uint64_t weight = 0;
};

// Items ascending by value, each weight > 0, values finite; n is the sum of
// the weights (the rows the distribution stands for). Equal values may repeat.
struct NumericDistribution {
  std::vector<WeightedValue> items;
  uint64_t n = 0;
};

// Rows per category (non-null values only); a category may be listed with 0.
using CategoricalDistribution = std::map<std::string, uint64_t>;

// OK when `d` holds the invariants above and n > 0; otherwise InvalidArgument
// naming `what` (e.g. "baseline") and the first offending item.
Status ValidateNumeric(const NumericDistribution& d, const char* what);
// OK when the counts sum to more than 0 without overflow.
Status ValidateCategorical(const CategoricalDistribution& d, const char* what);

// Weighted mean and population standard deviation (ddof 0, numpy's default).
double Mean(const NumericDistribution& d);
double StandardDeviation(const NumericDistribution& d);

// Two categorical distributions over the union of their categories, in name
// order, with the categories neither has a row of left out.
struct AlignedCounts {
  std::vector<std::string> categories;
  std::vector<uint64_t> baseline, current;
  uint64_t baseline_total = 0, current_total = 0;
};
AlignedCounts Align(const CategoricalDistribution& baseline,
                    const CategoricalDistribution& current);

}  // namespace gleaner::drift
