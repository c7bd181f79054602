#include "ingest/split/split_assigner.h"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace gleaner::split {
namespace {

v1::Value Str(const std::string& s) {
  v1::Value v;
  v.set_string_value(s);
  return v;
}

v1::Value Int(int64_t i) {
  v1::Value v;
  v.set_int_value(i);
  return v;
}

std::string Key(std::initializer_list<v1::Value> values) {
  std::string out;
  for (const v1::Value& v : values) AppendKeyBytes(v, &out);
  return out;
}

uint64_t HashOf(uint64_t seed, int64_t i) { return SplitHash(seed, Key({Int(i)})); }

// Rows per split, indexed by Split.
using Counts = std::array<int64_t, 3>;

TEST_CASE("SplitName") {
  CHECK(std::string(SplitName(Split::kTrain)) == "train");
  CHECK(std::string(SplitName(Split::kValidation)) == "validation");
  CHECK(std::string(SplitName(Split::kTest)) == "test");
}

TEST_CASE("AppendKeyBytes: a tag per kind, then fixed or length-prefixed bytes") {
  // The layout decides every row's split, so it is pinned byte for byte:
  // string = tag 1, 8-byte little-endian length, bytes; int = tag 2, 8 bytes LE.
  CHECK(Key({Str("ab")}) == std::string("\x01\x02\0\0\0\0\0\0\0ab", 11));
  CHECK(Key({Int(258)}) == std::string("\x02\x02\x01\0\0\0\0\0\0", 9));
  CHECK(Key({v1::Value()}) == std::string("\0", 1));  // null
}

TEST_CASE("AppendKeyBytes: distinct keys encode distinctly") {
  CHECK(Key({Str("ab"), Str("c")}) != Key({Str("a"), Str("bc")}));
  CHECK(Key({Str(""), Str("a")}) != Key({Str("a"), Str("")}));
  v1::Value ts, dbl, boolean, bytes, json;
  ts.set_timestamp_micros(1);
  dbl.set_double_value(1.0);
  boolean.set_bool_value(true);
  bytes.set_bytes_value("");
  json.set_json_value("");
  CHECK(Key({Int(1)}) != Key({ts}));
  CHECK(Key({Int(1)}) != Key({dbl}));
  CHECK(Key({Int(1)}) != Key({Str("1")}));
  CHECK(Key({Int(1)}) != Key({boolean}));
  CHECK(Key({v1::Value()}) != Key({Str("")}));
  CHECK(Key({Str("")}) != Key({bytes}));
  CHECK(Key({bytes}) != Key({json}));
}

TEST_CASE("AppendKeyBytes: doubles that compare equal share a key") {
  v1::Value zero, negative_zero;
  zero.set_double_value(0.0);
  negative_zero.set_double_value(-0.0);
  CHECK(Key({zero}) == Key({negative_zero}));
}

TEST_CASE("SplitHash is XXH3-64 with the seed") {
  // XXH3-64 of the empty input with seed 0 (xxHash's published test vector).
  CHECK(SplitHash(0, "") == 0x2D06800538D394C2ULL);
  CHECK(SplitHash(1, "key") != SplitHash(2, "key"));
}

TEST_CASE("AssignByHash compares the hash with integer cut points") {
  constexpr uint64_t kHalf = uint64_t{1} << 63;              // 0.5 · 2^64
  constexpr uint64_t kThreeQuarters = kHalf + (kHalf >> 1);  // 0.75 · 2^64
  CHECK(AssignByHash(0, 0.5, 0.25) == Split::kTrain);
  CHECK(AssignByHash(kHalf - 1, 0.5, 0.25) == Split::kTrain);
  CHECK(AssignByHash(kHalf, 0.5, 0.25) == Split::kValidation);
  CHECK(AssignByHash(kThreeQuarters - 1, 0.5, 0.25) == Split::kValidation);
  CHECK(AssignByHash(kThreeQuarters, 0.5, 0.25) == Split::kTest);
}

TEST_CASE("AssignByHash edge fractions") {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (uint64_t hash : {uint64_t{0}, uint64_t{12345}, kMax / 2, kMax}) {
    CHECK(AssignByHash(hash, 1, 0) == Split::kTrain);
    CHECK(AssignByHash(hash, 0, 0) == Split::kTest);
    CHECK(AssignByHash(hash, 0, 1) == Split::kValidation);
  }
  // 0.7 + 0.3 is 1 only up to rounding; a test fraction of 0 still means no test.
  CHECK(AssignByHash(kMax, 0.7, 0.3) == Split::kValidation);
  CHECK(AssignByHash(kMax, 0.1, 0.9) == Split::kValidation);
}

TEST_CASE("AssignByHash matches the fractions on 100k keys") {
  Counts counts{};
  for (int64_t i = 0; i < 100000; ++i) {
    ++counts[static_cast<int>(AssignByHash(HashOf(42, i), 0.8, 0.1))];
  }
  // 8 binomial standard deviations at most: sqrt(0.8·0.2/1e5) = 0.0013.
  CHECK(std::abs(counts[0] / 1e5 - 0.8) < 0.01);
  CHECK(std::abs(counts[1] / 1e5 - 0.1) < 0.01);
  CHECK(std::abs(counts[2] / 1e5 - 0.1) < 0.01);
}

TEST_CASE("Assignment is reproducible and depends on the seed") {
  int64_t moved = 0;
  for (int64_t i = 0; i < 1000; ++i) {
    const Split first = AssignByHash(HashOf(7, i), 0.8, 0.1);
    CHECK(AssignByHash(HashOf(7, i), 0.8, 0.1) == first);
    if (AssignByHash(HashOf(8, i), 0.8, 0.1) != first) ++moved;
  }
  // P(same split) = 0.8² + 0.1² + 0.1² = 0.66: about 340 of 1000 keys move.
  CHECK(moved > 100);
}

TEST_CASE("Appending keys never moves an existing key") {
  std::vector<Split> before;
  for (int64_t i = 0; i < 10000; ++i) before.push_back(AssignByHash(HashOf(3, i), 0.8, 0.1));
  std::vector<Split> after;
  for (int64_t i = 0; i < 20000; ++i) after.push_back(AssignByHash(HashOf(3, i), 0.8, 0.1));
  for (int64_t i = 0; i < 10000; ++i) REQUIRE(after[i] == before[i]);
}

TEST_CASE("Rows of one group never straddle splits") {
  // 3000 rows in 300 groups; each row hashes its group's value, not its own key.
  std::map<std::string, Split> group_split;
  for (int64_t row = 0; row < 3000; ++row) {
    const std::string group = "g" + std::to_string(row % 300);
    const Split split = AssignByHash(SplitHash(5, Key({Str(group)})), 0.8, 0.1);
    auto [it, inserted] = group_split.emplace(group, split);
    REQUIRE(it->second == split);
  }
}

TEST_CASE("Stratified: a group on a cut point goes whole to the later split") {
  // 7 groups of 3 rows = 21 rows, sorted by hash into runs [0-2] [3-5] ... [18-20].
  // Train target round(0.5·21) = round(10.5) = 11 cuts inside the run [9-11], so
  // that group starts validation: 9 train rows. Validation target round(0.25·21) = 5
  // puts the next cut at index 16, inside [15-17]: validation gets [9-14], test [15-20].
  StratifiedCuts cuts(0.5, 0.25);
  auto group_hash = [](int64_t row) { return SplitHash(5, Key({Int(row % 7)})); };
  for (int64_t row = 0; row < 21; ++row) cuts.Add("one class", group_hash(row));
  cuts.Finish();
  Counts counts{};
  std::map<int64_t, Split> group_split;
  for (int64_t row = 0; row < 21; ++row) {
    const Split split = cuts.Assign("one class", group_hash(row));
    ++counts[static_cast<int>(split)];
    auto [it, inserted] = group_split.emplace(row % 7, split);
    REQUIRE(it->second == split);
  }
  CHECK(counts == Counts{9, 6, 6});
}

// Adds `sizes[c]` distinct rows to class "c<index>", then counts each class's splits.
std::vector<Counts> Stratify(const std::vector<int64_t>& sizes, double train, double validation) {
  StratifiedCuts cuts(train, validation);
  auto hash = [](size_t c, int64_t i) {
    return SplitHash(9, Key({Int(static_cast<int64_t>(c)), Int(i)}));
  };
  for (size_t c = 0; c < sizes.size(); ++c) {
    for (int64_t i = 0; i < sizes[c]; ++i) cuts.Add("c" + std::to_string(c), hash(c, i));
  }
  cuts.Finish();
  std::vector<Counts> counts(sizes.size());
  for (size_t c = 0; c < sizes.size(); ++c) {
    for (int64_t i = 0; i < sizes[c]; ++i) {
      ++counts[c][static_cast<int>(cuts.Assign("c" + std::to_string(c), hash(c, i)))];
    }
  }
  return counts;
}

TEST_CASE("Stratified: each class hits its rounded targets") {
  SECTION("0.8 / 0.1 / 0.1 over classes of 1000, 100 and 10 rows") {
    const auto counts = Stratify({1000, 100, 10}, 0.8, 0.1);
    CHECK(counts[0] == Counts{800, 100, 100});
    CHECK(counts[1] == Counts{80, 10, 10});
    CHECK(counts[2] == Counts{8, 1, 1});
  }
  SECTION("rounding: 7 rows at 0.7 / 0.2 → round(4.9) = 5, round(1.4) = 1, rest 1") {
    CHECK(Stratify({7}, 0.7, 0.2)[0] == Counts{5, 1, 1});
  }
  SECTION("validation is capped so the total fits: 3 rows at 0.5 / 0.5 → 2, then 1") {
    CHECK(Stratify({3}, 0.5, 0.5)[0] == Counts{2, 1, 0});
  }
  SECTION("edge fractions") {
    CHECK(Stratify({1000, 10, 1}, 1, 0) ==
          std::vector<Counts>{{1000, 0, 0}, {10, 0, 0}, {1, 0, 0}});
    CHECK(Stratify({1000, 10, 1}, 0, 0) ==
          std::vector<Counts>{{0, 0, 1000}, {0, 0, 10}, {0, 0, 1}});
    CHECK(Stratify({10}, 0, 1)[0] == Counts{0, 10, 0});
  }
}

TEST_CASE("Stratified: a class never added falls back to AssignByHash") {
  StratifiedCuts cuts(0.8, 0.1);
  cuts.Add("seen", 1);
  cuts.Finish();
  for (int64_t i = 0; i < 100; ++i) {
    CHECK(cuts.Assign("unseen", HashOf(1, i)) == AssignByHash(HashOf(1, i), 0.8, 0.1));
  }
}

}  // namespace
}  // namespace gleaner::split
