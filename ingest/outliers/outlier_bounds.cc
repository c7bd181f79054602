#include "ingest/outliers/outlier_bounds.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace gleaner::outliers {

namespace {

using rules::OutlierMethod;

// 0.6745 is the 0.75 quantile of the standard normal: it makes MAD estimate
// the sd. 1.253314 = sqrt(pi/2) does the same for the mean absolute deviation.
constexpr double kMadScale = 0.6745;
constexpr double kMeanAdScale = 1.253314;

// Sums in long double: the values are already sorted ascending, so the small
// ones are added first and the 64-bit mantissa keeps the rest of the error far
// below what a double result can show.
long double Mean(const std::vector<double>& values) {
  long double sum = 0;
  for (double x : values) sum += x;
  return sum / static_cast<long double>(values.size());
}

void ComputeZScore(const std::vector<double>& sorted, Bounds* b, double k) {
  const long double mean = Mean(sorted);
  long double squares = 0;  // second pass around the mean: no cancellation
  for (double x : sorted) squares += (x - mean) * (x - mean);
  b->mean = static_cast<double>(mean);
  b->sd = static_cast<double>(std::sqrt(squares / static_cast<long double>(sorted.size())));
  b->lo = b->mean - k * b->sd;
  b->hi = b->mean + k * b->sd;
}

void ComputeMad(const std::vector<double>& sorted, Bounds* b, double threshold) {
  b->median = Quantile(sorted, 0.5);
  std::vector<double> deviations;
  deviations.reserve(sorted.size());
  for (double x : sorted) deviations.push_back(std::fabs(x - b->median));
  std::sort(deviations.begin(), deviations.end());
  b->mad = Quantile(deviations, 0.5);
  double half_width = threshold * b->mad / kMadScale;
  if (b->mad == 0) {
    b->mean_abs_dev = static_cast<double>(Mean(deviations));
    b->mad_fallback = b->mean_abs_dev > 0;
    half_width = threshold * kMeanAdScale * b->mean_abs_dev;
  }
  b->lo = b->median - half_width;
  b->hi = b->median + half_width;
}

}  // namespace

double Quantile(const std::vector<double>& sorted, double q) {
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const size_t below = std::min(static_cast<size_t>(h), sorted.size() - 1);
  const double t = h - static_cast<double>(below);
  const double a = sorted[below];
  if (t == 0 || below + 1 == sorted.size() || a == sorted[below + 1]) return a;
  const double b = sorted[below + 1];
  // numpy's _lerp: interpolate from the nearer end, so t = 1 gives b exactly.
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

bool Bounds::IsOutlier(double x) const {
  if (count == 0) return false;
  switch (method) {
    case OutlierMethod::kZScore:
      return sd > 0 && std::fabs(x - mean) / sd > k;
    case OutlierMethod::kMad:
      if (mad > 0) return kMadScale * std::fabs(x - median) / mad > k;
      if (mad_fallback) return std::fabs(x - median) / (kMeanAdScale * mean_abs_dev) > k;
      return false;
    case OutlierMethod::kIqr:
    case OutlierMethod::kPercentile:
      return x < lo || x > hi;
  }
  return false;
}

double Bounds::Clip(double x) const { return std::min(std::max(x, lo), hi); }

Bounds ComputeBounds(const rules::OutlierRule& rule, std::vector<double>* values) {
  Bounds b;
  b.method = rule.method;
  b.k = rule.method == OutlierMethod::kMad ? rule.threshold : rule.k;
  b.count = static_cast<int64_t>(values->size());
  if (values->empty()) return b;
  std::sort(values->begin(), values->end());
  switch (rule.method) {
    case OutlierMethod::kZScore:
      ComputeZScore(*values, &b, rule.k);
      break;
    case OutlierMethod::kMad:
      ComputeMad(*values, &b, rule.threshold);
      break;
    case OutlierMethod::kIqr: {
      b.q1 = Quantile(*values, 0.25);
      b.q3 = Quantile(*values, 0.75);
      const double iqr = b.q3 - b.q1;
      b.lo = b.q1 - rule.k * iqr;
      b.hi = b.q3 + rule.k * iqr;
      break;
    }
    case OutlierMethod::kPercentile:
      b.lo = Quantile(*values, rule.p_lo);
      b.hi = Quantile(*values, rule.p_hi);
      break;
  }
  return b;
}

}  // namespace gleaner::outliers
