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

// Walks the distinct values of `a` and `b` in ascending order and calls
// step(x, cdf_a, cdf_b) with both weighted ECDFs just after x (the two-sample
// statistics are functionals of this staircase).
template <typename Step>
void WalkEcdfs(const NumericDistribution& a, const NumericDistribution& b, Step step) {
  double na = static_cast<double>(a.n), nb = static_cast<double>(b.n);
  uint64_t below_a = 0, below_b = 0;
  size_t i = 0, j = 0;
  while (i < a.items.size() || j < b.items.size()) {
    double x = j == b.items.size() || (i < a.items.size() && a.items[i].value <= b.items[j].value)
                   ? a.items[i].value
                   : b.items[j].value;
    while (i < a.items.size() && a.items[i].value == x) below_a += a.items[i++].weight;
    while (j < b.items.size() && b.items[j].value == x) below_b += b.items[j++].weight;
    step(x, static_cast<double>(below_a) / na, static_cast<double>(below_b) / nb);
  }
}

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
