#include "ingest/profile/kll_sketch.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

namespace gleaner::profile {
namespace {

KllSketch Of(const std::vector<double>& values) {
  KllSketch sketch;
  for (double v : values) sketch.Update(v);
  return sketch;
}

// The largest gap, over `queries` points spread across the data's range and
// at every 1/1000 quantile of it, between the sketch's rank and the true one
// (the fraction of `sorted` at or below the point).
double MaxRankError(const KllSketch& sketch, const std::vector<double>& sorted) {
  std::vector<double> points;
  for (int i = 1; i < 1000; ++i) points.push_back(sorted[sorted.size() * i / 1000]);
  std::sort(points.begin(), points.end());
  const std::vector<double> cdf = sketch.Cdf(points);
  double worst = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const double truth =
        static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), points[i]) -
                            sorted.begin()) /
        static_cast<double>(sorted.size());
    worst = std::max(worst, std::abs(cdf[i] - truth));
    CHECK(sketch.Rank(points[i]) == cdf[i]);
  }
  return worst;
}

std::vector<double> Stream(const std::string& kind, size_t n) {
  std::mt19937_64 rng(42);
  std::vector<double> v(n);
  if (kind == "normal") {
    std::normal_distribution<double> d(10, 3);
    for (double& x : v) x = d(rng);
  } else if (kind == "ascending") {  // sorted input, the classic worst order
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i);
  } else if (kind == "few values") {  // ties: 50 distinct values
    std::uniform_int_distribution<int> d(0, 49);
    for (double& x : v) x = d(rng);
  } else {  // lognormal: a long right tail
    std::lognormal_distribution<double> d(0, 2);
    for (double& x : v) x = d(rng);
  }
  return v;
}

TEST_CASE("up to the exact limit every item is kept: quantiles are NumPy's inverted_cdf") {
  std::vector<double> values = Stream("normal", KllSketch::kExactLimit);
  const KllSketch sketch = Of(values);
  CHECK(sketch.exact());
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  for (double q : {0.0, 0.001, 0.01, 0.25, 0.5, 0.7, 0.99, 1.0}) {
    // inverted_cdf: the smallest x with CDF(x) >= q, i.e. sorted[ceil(q n) - 1].
    const size_t index = q == 0 ? 0 : static_cast<size_t>(std::ceil(q * n)) - 1;
    CHECK(sketch.Quantile(q) == values[index]);
  }
  CHECK(MaxRankError(sketch, values) == 0);
  CHECK(sketch.min() == values.front());
  CHECK(sketch.max() == values.back());
  KllSketch more = sketch;
  more.Update(1.0);
  CHECK_FALSE(more.exact());
}

TEST_CASE("on 10^6 items the rank error stays within the stated epsilon for k = 200") {
  for (const char* kind : {"normal", "ascending", "few values", "lognormal"}) {
    std::vector<double> values = Stream(kind, 1000000);
    const KllSketch sketch = Of(values);
    std::sort(values.begin(), values.end());
    const double error = MaxRankError(sketch, values);
    INFO(kind << ": max rank error " << error);
    CHECK(error <= KllSketch::kRankError);
    CHECK(sketch.n() == values.size());
    CHECK(sketch.min() == values.front());
    CHECK(sketch.max() == values.back());
    uint64_t weight = 0;
    for (const WeightedItem& item : sketch.SortedItems()) weight += item.weight;
    CHECK(weight == values.size());
    CHECK(sketch.SortedItems().size() <= KllSketch::kExactLimit);
  }
}

TEST_CASE("merging shard sketches in any order stays within the stated epsilon") {
  std::vector<double> values = Stream("lognormal", 1000000);
  std::vector<KllSketch> shards(10);
  for (size_t i = 0; i < values.size(); ++i) shards[i * 10 / values.size()].Update(values[i]);
  std::sort(values.begin(), values.end());
  std::vector<size_t> order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::mt19937 rng(7);
  for (int round = 0; round < 3; ++round) {
    KllSketch merged;
    for (size_t i : order) merged.Merge(shards[i]);
    INFO("round " << round);
    CHECK(merged.n() == values.size());
    CHECK(merged.min() == values.front());
    CHECK(merged.max() == values.back());
    CHECK(MaxRankError(merged, values) <= KllSketch::kRankError);
    std::shuffle(order.begin(), order.end(), rng);
  }
  // Small sketches whose union is under the limit merge exactly.
  KllSketch a = Of({3, 1, 2}), b = Of({0, 5});
  a.Merge(b);
  CHECK(a.exact());
  CHECK(a.Quantile(0.5) == 2);
}

TEST_CASE("a sketch is reproducible and reads back from its JSON as the same sketch") {
  const std::vector<double> values = Stream("normal", 100000);
  const KllSketch a = Of(values), b = Of(values);
  CHECK(a.ToJson() == b.ToJson());
  for (const KllSketch& sketch : {a, Of({}), Of({1.5, -2})}) {
    KllSketch back;
    REQUIRE(KllSketch::FromJson(sketch.ToJson(), "q", &back).ok());
    CHECK(back.ToJson() == sketch.ToJson());
    CHECK(back.Quantile(0.3) == sketch.Quantile(0.3));
  }
}

TEST_CASE("a file whose upper levels are not ascending reads back as the sketch that wrote it") {
  // The sketch keeps the levels above 0 sorted and merges into them; a file
  // from an older build (or any writer) may list them in any order.
  const std::vector<double> first = Stream("normal", 100000), more = Stream("lognormal", 50000);
  KllSketch original = Of(first);
  nlohmann::json shuffled = original.ToJson();
  REQUIRE(shuffled["levels"].size() > 2);
  for (size_t h = 1; h < shuffled["levels"].size(); ++h) {
    std::vector<double> level = shuffled["levels"][h].get<std::vector<double>>();
    std::reverse(level.begin(), level.end());
    shuffled["levels"][h] = level;
  }
  KllSketch back;
  REQUIRE(KllSketch::FromJson(shuffled, "q", &back).ok());
  for (double v : more) {
    original.Update(v);
    back.Update(v);
  }
  CHECK(back.ToJson() == original.ToJson());
}

TEST_CASE("levels no sketch could have written are refused, naming what is wrong") {
  nlohmann::json good = Of(Stream("normal", 5000)).ToJson();
  const auto refused = [](nlohmann::json json) {
    KllSketch out;
    const Status s = KllSketch::FromJson(json, "col.quantiles", &out);
    INFO(s.ToString());
    CHECK(s.IsInvalidArgument());
    CHECK(s.ToString().find("col.quantiles: ") != std::string::npos);
  };
  nlohmann::json j = good;
  j["k"] = 100;  // another k: another error bound
  refused(j);
  j = good;
  j["n"] = j["n"].get<uint64_t>() + 1;  // weights no longer add up
  refused(j);
  j = good;
  j["levels"][1].push_back(j["max"].get<double>() + 1);  // beyond max
  refused(j);
  j = good;
  j["levels"][0] = std::vector<double>(KllSketch::kExactLimit + 1, 0.0);  // more than it keeps
  refused(j);
  j = good;
  j["levels"] = nlohmann::json::array();
  for (int i = 0; i < 65; ++i) j["levels"].push_back(nlohmann::json::array());
  refused(j);
  j = good;
  j["min"] = "low";
  refused(j);
  j = good;
  j["levels"][0][0] = nullptr;
  refused(j);
}

}  // namespace
}  // namespace gleaner::profile
