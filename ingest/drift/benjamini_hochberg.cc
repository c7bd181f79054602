#include "ingest/drift/benjamini_hochberg.h"

#include <algorithm>
#include <numeric>

namespace gleaner::drift {

std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values) {
  size_t m = p_values.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(m);
  double running = 1.0;
  for (size_t rank = m; rank > 0; --rank) {
    size_t i = order[rank - 1];
    running = std::min(running, p_values[i] * static_cast<double>(m) / static_cast<double>(rank));
    adjusted[i] = running;
  }
  return adjusted;
}

}  // namespace gleaner::drift
