#include "ingest/drift/kolmogorov_distribution.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace gleaner::drift {
namespace {

constexpr double kPi = 3.14159265358979323846;
// SciPy rescales its intermediate products by 2^128 to stay inside a double.
constexpr double kScaleUp = 3.4028236692093846e38;     // 2^128
constexpr double kScaleDown = 2.9387358770557188e-39;  // 2^-128
constexpr int kScaleExponent = 128;
constexpr double kMinLog = -708.3964185322641;  // log(DBL_MIN)

double Clip01(double p) { return std::clamp(p, 0.0, 1.0); }

// log(n! / n^n) by Stirling's series with n log n taken out (SciPy's
// _log_nfactorial_div_n_pow_n), for the Ruben–Gambino tail at large n.
double LogFactorialOverPower(int64_t n) {
  static const double kStirling[] = {-2.955065359477124183e-2,  6.4102564102564102564e-3,
                                     -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                     -5.952380952380952381e-4,  7.9365079365079365079e-4,
                                     -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  double rn = 1.0 / static_cast<double>(n), x = rn / static_cast<double>(n), poly = 0;
  for (double c : kStirling) poly = poly * x + c;
  return std::log(static_cast<double>(n)) / 2 - static_cast<double>(n) + std::log(2 * kPi) / 2 +
         rn * poly;
}

using Matrix = std::vector<std::vector<double>>;

Matrix Multiply(const Matrix& a, const Matrix& b) {
  size_t m = a.size();
  Matrix out(m, std::vector<double>(m, 0.0));
  for (size_t i = 0; i < m; ++i) {
    for (size_t k = 0; k < m; ++k) {
      double aik = a[i][k];
      if (aik == 0) continue;
      for (size_t j = 0; j < m; ++j) out[i][j] += aik * b[k][j];
    }
  }
  return out;
}

// P(D_n <= d) by Durbin's matrix, computed as Marsaglia, Tsang and Wang do:
// the k-th diagonal entry of (n!/n^n) H^n, H of order 2k-1, k = ceil(nd).
double DurbinCdf(int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  int k = static_cast<int>(std::ceil(nd));
  double h = k - nd;
  int m = 2 * k - 1;
  std::vector<double> v(m), w(m);
  double fac = 1.0;
  for (int j = 1; j <= m; ++j) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1.0 - std::pow(h, j)) * fac;
  }
  double tt = std::pow(std::max(2 * h - 1.0, 0.0), m) - 2 * std::pow(h, m);
  v[m - 1] = (1.0 + tt) * fac;
  Matrix H(m, std::vector<double>(m, 0.0));
  for (int i = 1; i < m; ++i) {
    for (int r = i - 1; r < m; ++r) H[r][i] = w[r - (i - 1)];
  }
  for (int r = 0; r < m; ++r) H[r][0] = v[r];
  for (int c = 0; c < m; ++c) H[m - 1][c] = v[m - 1 - c];

  Matrix power(m, std::vector<double>(m, 0.0));
  for (int i = 0; i < m; ++i) power[i][i] = 1.0;
  int exponent = 0, h_exponent = 0;
  for (int64_t e = n; e > 0; e /= 2) {
    if (e % 2) {
      power = Multiply(power, H);
      exponent += h_exponent;
    }
    H = Multiply(H, H);
    h_exponent *= 2;
    if (std::fabs(H[k - 1][k - 1]) > kScaleUp) {
      for (auto& row : H) {
        for (double& x : row) x *= kScaleDown;
      }
      h_exponent += kScaleExponent;
    }
  }
  long double p = power[k - 1][k - 1];
  for (int64_t i = 1; i <= n; ++i) {
    p = static_cast<long double>(i) * p / static_cast<long double>(n);
    if (std::fabs(p) < kScaleDown) {
      p *= kScaleUp;
      exponent -= kScaleExponent;
    }
  }
  return Clip01(std::ldexp(static_cast<double>(p), exponent));
}

// P(D_n <= d) by Pelz and Good's small-d form of the Li-Chien/Korolyuk
// expansion, term for term as SciPy's _kolmogn_PelzGood.
double PelzGoodCdf(int64_t n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  double nn = static_cast<double>(n);
  double z = std::sqrt(nn) * x;
  double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  double qlog = -kPi * kPi / 8 / z2;
  if (qlog < -708) return 0.0;
  double q = std::exp(qlog);
  double pi2 = kPi * kPi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
  double k1a = -z2, k1b = pi2 / 4;
  double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
  double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
  double k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * std::pow(z, 8);
  double K[4] = {0, 0, 0, 0};
  int maxk = static_cast<int>(std::ceil(16 * z / kPi));
  for (int k = maxk; k > 0; --k) {
    double m = 2.0 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    double qpower = std::pow(q, 8.0 * k);
    double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                        k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) K[i] = K[i] * qpower + coeffs[i];
  }
  double sqrt2pi = std::sqrt(2 * kPi);
  double denominators[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) K[i] = K[i] * q * sqrt2pi / denominators[i];
  double q2 = std::exp(-pi2 / 2 / z2), sqrt3z = std::sqrt(3.0) * z;
  double k2extra = 0, k3extra = 0;
  for (int k = maxk; k > 0; --k) {
    double k2 = static_cast<double>(k) * k, kpi = kPi * k, qp = std::pow(q2, k2);
    k2extra += k2 * qp;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp;
  }
  K[2] += k2extra * pi2 * sqrt2pi / (-36 * z3);
  K[3] += k3extra * pi2 * sqrt2pi / (216 * z6);
  double sum = 0;
  for (int i = 0; i < 4; ++i) sum += K[i] / std::pow(nn, i / 2.0);
  return sum;
}

}  // namespace

double SmirnovSurvival(int64_t n, double x) {
  if (!(n > 0 && x >= 0.0 && x <= 1.0)) return NAN;
  if (n == 1) return 1 - x;
  if (x == 0.0) return 1.0;
  if (x == 1.0) return 0.0;
  double nn = static_cast<double>(n);
  double nx = nn * x;
  int64_t nxfl = static_cast<int64_t>(std::floor(nx));
  double alpha = nx - static_cast<double>(nxfl);
  if (nxfl == 0 || (nxfl == 1 && alpha == 0)) {  // x <= 1/n
    return Clip01(1 - x * std::pow(1 + x, nn - 1));
  }
  if (-2 * nn * x * x < kMinLog) return 0.0;
  if (nxfl >= n - 1) return Clip01(std::pow(1 - x, nn));  // x >= 1 - 1/n
  if (n > 1000000) {
    double logp = -std::pow(6.0 * nx + 1, 2) / 18.0 / nn;
    return Clip01(logp < -std::log(2.0) ? std::exp(logp) : 1 + std::expm1(logp));
  }
  // Birnbaum–Tingey: P(D_n+ >= x) = x Σ_{j=0}^{n-floor(nx)-1} A_j with
  // A_j = C(n,j) (1 - x - j/n)^(n-j) (x + j/n)^(j-1). All terms positive.
  int64_t terms = n - nxfl;  // j < n - nx: the last j has 1 - x - j/n > 0
  // For small x the mass lies near j = n(1 - x), a million terms on at
  // n = 10^6: the logarithms run in long double so their error stays ~1e-12.
  long double lx = x, ln = static_cast<long double>(n), log_binomial = 0, sum = 0;
  for (int64_t j = 0; j < terms; ++j) {
    long double lj = static_cast<long double>(j), shift = lx + lj / ln;
    long double term =
        std::exp(log_binomial + (ln - lj) * std::log1p(-shift) + (lj - 1) * std::log(shift));
    sum += term;
    // SciPy's stopping rule: what is left cannot move the sum.
    if (term != 0) {
      if (4 * static_cast<long double>(terms - j) * term < 2.220446049250313e-16L * sum &&
          j != terms - 1) {
        break;
      }
    } else if (j > n / 2) {
      break;
    }
    log_binomial += std::log((ln - lj) / (lj + 1));
  }
  return Clip01(static_cast<double>(lx * sum));
}

double KolmogorovSurvival(int64_t n, double x) {
  double nn = static_cast<double>(n);
  if (x <= 0.5 / nn) return 1.0;  // below kstwo's support
  if (x >= 1.0) return 0.0;
  double t = nn * x;
  if (t <= 1.0) {  // Ruben–Gambino: P(D_n <= x) = n!/n^n (2t-1)^n
    double cdf;
    if (n <= 140) {
      cdf = 1.0;
      for (int64_t i = 1; i <= n; ++i) cdf *= static_cast<double>(i) * (1.0 / nn) * (2 * t - 1);
    } else {
      cdf = std::exp(LogFactorialOverPower(n) + nn * std::log(2 * t - 1));
    }
    return Clip01(1.0 - cdf);
  }
  if (t >= nn - 1) return Clip01(2 * std::pow(1.0 - x, nn));
  if (x >= 0.5) return Clip01(2 * SmirnovSurvival(n, x));
  double nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return Clip01(1.0 - DurbinCdf(n, x));
    return Clip01(2 * SmirnovSurvival(n, x));
  }
  if (nx2 >= 370.0) return 0.0;
  if (nx2 >= 2.2) return Clip01(2 * SmirnovSurvival(n, x));
  double cdf = (n <= 100000 && nn * std::pow(x, 1.5) <= 1.4) ? DurbinCdf(n, x) : PelzGoodCdf(n, x);
  return Clip01(1.0 - cdf);
}

}  // namespace gleaner::drift
