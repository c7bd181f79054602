// The bins PSI and the numeric Jensen–Shannon distance share: cut at the
// baseline's deciles, so each holds ~10 % of the baseline. A quantile is the
// inverse weighted ECDF (numpy's method='inverted_cdf': the smallest value
// whose ECDF reaches q); bins are right-closed, (-inf, e1], (e1, e2], ...,
// (e9, +inf); equal edges (ties in the baseline) merge, so there may be fewer
// than 10 bins. Pure functions; thread-safe.
#pragma once

#include <vector>

#include "ingest/drift/distribution.h"

namespace gleaner::drift {

constexpr int kQuantileBins = 10;

// The distinct inner edges: the baseline's quantiles at 0.1, 0.2, ..., 0.9.
std::vector<double> DecileEdges(const NumericDistribution& baseline);

// Rows of `d` per bin (edges.size() + 1 bins), as shares of d.n.
std::vector<double> BinShares(const NumericDistribution& d, const std::vector<double>& edges);

}  // namespace gleaner::drift
