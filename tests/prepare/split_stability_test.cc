// Splits through `gleaner prepare`: a row's split depends only on its key (or
// group) and the seed, so appending records moves no existing row; fractions
// hold on 100,000 rows; a group never straddles splits; the dataset version
// is a function of the inputs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

using nlohmann::json;

std::string Rules(int seed, const std::string& group = "") {
  return "dataset: stable\n"
         "fields:\n"
         "  id:  {type: string, required: true}\n"
         "  grp: {type: string}\n"
         "  x:   {type: int, parse: number}\n"
         "split: {key: [id], seed: " +
         std::to_string(seed) + (group.empty() ? "" : ", group: " + group) +
         ", train: 0.8, validation: 0.1, test: 0.1}\n";
}

// Records first..first+count-1: id "k<n>", group "g<n % 97>", x = n.
std::vector<v1::Record> Records(int first, int count) {
  std::vector<v1::Record> records;
  records.reserve(count);
  for (int n = first; n < first + count; ++n) {
    records.push_back(Scraped("items", "https://items.example/i/" + std::to_string(n), kT0 + n,
                              {{"id", "k" + std::to_string(n)},
                               {"grp", "g" + std::to_string(n % 97)},
                               {"x", std::to_string(n)}}));
  }
  return records;
}

class Store {
 public:
  Store() : dir_(tmp_ / "store") {}
  void Stage(int first, int count) { StageRecords(dir_, "items", Records(first, count)); }
  // Prepares with `rules` into a fresh directory and returns it.
  std::string Prepare(const std::string& rules, const std::string& format) {
    const std::string name = "run" + std::to_string(++runs_);
    const std::string rules_path = tmp_ / (name + ".yaml");
    WriteFile(rules_path, rules);
    const std::string out = tmp_ / name;
    const ProcessResult result = Gleaner({"prepare", "--job", "items", "--rules", rules_path,
                                          "--out", out, "--data", dir_, "--format", format});
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    return out;
  }

 private:
  TempDir tmp_;
  std::string dir_;
  int runs_ = 0;
};

// Every kept row's split, by id, from a JSON Lines dataset (group → the
// row's "grp" when `groups` is given).
std::map<std::string, std::string> JsonlSplits(
    const std::string& out, std::map<std::string, std::set<std::string>>* groups = nullptr) {
  const json manifest = ReadJsonFile(out + "/manifest.json");
  std::map<std::string, std::string> split_of;
  for (const char* split : {"train", "validation", "test"}) {
    size_t rows = 0;
    for (const std::string& path : ShardPaths(manifest, split)) {
      for (const json& row : ReadJsonl(out + "/" + path)) {
        ++rows;
        CHECK(split_of.emplace(row["id"].get<std::string>(), split).second);
        if (groups) (*groups)[row["grp"].get<std::string>()].insert(split);
      }
    }
    CHECK(manifest["splits"][split]["rows"] == rows);
  }
  return split_of;
}

TEST_CASE("appending records to a job moves no existing row to another split") {
  Store store;
  store.Stage(0, 2000);
  const std::string first = store.Prepare(Rules(17), "parquet");
  auto sets = ReadParquetDataset(first);
  std::map<std::string, std::string> before;
  for (const char* split : {"train", "validation", "test"}) {
    for (const json& row : sets[split].rows) {
      CHECK(before.emplace(row["id"].get<std::string>(), split).second);
    }
  }
  REQUIRE(before.size() == 2000);
  CHECK(sets["quarantine"].rows.empty());

  store.Stage(2000, 2000);  // the same job, new batches
  const std::map<std::string, std::string> after = JsonlSplits(store.Prepare(Rules(17), "jsonl"));
  REQUIRE(after.size() == 4000);
  int moved = 0;
  for (const auto& [id, split] : before) {
    const auto it = after.find(id);
    REQUIRE(it != after.end());
    if (it->second != split) ++moved;
  }
  CHECK(moved == 0);
}

TEST_CASE("split fractions hold within 1% on 100,000 rows") {
  Store store;
  store.Stage(0, 100000);
  const std::string out = store.Prepare(Rules(5), "csv");
  const json manifest = ReadJsonFile(out + "/manifest.json");
  const double fractions[] = {0.8, 0.1, 0.1};
  int64_t total = 0;
  int i = 0;
  for (const char* split : {"train", "validation", "test"}) {
    int64_t rows = 0;
    for (const std::string& path : ShardPaths(manifest, split)) {
      // One CRLF-terminated line per row after the header.
      const std::string text = ReadFile(out + "/" + path);
      rows += std::count(text.begin(), text.end(), '\n') - 1;
    }
    INFO(split << ": " << rows << " rows");
    CHECK(manifest["splits"][split]["rows"] == rows);
    CHECK(std::abs(rows / 100000.0 - fractions[i++]) < 0.01);
    total += rows;
  }
  CHECK(total == 100000);
}

TEST_CASE("rows of one group share a split") {
  Store store;
  store.Stage(0, 2000);
  std::map<std::string, std::set<std::string>> groups;
  const auto split_of = JsonlSplits(store.Prepare(Rules(17, "grp"), "jsonl"), &groups);
  CHECK(split_of.size() == 2000);
  CHECK(groups.size() == 97);
  std::set<std::string> used;
  for (const auto& [group, splits] : groups) {
    INFO("group " << group);
    CHECK(splits.size() == 1);
    used.insert(splits.begin(), splits.end());
  }
  // 97 groups at 0.8 / 0.1 / 0.1: each split gets some (a miss has odds below 1e-4).
  CHECK(used.size() == 3);
}

TEST_CASE("stratify splits every class in the configured proportions") {
  Store store;
  store.Stage(0, 2000);
  const std::string rules =
      "dataset: stratified\n"
      "fields:\n"
      "  id:  {type: string, required: true}\n"
      "  grp: {type: string}\n"
      "  x:   {type: int, parse: number}\n"
      "split: {key: [id], stratify: grp, seed: 5, train: 0.8, validation: 0.1, test: 0.1}\n";
  std::map<std::string, std::set<std::string>> unused;
  const auto split_of = JsonlSplits(store.Prepare(rules, "jsonl"), &unused);
  REQUIRE(split_of.size() == 2000);
  // Class of id k<n> is g<n % 97>: 2000 = 97 * 20 + 60, so classes g0..g59
  // hold 21 rows (train round(16.8) = 17, validation round(2.1) = 2, test 2)
  // and g60..g96 hold 20 (16 / 2 / 2).
  std::map<int, std::map<std::string, int>> counts;
  for (const auto& [id, split] : split_of) ++counts[std::stoi(id.substr(1)) % 97][split];
  REQUIRE(counts.size() == 97);
  for (const auto& [cls, by_split] : counts) {
    INFO("class g" << cls);
    CHECK(by_split.at("train") == (cls < 60 ? 17 : 16));
    CHECK(by_split.at("validation") == 2);
    CHECK(by_split.at("test") == 2);
  }
}

TEST_CASE("the dataset version is the same for the same inputs and changes with the seed") {
  Store store;
  store.Stage(0, 2000);
  const auto version = [&](int seed) {
    return ReadJsonFile(store.Prepare(Rules(seed), "parquet") + "/manifest.json")["version"]
        .get<std::string>();
  };
  const std::string a = version(17);
  CHECK(!a.empty());
  CHECK(version(17) == a);
  CHECK(version(18) != a);
}

}  // namespace
}  // namespace gleaner::testing
