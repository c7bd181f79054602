// The Jensen–Shannon distance, base 2 (so it lies in [0, 1]), between two
// histograms over the same bins or categories, as
// scipy.spatial.distance.jensenshannon(p, q, base=2): each normalised to sum
// 1, sqrt((KL(p||m) + KL(q||m)) / 2) with m = (p + q) / 2. It is the square
// root of the JS divergence TFDV reports. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace gleaner::drift {

// Non-negative weights of equal length, each summing to more than 0.
double JensenShannonDistance(const std::vector<double>& p, const std::vector<double>& q);
double JensenShannonDistance(const std::vector<uint64_t>& p, const std::vector<uint64_t>& q);

}  // namespace gleaner::drift
