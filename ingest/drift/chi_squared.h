// The chi-squared test of homogeneity of two categorical distributions: the
// 2 x k contingency table of their counts per category, as
// scipy.stats.chi2_contingency(table) (correction=True): expected counts from
// the margins, dof = k - 1, and when dof is 1 Yates' correction moves each
// observed count half a row towards its expected one (never past it); the
// p-value is the chi-squared survival function. Pure; thread-safe.
#pragma once

#include "ingest/drift/distribution.h"

namespace gleaner::drift {

struct ChiSquaredResult {
  double statistic = 0;
  double p_value = 1;
  int64_t dof = 0;     // categories with a row, minus 1; 0 → statistic 0, p 1
  bool yates = false;  // the correction was applied (dof == 1)
};

// Counts aligned over the union of categories (distribution.h: Align), both
// totals > 0.
ChiSquaredResult ChiSquaredHomogeneity(const AlignedCounts& counts);

}  // namespace gleaner::drift
