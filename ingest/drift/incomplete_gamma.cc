#include "ingest/drift/incomplete_gamma.h"

#include <cmath>
#include <limits>

namespace gleaner::drift {
namespace {

constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
constexpr int kMaxIterations = 100000;

// log(1 + t) - t without the cancellation of the two for small t.
double Log1pMinusT(double t) {
  if (std::fabs(t) >= 0.1) return std::log1p(t) - t;
  double power = t, sum = 0;  // Σ_{k>=2} (-1)^(k+1) t^k / k
  for (int k = 2; k < 40; ++k) {
    power *= -t;
    double term = power / k;
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEpsilon) break;
  }
  return sum;
}

// log(x^a e^-x / Γ(a)), the factor both expansions share. For large a its
// three terms are each ~a log a and cancel, so it is taken as
// a (log1p(t) - t) + log(a / 2π) / 2 - (Stirling's correction), t = (x-a)/a,
// which keeps ~1e-15 where the plain form loses 1e-12 at a = 2500.
double LogPrefactor(double a, double x) {
  if (a < 10) return a * std::log(x) - x - std::lgamma(a);
  // lgamma(a) = (a - 1/2) log a - a + log(2π)/2 + 1/(12a) - 1/(360a^3) + ...
  double r = 1 / a, r2 = r * r;
  double correction =
      r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
  constexpr double kTwoPi = 6.283185307179586;
  return a * Log1pMinusT((x - a) / a) + 0.5 * std::log(a / kTwoPi) - correction;
}

// P(a, x) = x^a e^-x / Γ(a+1) Σ x^k / ((a+1)...(a+k)); converges for all x,
// fast for x < a + 1, where P is not close to 1 and 1 - P loses little.
double LowerSeries(double a, double x) {
  double term = 1.0 / a, sum = term;
  for (int k = 1; k < kMaxIterations; ++k) {
    term *= x / (a + k);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEpsilon) break;
  }
  return sum * std::exp(LogPrefactor(a, x));
}

// Q(a, x) by the continued fraction 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))),
// evaluated by the modified Lentz method; for x >= a + 1.
double UpperContinuedFraction(double a, double x) {
  constexpr double kTiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / kTiny, d = 1.0 / b, h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) break;
  }
  return std::exp(LogPrefactor(a, x)) * h;
}

}  // namespace

double RegularizedUpperGamma(double a, double x) {
  if (x <= 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  if (x < a + 1.0) return 1.0 - LowerSeries(a, x);
  return UpperContinuedFraction(a, x);
}

double ChiSquaredSurvival(double x, double dof) {
  if (x <= 0) return 1.0;
  return RegularizedUpperGamma(dof / 2, x / 2);
}

}  // namespace gleaner::drift
