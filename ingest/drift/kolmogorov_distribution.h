// The null distributions of the one-sample Kolmogorov–Smirnov statistics, as
// SciPy 1.10 evaluates them: the two-sided D_n (scipy.stats.kstwo, Simard and
// L'Ecuyer's choice of algorithm) and the one-sided D_n+ (scipy.special.smirnov).
// The two-sample test's asymptotic path evaluates kstwo at n = round(nm/(n+m)).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>

namespace gleaner::drift {

// P(D_n >= d) for the two-sided statistic = scipy.stats.kstwo.sf(d, n), n >= 1.
// Where SciPy uses Pomeranz's recursion (n <= 140, 0.754693 < n d^2 <= 4) this
// evaluates Durbin's matrix instead: both are exact, they agree to ~1e-13.
double KolmogorovSurvival(int64_t n, double d);

// P(D_n+ >= d) = scipy.special.smirnov(n, d): the Birnbaum–Tingey sum, its
// terms in long double logarithms rather than SciPy's double-double (relative
// error < 1e-10 at n = 10^6); up to ~n terms, 0.1 s at n = 5·10^5 (SciPy: 1 s).
// Above n = 10^6 the same e^(-(6nd+1)^2/18n) approximation SciPy uses.
double SmirnovSurvival(int64_t n, double d);

}  // namespace gleaner::drift
