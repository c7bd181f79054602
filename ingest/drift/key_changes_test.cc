#include "ingest/drift/key_changes.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_key_hash.h"

namespace gleaner::drift {
namespace {

using profile::KeySample;

using testing::TestKeyHash;

KeySample Empty(const std::string& key = "id") { return KeySample(key, {{"a", 0}, {"b", 1}}); }

std::vector<v1::Value> Row(int64_t a, const std::string& b) {
  std::vector<v1::Value> row(2);
  row[0].set_int_value(a);
  row[1].set_string_value(b);
  return row;
}

// A dataset: key → its rows' (a, b) values.
using Dataset = std::map<uint64_t, std::vector<std::pair<int64_t, std::string>>>;

KeySample SampleOf(const Dataset& data) {
  KeySample sample = Empty();
  for (const auto& [key, rows] : data) {
    for (const auto& [a, b] : rows) sample.Add(TestKeyHash(key), Row(a, b));
  }
  return sample;
}

// Baseline keys [0, n); the current dataset drops keys < removed, adds keys
// [n, n + added), changes column a of every key % 5 == 1, column b of every
// key % 7 == 2, and gives keys % 11 == 3 a second row.
void Build(uint64_t n, uint64_t removed, uint64_t added, Dataset* base, Dataset* cur) {
  for (uint64_t k = 0; k < n + added; ++k) {
    const int64_t a = static_cast<int64_t>(k % 100);
    const std::string b = "b" + std::to_string(k % 17);
    if (k < n) (*base)[k] = {{a, b}};
    if (k < removed) continue;
    auto& rows = (*cur)[k];
    rows = {{k % 5 == 1 ? a + 1 : a, k % 7 == 2 ? b + "'" : b}};
    if (k % 11 == 3) rows.push_back({a, b});
  }
}

// The oracle: the same counts, by comparing the two datasets' rows directly.
struct Truth {
  int64_t added = 0, removed = 0, changed = 0, unchanged = 0, a = 0, b = 0, rows = 0;
};
Truth Compare(const Dataset& base, const Dataset& cur) {
  Truth t;
  for (const auto& [key, rows] : base) t.removed += !cur.count(key);
  for (const auto& [key, rows] : cur) {
    auto it = base.find(key);
    if (it == base.end()) {
      ++t.added;
      continue;
    }
    std::multiset<int64_t> a0, a1;
    std::multiset<std::string> b0, b1;
    for (const auto& [a, b] : it->second) a0.insert(a), b0.insert(b);
    for (const auto& [a, b] : rows) a1.insert(a), b1.insert(b);
    const bool rows_differ = it->second.size() != rows.size();
    t.a += a0 != a1;
    t.b += b0 != b1;
    t.rows += rows_differ;
    ++(a0 != a1 || b0 != b1 || rows_differ ? t.changed : t.unchanged);
  }
  return t;
}

// Build's datasets compared from their samples, and *truth from their rows.
KeyChanges CompareBuilt(uint64_t n, uint64_t removed, uint64_t added, Truth* truth) {
  Dataset base, cur;
  Build(n, removed, added, &base, &cur);
  *truth = Compare(base, cur);
  return CompareKeySamples(SampleOf(base), SampleOf(cur));
}

TEST_CASE(
    "keys added, removed and changed are counted exactly while both datasets fit the sample") {
  Truth t;
  const KeyChanges k = CompareBuilt(1500, 200, 300, &t);
  REQUIRE(k.available);
  CHECK(k.exact);
  CHECK(k.key == "id");
  CHECK(k.baseline_keys == 1500);
  CHECK(k.current_keys == 1600);
  CHECK(k.added.keys == t.added);
  CHECK(k.removed.keys == t.removed);
  CHECK(k.changed.keys == t.changed);
  CHECK(k.unchanged.keys == t.unchanged);
  CHECK(k.rows_changed.keys == t.rows);
  REQUIRE(k.columns.size() == 2);
  CHECK(k.columns[0].column == "a");
  CHECK(k.columns[0].changed.keys == t.a);
  CHECK(k.columns[1].changed.keys == t.b);
  CHECK(k.added.standard_error == 0);
  CHECK(k.union_relative_standard_error == 0);
  CHECK(k.added.fraction == Approx(static_cast<double>(t.added) / 1800));
}

TEST_CASE(
    "past the sample, keys added, removed and changed are estimated within their stated error") {
  Truth t;
  const KeyChanges k = CompareBuilt(200000, 30000, 20000, &t);
  REQUIRE(k.available);
  CHECK_FALSE(k.exact);
  CHECK(k.sampled_keys == static_cast<int64_t>(KeySample::kCapacity));
  const double union_keys = 220000;
  CHECK(k.union_relative_standard_error == Approx(1 / std::sqrt(2046.0)));
  // Each fraction within 4 of its standard errors; each count within 4 of
  // the combined relative errors of its fraction and the union's size.
  const auto within = [&](const KeyCount& c, int64_t truth, double of, const char* what) {
    INFO(what << ": estimated " << c.keys << " (" << c.fraction << " ± " << c.standard_error
              << "), true " << truth);
    const double p = static_cast<double>(truth) / of;
    CHECK(std::abs(c.fraction - p) <= 4 * c.standard_error);
    const double relative = std::hypot(c.standard_error / p, k.union_relative_standard_error);
    CHECK(std::abs(static_cast<double>(c.keys - truth)) <= 4 * relative * truth);
  };
  within(k.added, t.added, union_keys, "added");
  within(k.removed, t.removed, union_keys, "removed");
  within(k.changed, t.changed, union_keys, "changed");
  within(k.unchanged, t.unchanged, union_keys, "unchanged");
  const double common = static_cast<double>(t.changed + t.unchanged);
  within(k.columns[0].changed, t.a, common, "column a");
  within(k.columns[1].changed, t.b, common, "column b");
  within(k.rows_changed, t.rows, common, "rows");
  CHECK(std::abs(k.baseline_keys - 200000) <= 4 * 200000 * 0.03);
}

TEST_CASE("rows by key are not available without a sample on both sides, or keyed alike") {
  const KeyChanges none = CompareKeySamples(std::nullopt, Empty());
  CHECK_FALSE(none.available);
  CHECK(none.unavailable_reason.find("baseline") != std::string::npos);
  const KeyChanges other = CompareKeySamples(Empty(), Empty("sku"));
  CHECK_FALSE(other.available);
  CHECK(other.unavailable_reason.find("'sku'") != std::string::npos);
}

}  // namespace
}  // namespace gleaner::drift
