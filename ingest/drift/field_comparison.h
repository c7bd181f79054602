// Every drift score of one field between a baseline and a current dataset,
// computed from plain inputs (a numeric field's weighted sample, a categorical
// field's counts, a field's null counts): all raw scores are kept, with the
// test, bins and sizes used, whatever the verdict (field_verdict.h) makes of
// them. Pure functions; thread-safe; the results own their data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/drift/chi_squared.h"
#include "ingest/drift/distribution.h"
#include "ingest/drift/kolmogorov_smirnov.h"
#include "ingest/drift/linf_distance.h"

namespace gleaner::drift {

struct NumericDrift {
  uint64_t baseline_n = 0, current_n = 0;
  KsResult ks;
  double wasserstein = 0;  // in the field's unit
  double baseline_sd = 0;  // population sd of the baseline
  // wasserstein / baseline_sd; 0 when both are 0, +inf when only the sd is.
  double normalized_wasserstein = 0;
  // The baseline's decile edges (quantile_bins.h) and each side's share per bin.
  std::vector<double> bin_edges;
  std::vector<double> baseline_shares, current_shares;
  double psi = 0;             // empty bins at kPsiEmptyShare
  double jensen_shannon = 0;  // distance, base 2, over the same bins
};

struct CategoricalDrift {
  AlignedCounts counts;  // the union of categories, as compared
  ChiSquaredResult chi_squared;
  double jensen_shannon = 0;  // distance, base 2, over the union of categories
  LInfinityResult linf;
  // Categories with rows on one side only (baseline-only: vanished).
  std::vector<std::string> appeared, vanished;
  // For the most telling of them: the chance that a category's k rows all
  // fall on its side when rows are exchangeable, (side's n / (n + m))^k,
  // times the number of such categories (Bonferroni); 1 when there is none.
  double appearance_p_value = 1;
};

struct NullRateChange {
  uint64_t baseline_rows = 0, baseline_nulls = 0, current_rows = 0, current_nulls = 0;
  double baseline_rate = 0, current_rate = 0;
  double change = 0;             // |current_rate - baseline_rate|
  ChiSquaredResult chi_squared;  // on the 2 x 2 table null / present
};

// InvalidArgument when either input breaks ValidateNumeric / ValidateCategorical.
Status CompareNumeric(const NumericDistribution& baseline, const NumericDistribution& current,
                      NumericDrift* out);
Status CompareCategorical(const CategoricalDistribution& baseline,
                          const CategoricalDistribution& current, CategoricalDrift* out);
// Rows include the nulls; InvalidArgument when a side has no rows or more
// nulls than rows.
Status CompareNullRates(uint64_t baseline_nulls, uint64_t baseline_rows, uint64_t current_nulls,
                        uint64_t current_rows, NullRateChange* out);

}  // namespace gleaner::drift
