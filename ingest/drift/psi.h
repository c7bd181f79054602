// The Population Stability Index over shared bins:
// PSI = Σ (c_i - b_i) ln(c_i / b_i), b and c the baseline's and current's
// shares per bin, natural log, an empty bin's share replaced by `empty_share`
// (as Evidently does, 1e-4 by default) so the sum stays finite. Pure; thread-safe.
#pragma once

#include <vector>

namespace gleaner::drift {

constexpr double kPsiEmptyShare = 1e-4;

// Shares of equal length (quantile_bins.h: BinShares of both distributions).
double PopulationStabilityIndex(const std::vector<double>& baseline_shares,
                                const std::vector<double>& current_shares,
                                double empty_share = kPsiEmptyShare);

}  // namespace gleaner::drift
