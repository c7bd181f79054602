// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a),
// to ~1e-12 relative accuracy (series below x = a + 1, Lentz's continued
// fraction above), and the chi-squared survival function built on it. Pure
// functions; thread-safe.
#pragma once

namespace gleaner::drift {

// a > 0, x >= 0.
double RegularizedUpperGamma(double a, double x);

// P(X >= x) for X ~ chi-squared with `dof` > 0 degrees of freedom
// (= scipy.stats.chi2.sf) = Q(dof/2, x/2); 1 for x <= 0.
double ChiSquaredSurvival(double x, double dof);

}  // namespace gleaner::drift
