#include "ingest/drift/chi_squared.h"

#include <algorithm>
#include <cmath>

#include "ingest/drift/incomplete_gamma.h"

namespace gleaner::drift {

ChiSquaredResult ChiSquaredHomogeneity(const AlignedCounts& counts) {
  ChiSquaredResult r;
  size_t k = counts.categories.size();
  if (k < 2) return r;
  r.dof = static_cast<int64_t>(k) - 1;
  r.yates = r.dof == 1;
  double rows[2] = {static_cast<double>(counts.baseline_total),
                    static_cast<double>(counts.current_total)};
  double total = rows[0] + rows[1];
  for (size_t c = 0; c < k; ++c) {
    double observed[2] = {static_cast<double>(counts.baseline[c]),
                          static_cast<double>(counts.current[c])};
    double column = observed[0] + observed[1];
    for (int row = 0; row < 2; ++row) {
      double expected = rows[row] * column / total;
      double diff = expected - observed[row];
      if (r.yates) diff -= std::copysign(std::min(0.5, std::fabs(diff)), diff);
      r.statistic += diff * diff / expected;
    }
  }
  r.p_value = ChiSquaredSurvival(r.statistic, static_cast<double>(r.dof));
  return r;
}

}  // namespace gleaner::drift
