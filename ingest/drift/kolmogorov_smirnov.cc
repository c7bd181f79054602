#include "ingest/drift/kolmogorov_smirnov.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "ingest/drift/kolmogorov_distribution.h"

namespace gleaner::drift {
namespace {

constexpr uint64_t kMaxExactN = 10000;  // SciPy's MAX_AUTO_N

// sup over x of |F_a(x) - F_b(x)|, evaluated after each distinct value.
double Statistic(const NumericDistribution& a, const NumericDistribution& b) {
  double d = 0;
  WalkEcdfs(a, b, [&](double, double fa, double fb) { d = std::max(d, std::fabs(fa - fb)); });
  return d;
}

// P(D_{n,n} >= h/n) = 2 Σ_k (-1)^(k+1) C(2n, n-kh) / C(2n, n), in SciPy's
// Horner-like form (_compute_prob_outside_square).
double ProbOutsideSquare(int64_t n, int64_t h) {
  double p = 0.0;
  for (int64_t k = n / h; k >= 0; --k) {
    double p1 = 1.0;
    for (int64_t j = 0; j < h; ++j) {
      p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
    }
    p = p1 * (1.0 - p);
  }
  return 2 * p;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t CeilDiv(int64_t a, int64_t b) { return -FloorDiv(-a, b); }

// The share of lattice paths from (0,0) to (m,n) that leave the band
// |x/m - y/n| < h/lcm(m,n), by SciPy's _compute_outer_prob_inside_method.
double ProbOutsideBand(int64_t m, int64_t n, int64_t g, int64_t h) {
  if (m < n) std::swap(m, n);
  int64_t mg = m / g, ng = n / g;
  int64_t minj = 0, maxj = std::min(CeilDiv(h, mg), n + 1);
  int64_t curlen = maxj - minj;
  int64_t len = std::min(2 * maxj + 2, n + 1);
  std::vector<double> A(static_cast<size_t>(len), 1.0);
  for (int64_t j = minj; j < maxj; ++j) A[static_cast<size_t>(j)] = 0.0;
  for (int64_t i = 1; i <= m; ++i) {
    int64_t lastminj = minj, lastlen = curlen;
    minj = std::min(std::max(FloorDiv(ng * i - h, mg) + 1, int64_t{0}), n);
    maxj = std::min(CeilDiv(ng * i + h, mg), n + 1);
    if (maxj <= minj) return 1.0;
    double val = minj == 0 ? 0.0 : 1.0;
    for (int64_t jj = 0; jj < maxj - minj; ++jj) {
      int64_t j = jj + minj;
      val = (A[static_cast<size_t>(jj + minj - lastminj)] * static_cast<double>(i) +
             val * static_cast<double>(j)) /
            static_cast<double>(i + j);
      A[static_cast<size_t>(jj)] = val;
    }
    curlen = maxj - minj;
    for (int64_t r = curlen; r < std::min(lastlen, len); ++r) {  // numpy clips the slice
      A[static_cast<size_t>(r)] = 1.0;
    }
  }
  return A[static_cast<size_t>(maxj - minj - 1)];
}

}  // namespace

const char* KsMethodName(KsMethod method) { return method == KsMethod::kExact ? "exact" : "asymp"; }

KsResult KolmogorovSmirnov(const NumericDistribution& baseline,
                           const NumericDistribution& current) {
  KsResult r;
  r.statistic = Statistic(baseline, current);
  uint64_t n1 = baseline.n, n2 = current.n;
  if (std::max(n1, n2) <= kMaxExactN) {
    auto a = static_cast<int64_t>(n1), b = static_cast<int64_t>(n2);
    int64_t g = std::gcd(a, b);
    int64_t lcm = (a / g) * b;
    // D is a multiple of 1/lcm; rounding removes the ECDFs' float error.
    auto h = static_cast<int64_t>(std::nearbyint(r.statistic * static_cast<double>(lcm)));
    r.statistic = static_cast<double>(h) / static_cast<double>(lcm);
    double p = h == 0 ? 1.0 : a == b ? ProbOutsideSquare(a, h) : ProbOutsideBand(a, b, g, h);
    if (std::isfinite(p) && p >= 0 && p <= 1) {
      r.p_value = p;
      r.method = KsMethod::kExact;
      return r;
    }
  }
  double m = static_cast<double>(std::max(n1, n2)), n = static_cast<double>(std::min(n1, n2));
  double en = m * n / (m + n);
  r.method = KsMethod::kAsymptotic;
  r.p_value = std::clamp(KolmogorovSurvival(static_cast<int64_t>(std::nearbyint(en)), r.statistic),
                         0.0, 1.0);
  return r;
}

}  // namespace gleaner::drift
