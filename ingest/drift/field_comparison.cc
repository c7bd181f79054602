#include "ingest/drift/field_comparison.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ingest/drift/jensen_shannon.h"
#include "ingest/drift/psi.h"
#include "ingest/drift/quantile_bins.h"
#include "ingest/drift/wasserstein.h"

namespace gleaner::drift {

Status CompareNumeric(const NumericDistribution& baseline, const NumericDistribution& current,
                      NumericDrift* out) {
  Status s = ValidateNumeric(baseline, "baseline");
  if (s.ok()) s = ValidateNumeric(current, "current");
  if (!s.ok()) return s;
  NumericDrift r;
  r.baseline_n = baseline.n;
  r.current_n = current.n;
  r.ks = KolmogorovSmirnov(baseline, current);
  r.wasserstein = Wasserstein1(baseline, current);
  r.baseline_sd = StandardDeviation(baseline);
  if (r.baseline_sd > 0) {
    r.normalized_wasserstein = r.wasserstein / r.baseline_sd;
  } else {
    r.normalized_wasserstein = r.wasserstein == 0 ? 0 : std::numeric_limits<double>::infinity();
  }
  r.bin_edges = DecileEdges(baseline);
  r.baseline_shares = BinShares(baseline, r.bin_edges);
  r.current_shares = BinShares(current, r.bin_edges);
  r.psi = PopulationStabilityIndex(r.baseline_shares, r.current_shares);
  r.jensen_shannon = JensenShannonDistance(r.baseline_shares, r.current_shares);
  *out = std::move(r);
  return Status::OK();
}

Status CompareCategorical(const CategoricalDistribution& baseline,
                          const CategoricalDistribution& current, CategoricalDrift* out) {
  Status s = ValidateCategorical(baseline, "baseline");
  if (s.ok()) s = ValidateCategorical(current, "current");
  if (!s.ok()) return s;
  CategoricalDrift r;
  r.counts = Align(baseline, current);
  r.chi_squared = ChiSquaredHomogeneity(r.counts);
  r.jensen_shannon = JensenShannonDistance(r.counts.baseline, r.counts.current);
  r.linf = LInfinity(r.counts);
  double n = static_cast<double>(r.counts.baseline_total);
  double m = static_cast<double>(r.counts.current_total);
  double smallest = 1;
  for (size_t i = 0; i < r.counts.categories.size(); ++i) {
    uint64_t b = r.counts.baseline[i], c = r.counts.current[i];
    if (b != 0 && c != 0) continue;
    (b == 0 ? r.appeared : r.vanished).push_back(r.counts.categories[i]);
    double side = b == 0 ? m : n;
    smallest = std::min(smallest, std::pow(side / (n + m), static_cast<double>(b + c)));
  }
  size_t one_sided = r.appeared.size() + r.vanished.size();
  r.appearance_p_value =
      std::min(1.0, smallest * static_cast<double>(std::max<size_t>(one_sided, 1)));
  *out = std::move(r);
  return Status::OK();
}

Status CompareNullRates(uint64_t baseline_nulls, uint64_t baseline_rows, uint64_t current_nulls,
                        uint64_t current_rows, NullRateChange* out) {
  if (baseline_rows == 0 || current_rows == 0) {
    return Status::InvalidArgument(std::string(baseline_rows == 0 ? "baseline" : "current") +
                                   ": no rows to take a null rate of");
  }
  if (baseline_nulls > baseline_rows || current_nulls > current_rows) {
    return Status::InvalidArgument(
        std::string(baseline_nulls > baseline_rows ? "baseline" : "current") +
        ": more nulls than rows");
  }
  NullRateChange r;
  r.baseline_rows = baseline_rows;
  r.baseline_nulls = baseline_nulls;
  r.current_rows = current_rows;
  r.current_nulls = current_nulls;
  r.baseline_rate = static_cast<double>(baseline_nulls) / static_cast<double>(baseline_rows);
  r.current_rate = static_cast<double>(current_nulls) / static_cast<double>(current_rows);
  r.change = std::fabs(r.current_rate - r.baseline_rate);
  r.chi_squared = ChiSquaredHomogeneity(
      Align({{"null", baseline_nulls}, {"present", baseline_rows - baseline_nulls}},
            {{"null", current_nulls}, {"present", current_rows - current_nulls}}));
  *out = std::move(r);
  return Status::OK();
}

}  // namespace gleaner::drift
