// The two-sample Kolmogorov–Smirnov test over two weighted samples, two-sided,
// as scipy.stats.ks_2samp(method='auto') of SciPy 1.10. Sample sizes are the
// distributions' n (total weights), so a sketch stands for the rows it
// summarises. Pure function; thread-safe.
#pragma once

#include "ingest/drift/distribution.h"

namespace gleaner::drift {

enum class KsMethod {
  // Both n <= 10,000: the exact null distribution, counting lattice paths
  // (Hodges' inside method with Viehmann's recursion for 1 - p; n == m: the
  // alternating binomial sum). Meaningful only for exact samples.
  kExact,
  // Otherwise, or when the exact count fails: P = kstwo.sf(D, round(nm/(n+m))).
  kAsymptotic,
};
const char* KsMethodName(KsMethod method);  // "exact" | "asymp", SciPy's words

struct KsResult {
  double statistic = 0;  // D = sup |F_baseline - F_current|, weighted ECDFs
  double p_value = 1;
  KsMethod method = KsMethod::kExact;
};

// Both distributions valid (ValidateNumeric).
KsResult KolmogorovSmirnov(const NumericDistribution& baseline, const NumericDistribution& current);

}  // namespace gleaner::drift
