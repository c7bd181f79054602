#include "ingest/profile/frequent_items.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace gleaner::profile {
namespace {

// A Zipf-like stream: value i appears about n/(i+1) times, shuffled.
std::vector<std::string> ZipfStream(int distinct, int scale) {
  std::vector<std::string> stream;
  for (int i = 0; i < distinct; ++i) {
    for (int c = 0; c < scale / (i + 1) + 1; ++c) stream.push_back("v" + std::to_string(i));
  }
  std::shuffle(stream.begin(), stream.end(), std::mt19937(3));
  return stream;
}

std::map<std::string, int64_t> Truth(const std::vector<std::string>& stream) {
  std::map<std::string, int64_t> counts;
  for (const auto& v : stream) ++counts[v];
  return counts;
}

// Every counter is a lower bound within max_error of the truth, max_error is
// within total/(capacity+1), every value more frequent than max_error is
// among the counters, and no value has two counters (as it would if a
// reduction left a counter where lookups no longer reach it).
void CheckBounds(const FrequentItems& items, const std::map<std::string, int64_t>& truth) {
  CHECK(items.max_error() * static_cast<int64_t>(FrequentItems::kCapacity + 1) <= items.total());
  std::map<std::string, int64_t> reported;
  const auto top = items.Top(SIZE_MAX);
  for (const auto& item : top) reported[item.value] = item.count;
  CHECK(reported.size() == top.size());
  for (const auto& [value, count] : truth) {
    const auto it = reported.find(value);
    const int64_t estimate = it == reported.end() ? 0 : it->second;
    INFO(value << ": true " << count << ", reported " << estimate);
    CHECK(estimate <= count);
    CHECK(estimate >= count - items.max_error());
  }
}

TEST_CASE("at most capacity distinct values are counted exactly") {
  const auto stream = ZipfStream(FrequentItems::kCapacity, 1000);
  FrequentItems items;
  for (const auto& v : stream) items.Add(v);
  CHECK(items.exact());
  const auto truth = Truth(stream);
  const auto top = items.Top(3);
  REQUIRE(top.size() == 3);
  CHECK(top[0].value == "v0");
  CHECK(top[0].count == truth.at("v0"));
  CHECK(top[2].count == truth.at("v2"));
  FrequentItems back;
  REQUIRE(FrequentItems::FromJson(items.ToJson(), "t", &back).ok());
  CHECK(back.exact());
  CHECK(back.Top(SIZE_MAX).size() == FrequentItems::kCapacity);
}

TEST_CASE("past capacity each count is low by at most total/(capacity+1)") {
  const auto stream = ZipfStream(20000, 20000);  // ~ 200k values, 20k distinct
  FrequentItems items;
  for (const auto& v : stream) items.Add(v);
  CHECK_FALSE(items.exact());
  CheckBounds(items, Truth(stream));
  FrequentItems back;
  REQUIRE(FrequentItems::FromJson(items.ToJson(), "t", &back).ok());
  CheckBounds(back, Truth(stream));
  CHECK(back.Top(1)[0].value == "v0");
}

TEST_CASE("a summary reports what its JSON reads back as, between reductions too") {
  // 300 distinct values: past capacity, but not yet past the 2 x capacity
  // that triggers a reduction while adding.
  FrequentItems items;
  for (int i = 0; i < 300; ++i) {
    for (int c = 0; c <= i % 3; ++c) items.Add("v" + std::to_string(i));
  }
  FrequentItems back;
  REQUIRE(FrequentItems::FromJson(items.ToJson(), "t", &back).ok());
  CHECK_FALSE(items.exact());
  CHECK(items.exact() == back.exact());
  CHECK(items.max_error() == back.max_error());
  const auto a = items.Top(SIZE_MAX), b = back.Top(SIZE_MAX);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].value == b[i].value);
    CHECK(a[i].count == b[i].count);
  }
}

TEST_CASE("merged shard summaries keep the bound, in any order") {
  const auto stream = ZipfStream(20000, 20000);
  std::vector<FrequentItems> shards(7);
  for (size_t i = 0; i < stream.size(); ++i) shards[i % 7].Add(stream[i]);
  FrequentItems forward, backward;
  for (size_t i = 0; i < shards.size(); ++i) {
    forward.Merge(shards[i]);
    backward.Merge(shards[shards.size() - 1 - i]);
  }
  CHECK(forward.total() == static_cast<int64_t>(stream.size()));
  CheckBounds(forward, Truth(stream));
  CheckBounds(backward, Truth(stream));
}

TEST_CASE("long values are counted by a prefix cut at a character boundary") {
  FrequentItems items;
  const std::string e_acute = "\xC3\xA9";
  std::string long_value(FrequentItems::kMaxValueBytes - 1, 'a');
  items.Add(long_value + e_acute + "tail one");
  items.Add(long_value + e_acute + "tail two");
  const auto top = items.Top(5);
  REQUIRE(top.size() == 1);
  CHECK(top[0].value == long_value);
  CHECK(top[0].count == 2);
}

// [[value, count], ...] (a braced list of pairs would read as an object).
nlohmann::json Pairs(const std::vector<std::pair<std::string, int>>& pairs) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& [value, count] : pairs) items.push_back(nlohmann::json::array({value, count}));
  return items;
}

TEST_CASE("counters no summary could have written are refused") {
  FrequentItems out;
  const nlohmann::json good = {{"capacity", FrequentItems::kCapacity},
                               {"total", 3},
                               {"max_error", 0},
                               {"items", Pairs({{"a", 2}, {"b", 1}})}};
  REQUIRE(FrequentItems::FromJson(good, "t", &out).ok());
  for (const char* field : {"total", "max_error", "items", "capacity"}) {
    nlohmann::json j = good;
    j.erase(field);
    CHECK(FrequentItems::FromJson(j, "t", &out).IsInvalidArgument());
  }
  nlohmann::json j = good;
  j["items"] = Pairs({{"a", 2}, {"b", 2}});  // more than total
  CHECK(FrequentItems::FromJson(j, "t", &out).IsInvalidArgument());
  j["items"] = Pairs({{"a", 1}, {"a", 1}});  // a value twice
  CHECK(FrequentItems::FromJson(j, "t", &out).IsInvalidArgument());
  j["items"] = Pairs({{"a", 0}});
  CHECK(FrequentItems::FromJson(j, "t", &out).IsInvalidArgument());
  j = good;
  j["max_error"] = 4;
  CHECK(FrequentItems::FromJson(j, "t", &out).IsInvalidArgument());
}

}  // namespace
}  // namespace gleaner::profile
