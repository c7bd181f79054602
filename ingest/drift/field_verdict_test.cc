// The verdict's promises: no more false alarms than alpha on two samples of
// one distribution from 10^3 to 10^6 rows, a 0.3 sd shift at 10^4 rows is
// drift, a 0.01 sd shift at 10^6 is not, a category appearing or vanishing
// is drift. Large samples are simulated as a KLL sketch hands them over:
// ~2,000 weighted items, so every case runs in milliseconds.
#include "ingest/drift/field_verdict.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace gleaner::drift {
namespace {

constexpr int kSketchItems = 2000;

// n rows of Exp(1) + shift (sd 1), as an ideal sketch of kSketchItems items:
// the sample's order statistics at ranks w, 2w, ..., n (w = n / items), each
// weighing w, drawn directly — uniform order statistics are normalised sums
// of exponentials, so a block of w of them is one Gamma(w) draw. For n <=
// kSketchItems it is the exact sample.
NumericDistribution ExponentialSketch(std::mt19937_64& rng, uint64_t n, double shift) {
  uint64_t items = std::min<uint64_t>(n, kSketchItems);
  uint64_t w = n / items;
  std::gamma_distribution<double> block(static_cast<double>(w), 1.0);
  std::exponential_distribution<double> last(1.0);
  std::vector<double> sums(items);
  double sum = 0;
  for (double& s : sums) s = sum += block(rng);
  double total = sum + last(rng);  // S_{n+1}
  NumericDistribution d;
  for (double s : sums) {
    d.items.push_back({-std::log1p(-s / total) + shift, w});
    d.n += w;
  }
  return d;
}

// n rows over categories with shares `p`, counts drawn multinomially.
CategoricalDistribution Multinomial(std::mt19937_64& rng, uint64_t n,
                                    const std::vector<std::pair<std::string, double>>& p) {
  CategoricalDistribution out;
  uint64_t left = n;
  double mass = 1.0;
  for (const auto& [name, share] : p) {
    std::binomial_distribution<uint64_t> draw(left, std::min(1.0, share / mass));
    uint64_t k = draw(rng);
    out[name] = k;
    left -= k;
    mass -= share;
  }
  return out;
}

// Twenty categories with Zipf-like shares, the last two rare (1e-6).
std::vector<std::pair<std::string, double>> ZipfShares() {
  std::vector<std::pair<std::string, double>> p;
  double total = 0;
  for (int i = 1; i <= 18; ++i) total += 1.0 / i;
  for (int i = 1; i <= 18; ++i) p.push_back({"c" + std::to_string(i), (1 - 2e-6) / i / total});
  p.push_back({"rare1", 1e-6});
  p.push_back({"rare2", 1e-6});
  return p;
}

FieldComparison NumericField(const std::string& name, const NumericDistribution& b,
                             const NumericDistribution& c) {
  FieldComparison f{name, {}, {}, {}};
  NumericDrift d;
  REQUIRE(CompareNumeric(b, c, &d).ok());
  f.numeric = d;
  return f;
}

FieldComparison CategoricalField(const std::string& name, const CategoricalDistribution& b,
                                 const CategoricalDistribution& c) {
  FieldComparison f{name, {}, {}, {}};
  CategoricalDrift d;
  REQUIRE(CompareCategorical(b, c, &d).ok());
  f.categorical = d;
  return f;
}

TEST_CASE(
    "two samples of one distribution raise drift no more often than alpha, "
    "at 10^3 to 10^6 rows") {
  std::mt19937_64 rng(1);
  VerdictOptions options;  // alpha 0.05
  for (uint64_t n : {uint64_t{1000}, uint64_t{10000}, uint64_t{100000}, uint64_t{1000000}}) {
    // Fewer repetitions where a p-value sums up to n/2 Smirnov terms.
    const int repetitions = n <= 10000 ? 100 : 40;
    int alarms = 0, possibles = 0;
    std::binomial_distribution<uint64_t> nulls(n, 0.02);
    for (int rep = 0; rep < repetitions; ++rep) {
      std::vector<FieldComparison> fields;
      for (int f = 0; f < 3; ++f) {
        fields.push_back(NumericField("x" + std::to_string(f), ExponentialSketch(rng, n, 0),
                                      ExponentialSketch(rng, n, 0)));
      }
      fields.push_back(CategoricalField("category", Multinomial(rng, n, ZipfShares()),
                                        Multinomial(rng, n, ZipfShares())));
      NullRateChange null_change;
      REQUIRE(CompareNullRates(nulls(rng), n, nulls(rng), n, &null_change).ok());
      fields.back().nulls = null_change;
      bool alarm = false, possible = false;
      for (const FieldJudgement& j : JudgeFields(fields, options)) {
        alarm |= j.verdict == FieldVerdict::kDrift;
        possible |= j.verdict == FieldVerdict::kPossible;
      }
      alarms += alarm;
      possibles += possible;
    }
    INFO("n = " << n << ": " << alarms << " of " << repetitions << " comparisons drifted, "
                << possibles << " possibly");
    // alpha of them, plus three binomial standard deviations.
    double expected = options.alpha * repetitions;
    CHECK(alarms <= expected + 3 * std::sqrt(expected * (1 - options.alpha)));
    // At large n the effect sizes of noise stay below even "possible".
    if (n >= 100000) CHECK(possibles == 0);
  }
}

TEST_CASE("a 0.3 sd mean shift at 10^4 rows is drift") {
  std::mt19937_64 rng(2);
  for (int rep = 0; rep < 20; ++rep) {
    std::vector<FieldComparison> fields = {
        NumericField("x", ExponentialSketch(rng, 10000, 0), ExponentialSketch(rng, 10000, 0.3))};
    FieldJudgement j = JudgeFields(fields).front();
    INFO(j.reason);
    CHECK(j.verdict == FieldVerdict::kDrift);
    CHECK_FALSE(j.small_sample);
  }
}

TEST_CASE(
    "a field's own thresholds judge it alone, and an ignored field is none and leaves the family") {
  std::mt19937_64 rng(5);
  // Three fields shifted by 0.3 sd at 10^4 rows: drift under the defaults.
  std::vector<FieldComparison> fields;
  for (const char* name : {"a", "b", "c"}) {
    fields.push_back(
        NumericField(name, ExponentialSketch(rng, 10000, 0), ExponentialSketch(rng, 10000, 0.3)));
  }
  VerdictOptions options;
  drift::FieldVerdictOptions& b = options.fields["b"];
  b.ignore = true;
  // c's thresholds above any score its shift gives: no effect reaches them.
  drift::FieldVerdictOptions& c = options.fields["c"];
  for (const auto& [name, member] : kEffectNames) c.*member = {100, 200};
  const std::vector<FieldJudgement> plain = JudgeFields(fields);
  const std::vector<FieldJudgement> judged = JudgeFields(fields, options);
  for (const FieldJudgement& j : plain) CHECK(j.verdict == FieldVerdict::kDrift);
  INFO(judged[0].reason << " | " << judged[2].reason);
  CHECK(judged[0].verdict == FieldVerdict::kDrift);
  CHECK(judged[1].verdict == FieldVerdict::kNone);
  CHECK(judged[1].ignored);
  CHECK(judged[1].value_p_adjusted == 1);
  CHECK(judged[2].verdict == FieldVerdict::kNone);
  CHECK_FALSE(judged[2].ignored);
}

TEST_CASE("a 0.01 sd mean shift at 10^6 rows is not drift, though the KS test rejects") {
  std::mt19937_64 rng(3);
  for (int rep = 0; rep < 5; ++rep) {  // each KS p-value sums ~5e5 Smirnov terms
    std::vector<FieldComparison> fields = {NumericField("x", ExponentialSketch(rng, 1000000, 0),
                                                        ExponentialSketch(rng, 1000000, 0.01))};
    FieldJudgement j = JudgeFields(fields).front();
    INFO(j.reason << " normalized_wasserstein " << fields[0].numeric->normalized_wasserstein);
    CHECK(j.value_p_adjusted < 1e-6);  // significant: the effect size is what says no
    CHECK(j.verdict == FieldVerdict::kNone);
  }
}

TEST_CASE("a category that appears or vanishes is drift, a single stray row is not") {
  std::mt19937_64 rng(4);
  for (uint64_t n : {uint64_t{300}, uint64_t{100000}}) {
    INFO("n = " << n);
    CategoricalDistribution b = Multinomial(rng, n, ZipfShares());
    b.erase("rare1");
    b.erase("rare2");
    CategoricalDistribution appeared = b, vanished = b, stray = b;
    appeared["new"] = std::max<uint64_t>(12, n / 100);
    vanished.erase("c3");  // ~ 9 % of the rows
    stray["new"] = 1;
    FieldJudgement a = JudgeFields({CategoricalField("f", b, appeared)}).front();
    INFO(a.reason);
    CHECK(a.verdict == FieldVerdict::kDrift);
    CHECK(a.appearance_p_adjusted < 0.05);
    FieldJudgement v = JudgeFields({CategoricalField("f", b, vanished)}).front();
    CHECK(v.verdict == FieldVerdict::kDrift);
    FieldJudgement s = JudgeFields({CategoricalField("f", b, stray)}).front();
    CHECK(s.verdict == FieldVerdict::kNone);
  }
}

TEST_CASE(
    "at 10^5 rows a category's share moving 10 % -> 17 % is drift, -> 12 % possible, "
    "-> 10.5 % nothing, though chi-squared rejects") {
  auto judge = [](uint64_t moved_per_mille) {
    // Categories a (the one that moves) and b, c, d sharing the rest evenly.
    auto counts = [](uint64_t a) {
      uint64_t rest = (100000 - a) / 3;
      return CategoricalDistribution{
          {"a", a}, {"b", rest}, {"c", rest}, {"d", 100000 - a - 2 * rest}};
    };
    FieldComparison f = CategoricalField("f", counts(10000), counts(moved_per_mille * 100));
    FieldJudgement j = JudgeFields({f}).front();
    INFO(j.reason << "; linf excess " << f.categorical->linf.excess);
    CHECK(j.value_p_adjusted < 0.05);
    CHECK_FALSE(j.small_sample);
    return j.verdict;
  };
  CHECK(judge(170) == FieldVerdict::kDrift);
  CHECK(judge(120) == FieldVerdict::kPossible);
  CHECK(judge(105) == FieldVerdict::kNone);
}

TEST_CASE(
    "on small samples Benjamini-Hochberg decides: a p-value significant only before "
    "adjustment is possible drift") {
  std::vector<FieldComparison> fields;
  for (int i = 0; i < 10; ++i) {
    NumericDrift d;
    d.baseline_n = d.current_n = 500;
    d.ks.p_value = i == 0 ? 0.004 : i == 1 ? 0.03 : 0.5;
    fields.push_back({"f" + std::to_string(i), d, {}, {}});
  }
  std::vector<FieldJudgement> j = JudgeFields(fields);
  CHECK(j[0].verdict == FieldVerdict::kDrift);  // 0.004 * 10 / 1 = 0.04
  CHECK(j[0].small_sample);
  CHECK(j[1].verdict == FieldVerdict::kPossible);  // 0.03 * 10 / 2 = 0.15
  for (int i = 2; i < 10; ++i) CHECK(j[i].verdict == FieldVerdict::kNone);
}

TEST_CASE("a null rate rising from 1 % to 8 % is drift, to 3 % possible, to 1.2 % nothing") {
  auto judge = [](uint64_t current_nulls) {
    FieldComparison f{"x", {}, {}, {}};
    NullRateChange c;
    REQUIRE(CompareNullRates(1000, 100000, current_nulls, 100000, &c).ok());
    f.nulls = c;
    return JudgeFields({f}).front().verdict;
  };
  CHECK(judge(8000) == FieldVerdict::kDrift);
  CHECK(judge(3000) == FieldVerdict::kPossible);
  CHECK(judge(1200) == FieldVerdict::kNone);
}

TEST_CASE("inputs that break the contract are refused, naming the item") {
  NumericDistribution unsorted{{{2.0, 1}, {1.0, 1}}, 2};
  NumericDistribution fine{{{1.0, 1}, {2.0, 1}}, 2};
  NumericDrift d;
  Status s = CompareNumeric(fine, unsorted, &d);
  CHECK(s.code() == Status::Code::kInvalidArgument);
  CHECK(s.ToString().find("current item 1") != std::string::npos);
  NumericDistribution wrong_n{{{1.0, 3}}, 2};
  CHECK_FALSE(CompareNumeric(wrong_n, fine, &d).ok());
  CategoricalDrift c;
  CHECK_FALSE(CompareCategorical({{"a", 0}}, {{"a", 1}}, &c).ok());
  NullRateChange nulls;
  CHECK_FALSE(CompareNullRates(3, 2, 0, 1, &nulls).ok());
}

}  // namespace
}  // namespace gleaner::drift
