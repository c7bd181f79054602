#include "ingest/drift/wasserstein.h"

#include <cmath>

namespace gleaner::drift {

double Wasserstein1(const NumericDistribution& baseline, const NumericDistribution& current) {
  // Between consecutive distinct values both ECDFs are flat: add |Fa - Fb| dx.
  double area = 0, previous = 0, previous_gap = 0;
  WalkEcdfs(baseline, current, [&](double x, double fa, double fb) {
    area += previous_gap * (x - previous);
    previous = x;
    previous_gap = std::fabs(fa - fb);
  });
  return area;
}

}  // namespace gleaner::drift
