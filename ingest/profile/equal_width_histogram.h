// A histogram of a KLL sketch's numbers over equal-width bins between two
// edges: what a profile shows per numeric column (between its min and max)
// and what a drift report overlays (the same bins for both versions, between
// the smaller min and the larger max). Counted from the sketch's retained
// items with their weights, so exact while the sketch is, and within its
// double-sided rank error otherwise. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "ingest/profile/kll_sketch.h"

namespace gleaner::profile {

struct EqualWidthHistogram {
  std::vector<double> edges;     // bins + 1, ascending; bin i is [edges[i], edges[i + 1])
  std::vector<uint64_t> counts;  // the last bin also holds edges.back()
};

// `bins` bins over [lower, upper] (one when lower == upper); items outside
// the range count in the nearest end bin. Requires lower <= upper, bins >= 1.
EqualWidthHistogram HistogramOf(const KllSketch& sketch, double lower, double upper, int bins);

}  // namespace gleaner::profile
