#include "ingest/drift/quantile_bins.h"

#include <cstdint>

namespace gleaner::drift {

std::vector<double> DecileEdges(const NumericDistribution& baseline) {
  std::vector<double> edges;
  uint64_t cumulative = 0;
  size_t item = 0;
  for (int k = 1; k < kQuantileBins; ++k) {
    // Smallest value whose ECDF reaches k/10: cumulative >= ceil(k n / 10),
    // in integers (n = 10q + r) so a decile falling on an item is not missed.
    uint64_t q = baseline.n / kQuantileBins, r = baseline.n % kQuantileBins;
    uint64_t need = q * static_cast<uint64_t>(k) +
                    (r * static_cast<uint64_t>(k) + kQuantileBins - 1) / kQuantileBins;
    while (cumulative < need) cumulative += baseline.items[item++].weight;
    double edge = baseline.items[item - 1].value;
    if (edges.empty() || edges.back() != edge) edges.push_back(edge);
  }
  return edges;
}

std::vector<double> BinShares(const NumericDistribution& d, const std::vector<double>& edges) {
  std::vector<double> shares(edges.size() + 1, 0.0);
  size_t bin = 0;
  for (const WeightedValue& item : d.items) {
    while (bin < edges.size() && item.value > edges[bin]) ++bin;
    shares[bin] += static_cast<double>(item.weight);
  }
  for (double& s : shares) s /= static_cast<double>(d.n);
  return shares;
}

}  // namespace gleaner::drift
