#include "ingest/drift/linf_distance.h"

#include <algorithm>
#include <cmath>

namespace gleaner::drift {

double NoiseFloorC(double alpha) { return std::sqrt(-std::log(alpha / 2) / 2); }

LInfinityResult LInfinity(const AlignedCounts& counts, double c) {
  LInfinityResult r;
  double n = static_cast<double>(counts.baseline_total);
  double m = static_cast<double>(counts.current_total);
  for (size_t i = 0; i < counts.categories.size(); ++i) {
    double change = std::fabs(static_cast<double>(counts.baseline[i]) / n -
                              static_cast<double>(counts.current[i]) / m);
    if (change > r.distance) {
      r.distance = change;
      r.category = counts.categories[i];
    }
  }
  r.noise_floor = c * std::sqrt((n + m) / (n * m));
  r.excess = std::max(0.0, r.distance - r.noise_floor);
  return r;
}

}  // namespace gleaner::drift
