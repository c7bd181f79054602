// The Wasserstein-1 (earth mover's) distance between two weighted samples:
// the area between their weighted ECDFs, = scipy.stats.wasserstein_distance
// with the weights as u_weights / v_weights. In the samples' unit; divide by
// the baseline's standard deviation for a unit-free effect size. Pure; thread-safe.
#pragma once

#include "ingest/drift/distribution.h"

namespace gleaner::drift {

// Both distributions valid (ValidateNumeric).
double Wasserstein1(const NumericDistribution& baseline, const NumericDistribution& current);

}  // namespace gleaner::drift
