#include "ingest/outliers/outlier_bounds.h"

#include <catch2/catch.hpp>
#include <vector>

namespace gleaner::outliers {
namespace {

using rules::OutlierMethod;
using rules::OutlierRule;

OutlierRule Rule(OutlierMethod method, double k = 1.5) {
  OutlierRule rule;
  rule.method = method;
  rule.k = k;
  return rule;
}

// The values of `data` that `bounds` flags, in data order.
std::vector<double> Flagged(const Bounds& bounds, const std::vector<double>& data) {
  std::vector<double> out;
  for (double x : data) {
    if (bounds.IsOutlier(x)) out.push_back(x);
  }
  return out;
}

TEST_CASE("Quantile interpolates linearly like numpy's default") {
  const std::vector<double> four = {1, 2, 3, 4};
  // h = (n-1)·q = 3·0.25 = 0.75 → 1 + 0.75·(2-1) = 1.75
  CHECK(Quantile(four, 0.25) == 1.75);
  // h = 1.5 → 2 + 0.5·(3-2) = 2.5: the even-length median
  CHECK(Quantile(four, 0.5) == 2.5);
  // h = 2.25 → 3 + 0.25·(4-3) = 3.25
  CHECK(Quantile(four, 0.75) == 3.25);
  CHECK(Quantile(four, 0.0) == 1);
  CHECK(Quantile(four, 1.0) == 4);
  // odd length: h = 4·0.5 = 2 → the middle value; h = 4·0.1 = 0.4 → 1.4
  const std::vector<double> five = {1, 2, 3, 4, 5};
  CHECK(Quantile(five, 0.5) == 3);
  CHECK(Quantile(five, 0.1) == Approx(1.4));
  CHECK(Quantile({42}, 0.3) == 42);
}

TEST_CASE("Empty input: count 0 and nothing is an outlier") {
  for (auto method : {OutlierMethod::kZScore, OutlierMethod::kMad, OutlierMethod::kIqr,
                      OutlierMethod::kPercentile}) {
    std::vector<double> values;
    const Bounds b = ComputeBounds(Rule(method), &values);
    CHECK(b.count == 0);
    CHECK(b.method == method);
    CHECK_FALSE(b.IsOutlier(0));
    CHECK_FALSE(b.IsOutlier(1e300));
  }
}

TEST_CASE("One value or all-equal values: nothing is an outlier") {
  for (auto method : {OutlierMethod::kZScore, OutlierMethod::kMad, OutlierMethod::kIqr,
                      OutlierMethod::kPercentile}) {
    for (const std::vector<double>& data : {std::vector<double>{42}, {7, 7, 7, 7}}) {
      std::vector<double> values = data;
      const Bounds b = ComputeBounds(Rule(method), &values);
      CHECK(b.count == static_cast<int64_t>(data.size()));
      CHECK(Flagged(b, data).empty());
      CHECK(b.lo == data[0]);
      CHECK(b.hi == data[0]);
      CHECK(b.Clip(data[0]) == data[0]);
    }
  }
}

TEST_CASE("zscore: population sd, |x - mean| / sd > k") {
  // [2,4,4,4,5,5,7,9]: sum 40 → mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32,
  // /8 = 4 → sd 2 (ddof 0; the sample sd would be sqrt(32/7)).
  const std::vector<double> data = {9, 4, 2, 4, 5, 7, 4, 5};
  std::vector<double> values = data;
  SECTION("k = 2: the fences are 5 ± 4 = [1, 9]; 9 sits exactly on one, so it stays") {
    const Bounds b = ComputeBounds(Rule(OutlierMethod::kZScore, 2), &values);
    CHECK(b.count == 8);
    CHECK(b.mean == 5);
    CHECK(b.sd == 2);
    CHECK(b.lo == 1);
    CHECK(b.hi == 9);
    CHECK(Flagged(b, data).empty());
    CHECK(b.IsOutlier(9.5));                                       // 4.5 / 2 = 2.25 > 2
    CHECK(values == std::vector<double>{2, 4, 4, 4, 5, 5, 7, 9});  // sorted in place
  }
  SECTION("k = 1.5: 9 is 2 sd out; 2 is exactly 1.5 sd out and stays") {
    const Bounds b = ComputeBounds(Rule(OutlierMethod::kZScore, 1.5), &values);
    CHECK(b.lo == 2);  // 5 - 1.5·2
    CHECK(b.hi == 8);
    CHECK(Flagged(b, data) == std::vector<double>{9});
    CHECK(b.Clip(9) == 8);
  }
}

TEST_CASE("zscore with k = 2 on a sample with one far value") {
  // nine 10s and a 40: mean 130/10 = 13; squares 9·3² + 27² = 81 + 729 = 810,
  // /10 = 81 → sd 9. z(40) = 27/9 = 3 > 2; z(10) = 3/9. Fences 13 ± 18.
  std::vector<double> data(9, 10.0);
  data.push_back(40);
  std::vector<double> values = data;
  const Bounds b = ComputeBounds(Rule(OutlierMethod::kZScore, 2), &values);
  CHECK(b.mean == 13);
  CHECK(b.sd == 9);
  CHECK(b.lo == -5);
  CHECK(b.hi == 31);
  CHECK(Flagged(b, data) == std::vector<double>{40});
  CHECK(b.Clip(40) == 31);
}

TEST_CASE("zscore keeps its precision far from zero") {
  // The first sample shifted by 1e9: mean 1e9 + 5, sd still exactly 2. A
  // one-pass sum of squares in double would lose the sd entirely.
  std::vector<double> values = {1e9 + 2, 1e9 + 4, 1e9 + 4, 1e9 + 4,
                                1e9 + 5, 1e9 + 5, 1e9 + 7, 1e9 + 9};
  const Bounds b = ComputeBounds(Rule(OutlierMethod::kZScore, 2), &values);
  CHECK(b.mean == 1e9 + 5);
  CHECK(b.sd == 2);
}

TEST_CASE("mad: modified z = 0.6745 (x - median) / MAD") {
  OutlierRule rule = Rule(OutlierMethod::kMad);
  rule.threshold = 3.5;
  SECTION("odd count") {
    // [1,2,3,4,100]: median 3; |x-3| = 2,1,0,1,97 → sorted 0,1,1,2,97 → MAD 1.
    // z(100) = 0.6745·97 = 65.4 > 3.5; z(1) = 0.6745·2 = 1.349.
    const std::vector<double> data = {100, 1, 2, 3, 4};
    std::vector<double> values = data;
    const Bounds b = ComputeBounds(rule, &values);
    CHECK(b.median == 3);
    CHECK(b.mad == 1);
    CHECK_FALSE(b.mad_fallback);
    CHECK(Flagged(b, data) == std::vector<double>{100});
    // fences 3 ± 3.5·1/0.6745 = 3 ± 5.189028910...
    CHECK(b.hi == Approx(8.189028910));
    CHECK(b.lo == Approx(-2.189028910));
  }
  SECTION("even count: the median and MAD average the middle pair") {
    // [1,2,3,4,100,200]: median (3+4)/2 = 3.5; |x-3.5| sorted 0.5,0.5,1.5,2.5,96.5,196.5
    // → MAD (1.5+2.5)/2 = 2. z(100) = 0.6745·96.5/2 = 32.5; z(4) = 0.6745·0.5/2 = 0.17.
    const std::vector<double> data = {1, 2, 3, 4, 100, 200};
    std::vector<double> values = data;
    const Bounds b = ComputeBounds(rule, &values);
    CHECK(b.median == 3.5);
    CHECK(b.mad == 2);
    CHECK(Flagged(b, data) == std::vector<double>{100, 200});
  }
}

TEST_CASE("mad falls back to the mean absolute deviation when MAD is 0") {
  // [1,1,1,1,10]: median 1, |x-1| = 0,0,0,0,9 → MAD 0. Mean absolute deviation
  // 9/5 = 1.8; z(10) = 9 / (1.253314·1.8) = 9 / 2.2559652 = 3.98942.
  const std::vector<double> data = {1, 1, 10, 1, 1};
  OutlierRule rule = Rule(OutlierMethod::kMad);
  SECTION("threshold 3.5: 10 is out") {
    rule.threshold = 3.5;
    std::vector<double> values = data;
    const Bounds b = ComputeBounds(rule, &values);
    CHECK(b.mad == 0);
    CHECK(b.mad_fallback);
    CHECK(b.mean_abs_dev == Approx(1.8));
    CHECK(Flagged(b, data) == std::vector<double>{10});
    // fences 1 ± 3.5·2.2559652 = 1 ± 7.8958782
    CHECK(b.hi == Approx(8.8958782));
    CHECK(b.lo == Approx(-6.8958782));
    CHECK(b.Clip(10) == Approx(8.8958782));
  }
  SECTION("threshold 4: 3.989 is not above it") {
    rule.threshold = 4;
    std::vector<double> values = data;
    const Bounds b = ComputeBounds(rule, &values);
    CHECK(Flagged(b, data).empty());
  }
}

TEST_CASE("iqr: Tukey fences on numpy-linear quartiles") {
  // [1..9, 100] (n = 10): Q1 at h = 9·0.25 = 2.25 → 3.25; Q3 at h = 6.75 → 7.75.
  // IQR 4.5, k 1.5 → 6.75: fences [3.25 - 6.75, 7.75 + 6.75] = [-3.5, 14.5].
  const std::vector<double> data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
  std::vector<double> values = data;
  const Bounds b = ComputeBounds(Rule(OutlierMethod::kIqr, 1.5), &values);
  CHECK(b.count == 10);
  CHECK(b.q1 == 3.25);
  CHECK(b.q3 == 7.75);
  CHECK(b.lo == -3.5);
  CHECK(b.hi == 14.5);
  CHECK(Flagged(b, data) == std::vector<double>{100});
  CHECK(b.Clip(100) == 14.5);
  CHECK(b.Clip(-10) == -3.5);
  CHECK(b.Clip(5) == 5);
}

TEST_CASE("iqr: a value exactly on the fence is not an outlier") {
  // [1,2,3,4,7]: Q1 = 2 (h = 1), Q3 = 4 (h = 3), IQR 2 → upper fence 4 + 3 = 7.
  const std::vector<double> data = {7, 1, 2, 3, 4};
  std::vector<double> values = data;
  const Bounds b = ComputeBounds(Rule(OutlierMethod::kIqr, 1.5), &values);
  CHECK(b.hi == 7);
  CHECK(b.lo == -1);
  CHECK(Flagged(b, data).empty());
  CHECK(b.IsOutlier(7.5));
  CHECK_FALSE(b.IsOutlier(-1));
  CHECK(b.IsOutlier(-1.5));
}

TEST_CASE("iqr with ties: a zero IQR flags everything off the common value") {
  // [5,5,5,5,5,5,20]: Q1 (h = 1.5) = Q3 (h = 4.5) = 5, IQR 0 → fences [5, 5].
  const std::vector<double> data = {5, 5, 20, 5, 5, 5, 5};
  std::vector<double> values = data;
  const Bounds b = ComputeBounds(Rule(OutlierMethod::kIqr, 1.5), &values);
  CHECK(b.q1 == 5);
  CHECK(b.q3 == 5);
  CHECK(Flagged(b, data) == std::vector<double>{20});
}

TEST_CASE("percentile: values outside [Quantile(p_lo), Quantile(p_hi)]") {
  OutlierRule rule = Rule(OutlierMethod::kPercentile);
  SECTION("interpolated bounds") {
    // [1..10]: p 0.1 at h = 0.9 → 1.9; p 0.9 at h = 8.1 → 9.1.
    rule.p_lo = 0.1;
    rule.p_hi = 0.9;
    const std::vector<double> data = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    std::vector<double> values = data;
    const Bounds b = ComputeBounds(rule, &values);
    CHECK(b.lo == Approx(1.9));
    CHECK(b.hi == Approx(9.1));
    CHECK(Flagged(b, data) == std::vector<double>{10, 1});
    CHECK(b.Clip(1) == Approx(1.9));
    CHECK(b.Clip(10) == Approx(9.1));
    CHECK(b.Clip(5) == 5);
  }
  SECTION("bounds that land on values keep those values") {
    // [0,10,20,30,40]: p 0.25 at h = 1 → 10; p 0.75 at h = 3 → 30.
    rule.p_lo = 0.25;
    rule.p_hi = 0.75;
    const std::vector<double> data = {0, 10, 20, 30, 40};
    std::vector<double> values = data;
    const Bounds b = ComputeBounds(rule, &values);
    CHECK(b.lo == 10);
    CHECK(b.hi == 30);
    CHECK(Flagged(b, data) == std::vector<double>{0, 40});
  }
}

}  // namespace
}  // namespace gleaner::outliers
