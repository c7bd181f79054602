#include "ingest/drift/psi.h"

#include <cmath>

namespace gleaner::drift {

double PopulationStabilityIndex(const std::vector<double>& baseline_shares,
                                const std::vector<double>& current_shares, double empty_share) {
  double psi = 0;
  for (size_t i = 0; i < baseline_shares.size(); ++i) {
    double b = baseline_shares[i] == 0 ? empty_share : baseline_shares[i];
    double c = current_shares[i] == 0 ? empty_share : current_shares[i];
    psi += (c - b) * std::log(c / b);
  }
  return psi;
}

}  // namespace gleaner::drift
