#include "ingest/drift/wasserstein.h"

#include <cmath>

namespace gleaner::drift {

double Wasserstein1(const NumericDistribution& baseline, const NumericDistribution& current) {
  const auto& a = baseline.items;
  const auto& b = current.items;
  double na = static_cast<double>(baseline.n), nb = static_cast<double>(current.n);
  uint64_t below_a = 0, below_b = 0;
  size_t i = 0, j = 0;
  double area = 0, previous = 0;
  bool started = false;
  // Between consecutive distinct values both ECDFs are flat: add |Fa - Fb| dx.
  while (i < a.size() || j < b.size()) {
    double x =
        j == b.size() || (i < a.size() && a[i].value <= b[j].value) ? a[i].value : b[j].value;
    if (started) {
      area += std::fabs(static_cast<double>(below_a) / na - static_cast<double>(below_b) / nb) *
              (x - previous);
    }
    while (i < a.size() && a[i].value == x) below_a += a[i++].weight;
    while (j < b.size() && b[j].value == x) below_b += b[j++].weight;
    previous = x;
    started = true;
  }
  return area;
}

}  // namespace gleaner::drift
