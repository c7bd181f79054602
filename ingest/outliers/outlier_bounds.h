// Outlier statistics of one numeric column (or one group of it), exact, over
// the values that survived coerce, validate and dedup. Nulls and NaNs are not
// passed in: a null is never an outlier. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "ingest/rules/rules_config.h"

namespace gleaner::outliers {

// The statistics a rule's decision is made from, also written to the manifest.
struct Bounds {
  rules::OutlierMethod method = rules::OutlierMethod::kIqr;
  int64_t count = 0;  // values the statistics were computed over
  // Values outside [lo, hi] are outliers (or clipped to them). With no values,
  // or when every value is equal, nothing is an outlier.
  double lo = 0, hi = 0;
  // Method-specific: zscore → mean, sd (population, ddof 0); mad → median, mad
  // (and mean_abs_dev when mad is 0); iqr → q1, q3; percentile → the quantiles.
  double mean = 0, sd = 0, median = 0, mad = 0, mean_abs_dev = 0, q1 = 0, q3 = 0;
  // True when mad is 0 and the mean absolute deviation stood in for it:
  // modified z = (x - median) / (1.253314 * mean_abs_dev), as IBM SPSS does.
  bool mad_fallback = false;

  // The decision by the method's own formula (|x-mean|/sd > k, 0.6745|x-med|/MAD
  // > threshold, x outside the fences), so ties at the boundary are exact.
  bool IsOutlier(double x) const;
  // x clamped to [lo, hi].
  double Clip(double x) const;

 private:
  friend Bounds ComputeBounds(const rules::OutlierRule& rule, std::vector<double>* values);
  double k = 0;  // the rule's k / threshold, for IsOutlier
};

// Quantile by linear interpolation between closest ranks (numpy's default,
// "linear" / type 7) of ascending-sorted values; q in [0, 1]; values non-empty.
double Quantile(const std::vector<double>& sorted, double q);

// Computes the bounds of `rule` over *values (reordered: sorted ascending).
Bounds ComputeBounds(const rules::OutlierRule& rule, std::vector<double>* values);

}  // namespace gleaner::outliers
