#include "ingest/profile/equal_width_histogram.h"

#include <algorithm>
#include <cstddef>

namespace gleaner::profile {

EqualWidthHistogram HistogramOf(const KllSketch& sketch, double lower, double upper, int bins) {
  if (lower == upper) bins = 1;
  const double width = (upper - lower) / bins;
  EqualWidthHistogram out;
  for (int i = 0; i < bins; ++i) out.edges.push_back(i * width + lower);
  out.edges.push_back(upper);
  out.counts.assign(static_cast<size_t>(bins), 0);
  for (const WeightedItem& item : sketch.SortedItems()) {
    const auto bin =
        std::upper_bound(out.edges.begin(), out.edges.end(), item.value) - out.edges.begin() - 1;
    out.counts[static_cast<size_t>(std::clamp<ptrdiff_t>(bin, 0, bins - 1))] += item.weight;
  }
  return out;
}

}  // namespace gleaner::profile
