// Each drift statistic against SciPy 1.10 and NumPy (scipy_oracle.py run by
// Debian's /usr/bin/python3) on the same data, generated here from fixed seeds.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "ingest/drift/benjamini_hochberg.h"
#include "ingest/drift/field_comparison.h"
#include "ingest/drift/incomplete_gamma.h"
#include "ingest/drift/kolmogorov_distribution.h"
#include "tests/support/python_oracle.h"

namespace gleaner::drift {
namespace {

using nlohmann::json;

// The oracle's results for `cases`, keyed by case id.
json RunOracle(const json& cases) {
  return testing::RunPythonOracle(std::string(GLEANER_SOURCE_DIR) + "/ingest/drift/scipy_oracle.py",
                                  json{{"cases", cases}});
}

// |actual - expected| within `relative` of expected (or 1e-300 absolute, for 0).
bool Near(double actual, double expected, double relative) {
  return std::fabs(actual - expected) <= std::max(relative * std::fabs(expected), 1e-300);
}

// ours(a, b) at each point (a, b) of `points` against SciPy's `want`.
template <typename Function>
void CheckPoints(const char* name, const json& points, const json& want, double relative,
                 Function ours) {
  for (size_t i = 0; i < points.size(); ++i) {
    double a = points[i][0], b = points[i][1], expected = want[i], got = ours(a, b);
    INFO(name << " (" << a << ", " << b << "): scipy " << expected << ", ours " << got);
    CHECK(Near(got, expected, relative));
  }
}

// A sample of `count` items drawn by `draw`, ascending, each weighing 1..max_weight.
template <typename Draw>
NumericDistribution Sample(std::mt19937_64& rng, int count, uint64_t max_weight, Draw draw) {
  std::vector<double> values(count);
  for (double& v : values) v = draw(rng);
  std::sort(values.begin(), values.end());
  std::uniform_int_distribution<uint64_t> weight(1, max_weight);
  NumericDistribution d;
  for (double v : values) {
    uint64_t w = max_weight == 1 ? 1 : weight(rng);
    d.items.push_back({v, w});
    d.n += w;
  }
  return d;
}

NumericDistribution Normal(std::mt19937_64& rng, int count, double mean, uint64_t max_weight = 1) {
  std::normal_distribution<double> normal(mean, 1.0);
  return Sample(rng, count, max_weight, [&](std::mt19937_64& g) { return normal(g); });
}

// `count` items of equal weight at the logistic distribution's quantiles
// (i + offset) / count: a sketch of many rows, as a KLL sketch hands it over.
NumericDistribution LogisticGrid(int count, double offset, uint64_t weight) {
  NumericDistribution d;
  for (int i = 0; i < count; ++i) {
    double u = (i + offset) / count;
    d.items.push_back({std::log(u / (1 - u)), weight});
    d.n += weight;
  }
  return d;
}

json ToJson(const NumericDistribution& d) {
  json v = json::array(), w = json::array();
  for (const WeightedValue& item : d.items) {
    v.push_back(item.value);
    w.push_back(item.weight);
  }
  return {{"v", v}, {"w", w}};
}

TEST_CASE(
    "numeric statistics equal SciPy's ks_2samp, wasserstein_distance, jensenshannon "
    "and a NumPy PSI, on exact, tied, weighted and sketch-sized samples") {
  std::mt19937_64 rng(20261205);
  struct Case {
    std::string name;
    NumericDistribution baseline, current;
    KsMethod method;
  };
  std::vector<Case> cases;
  cases.push_back({"exact, n = m = 60, shifted 0.5", Normal(rng, 60, 0), Normal(rng, 60, 0.5),
                   KsMethod::kExact});
  cases.push_back({"exact, 37 vs 53, one distribution", Normal(rng, 37, 0), Normal(rng, 53, 0),
                   KsMethod::kExact});
  {
    // Values rounded to 0.1: many ties within and across the samples.
    auto rounded = [](NumericDistribution d) {
      for (WeightedValue& item : d.items) item.value = std::round(item.value * 10) / 10;
      return d;
    };
    cases.push_back({"exact, 200 vs 311 with ties", rounded(Normal(rng, 200, 0)),
                     rounded(Normal(rng, 311, 0.2)), KsMethod::kExact});
  }
  cases.push_back({"exact, weighted items", Normal(rng, 150, 0, 5), Normal(rng, 180, 0.3, 4),
                   KsMethod::kExact});
  cases.push_back({"exact, 4000 vs 7000, shifted 0.1", Normal(rng, 4000, 0), Normal(rng, 7000, 0.1),
                   KsMethod::kExact});
  cases.push_back({"asymp, 12000 vs 9000, shifted 0.05", Normal(rng, 12000, 0),
                   Normal(rng, 9000, 0.05), KsMethod::kAsymptotic});
  cases.push_back({"asymp, 20000 vs 40 (kstwo at n = 40)", Normal(rng, 20000, 0),
                   Normal(rng, 40, 0.3), KsMethod::kAsymptotic});
  cases.push_back({"asymp, weighted sketches of 2e5 rows", Normal(rng, 2000, 0, 199),
                   Normal(rng, 1500, 0.02, 299), KsMethod::kAsymptotic});
  cases.push_back({"asymp, grids 1e5 vs 1e5 rows, D = 0.003 (Pelz-Good)",
                   LogisticGrid(100, 0.5, 1000), LogisticGrid(100, 0.8, 1000),
                   KsMethod::kAsymptotic});
  cases.push_back({"asymp, grids 1e5 vs 1e5 rows, D = 0.0004 (Durbin matrix)",
                   LogisticGrid(1000, 0.5, 100), LogisticGrid(1000, 0.9, 100),
                   KsMethod::kAsymptotic});

  json input = json::array();
  for (size_t i = 0; i < cases.size(); ++i) {
    input.push_back({{"id", std::to_string(i)},
                     {"kind", "numeric"},
                     {"baseline", ToJson(cases[i].baseline)},
                     {"current", ToJson(cases[i].current)}});
  }
  json oracle = RunOracle(input);
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].name);
    const json& want = oracle[std::to_string(i)];
    NumericDrift got;
    REQUIRE(CompareNumeric(cases[i].baseline, cases[i].current, &got).ok());
    CHECK(KsMethodName(got.ks.method) == want["ks_method"].get<std::string>());
    CHECK(got.ks.method == cases[i].method);
    CHECK(Near(got.ks.statistic, want["ks_statistic"], 1e-12));
    INFO("p " << got.ks.p_value << " scipy " << want["ks_p"].get<double>());
    CHECK(Near(got.ks.p_value, want["ks_p"], 1e-9));
    CHECK(Near(got.wasserstein, want["wasserstein"], 1e-9));
    CHECK(Near(got.baseline_sd, want["sd"], 1e-9));
    CHECK(got.bin_edges == want["edges"].get<std::vector<double>>());
    std::vector<double> baseline_shares = want["baseline_shares"];
    std::vector<double> current_shares = want["current_shares"];
    REQUIRE(got.baseline_shares.size() == baseline_shares.size());
    for (size_t b = 0; b < baseline_shares.size(); ++b) {
      CHECK(Near(got.baseline_shares[b], baseline_shares[b], 1e-12));
      CHECK(Near(got.current_shares[b], current_shares[b], 1e-12));
    }
    CHECK(Near(got.psi, want["psi"], 1e-9));
    CHECK(Near(got.jensen_shannon, want["jensen_shannon"], 1e-9));
  }
}

TEST_CASE(
    "categorical statistics equal SciPy's chi2_contingency and jensenshannon, a NumPy "
    "L-infinity and Benjamini-Hochberg") {
  std::mt19937_64 rng(7);
  std::vector<std::pair<CategoricalDistribution, CategoricalDistribution>> cases = {
      {{{"a", 30}, {"b", 45}}, {{"a", 50}, {"b", 38}}},  // dof 1: Yates
      {{{"a", 10}, {"b", 10}}, {{"a", 10}, {"b", 11}}},  // Yates capped at |diff|
      {{{"x", 5}}, {{"x", 9}}},                          // dof 0
      {{{"a", 120}, {"b", 0}, {"c", 301}}, {{"a", 97}, {"c", 350}, {"d", 12}}},  // appears
      {{{"a", 1}, {"b", 900}, {"c", 40}}, {{"b", 1000}, {"c", 55}}},             // vanishes
  };
  {
    // 40 categories, 10^5 rows a side, the current one tilted slightly.
    CategoricalDistribution b, c;
    std::uniform_int_distribution<int> pick(0, 39);
    for (int i = 0; i < 100000; ++i) {
      int k = pick(rng);
      b["cat" + std::to_string(k)] += 1;
      c["cat" + std::to_string(std::min(39, pick(rng) + (i % 50 == 0 ? 1 : 0)))] += 1;
    }
    cases.push_back({b, c});
  }
  json input = json::array();
  for (size_t i = 0; i < cases.size(); ++i) {
    input.push_back({{"id", std::to_string(i)},
                     {"kind", "categorical"},
                     {"baseline", cases[i].first},
                     {"current", cases[i].second}});
  }
  std::vector<double> p_values;
  std::uniform_real_distribution<double> unit(0, 1);
  for (int i = 0; i < 25; ++i) p_values.push_back(i % 7 == 0 ? 0.0 : std::pow(unit(rng), 3));
  p_values.push_back(p_values[3]);  // a tie
  input.push_back({{"id", "bh"}, {"kind", "bh"}, {"p", p_values}});
  json oracle = RunOracle(input);

  for (size_t i = 0; i < cases.size(); ++i) {
    INFO("case " << i);
    const json& want = oracle[std::to_string(i)];
    CategoricalDrift got;
    REQUIRE(CompareCategorical(cases[i].first, cases[i].second, &got).ok());
    CHECK(got.chi_squared.dof == want["dof"].get<int64_t>());
    CHECK(got.chi_squared.yates == (got.chi_squared.dof == 1));
    CHECK(Near(got.chi_squared.statistic, want["chi2"], 1e-9));
    CHECK(Near(got.chi_squared.p_value, want["chi2_p"], 1e-9));
    CHECK(Near(got.jensen_shannon, want["jensen_shannon"], 1e-9));
    CHECK(Near(got.linf.distance, want["linf"], 1e-12));
    CHECK(Near(got.linf.noise_floor, want["noise_floor"], 1e-12));
  }
  std::vector<double> adjusted = BenjaminiHochberg(p_values);
  std::vector<double> want = oracle["bh"]["adjusted"];
  REQUIRE(adjusted.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) CHECK(Near(adjusted[i], want[i], 1e-12));
}

TEST_CASE(
    "the null distributions equal scipy's kstwo.sf, special.smirnov and chi2.sf on "
    "every branch of their algorithms") {
  json kstwo = json::array(), smirnov = json::array(), chi2 = json::array();
  // SciPy's smirnov sums ~n terms in double-double (0.25 s at n = 10^5, 1.4 s
  // at 10^6), so large n get one point per branch.
  auto add = [](json* list, int64_t n, double d) {
    if (d > 0 && d < 1) list->push_back({n, d});
  };
  for (int64_t n : {1, 2, 5, 50, 140, 141, 1000, 5000, 100000, 100001}) {
    double nn = static_cast<double>(n);
    for (double d : {0.4 / nn, 0.75 / nn, 1.0 / nn, 0.5, 0.6, 0.99, 1 - 0.5 / nn})
      add(&kstwo, n, d);
    std::vector<double> n_d_squared = {0.2, 0.754, 1.0, 2.0, 2.3, 371.0};
    if (n <= 5000) {
      n_d_squared.insert(n_d_squared.end(), {0.5, 2.1, 3.9, 4.1, 10.0, 17.0, 50.0, 200.0, 369.0});
    }
    for (double c : n_d_squared) add(&kstwo, n, std::sqrt(c / nn));
  }
  for (double c : {0.5, 1.0}) add(&kstwo, 500000, std::sqrt(c / 500000));
  for (double c : {0.5, 50.0, 371.0}) add(&kstwo, 2000000, std::sqrt(c / 2000000));
  for (int64_t n : {1, 3, 10, 100, 1000, 10000, 3000000}) {
    double nn = static_cast<double>(n);
    // d <= 1/n above n = 10^6 is left out: there SciPy's x (1+x)^(n-1) differs
    // from ours by ~4e-9, and the KS test never asks for it (it calls
    // smirnov only for n d^2 >= 2.2 or d >= 0.5).
    for (double d : {1.5 / nn, 0.3, 0.9, 1 - 0.5 / nn}) add(&smirnov, n, d);
    if (n <= 1000000) {
      for (double d : {0.5 / nn, 1.0 / nn}) add(&smirnov, n, d);
    }
    for (double c : {0.1, 1.0, 5.0, 50.0, 300.0}) add(&smirnov, n, std::sqrt(c / nn));
  }
  for (double k : {1.0, 2.0, 3.0, 4.0, 7.0, 10.0, 57.0, 100.0, 1000.0, 5000.0}) {
    for (double x :
         {0.0, 1e-3, 0.5, k / 2, k, k + 1, 1.5 * k, 3 * k, k + 10 * std::sqrt(2 * k), 500.0}) {
      chi2.push_back({x, k});
    }
  }
  json oracle = RunOracle(json::array({{{"id", "d"},
                                        {"kind", "distributions"},
                                        {"kstwo", kstwo},
                                        {"smirnov", smirnov},
                                        {"chi2", chi2}}}))["d"];
  auto n_of = [](double n) { return static_cast<int64_t>(n); };
  CheckPoints("kstwo.sf at (n, d)", kstwo, oracle["kstwo_sf"], 1e-9,
              [&](double n, double d) { return KolmogorovSurvival(n_of(n), d); });
  CheckPoints("smirnov at (n, d)", smirnov, oracle["smirnov"], 1e-9,
              [&](double n, double d) { return SmirnovSurvival(n_of(n), d); });
  CheckPoints("chi2.sf at (x, dof)", chi2, oracle["chi2_sf"], 1e-12, ChiSquaredSurvival);
}

}  // namespace
}  // namespace gleaner::drift
