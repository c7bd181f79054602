// profile.json end to end: `gleaner demo` crawls and prepares the sample
// shop, and the profile written beside manifest.json says what DuckDB reads
// in the kept shards (train, validation, test; the quarantine is not
// profiled): per column count, nulls, distinct, min, max and mean. Then
// `gleaner profile` shows it, as a table and as JSON.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "tests/parquet_readers/parquet_read_back.h"
#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

using nlohmann::json;

// What DuckDB sees in one column of the kept rows.
struct Observed {
  int64_t count = 0, nulls = 0;
  std::set<std::string> distinct;
  std::vector<json> values;
};

// read.mjs prints INT64 and timestamps (microseconds) as decimal strings.
double AsNumber(const json& v) {
  return v.is_string() ? std::stod(v.get<std::string>()) : v.get<double>();
}

TEST_CASE("prepare writes profile.json whose figures are what DuckDB reads in the kept shards") {
  TempDir tmp;
  const ProcessResult demo = RunProcess(
      {GLEANER_BINARY, "demo", "--data", tmp / "data", "--out", tmp / "out"}, {}, tmp.path());
  INFO(demo.out << demo.err);
  REQUIRE(demo.exit_code == 0);
  const json manifest = ReadJsonFile(tmp / "out/manifest.json");
  const json profile = ReadJsonFile(tmp / "out/profile.json");

  std::vector<std::string> files;
  int64_t kept = 0;
  for (const char* split : {"train", "validation", "test"}) {
    for (const std::string& path : ShardPaths(manifest, split))
      files.push_back(tmp / ("out/" + path));
    CHECK(profile["rows"][split] == manifest["splits"][split]["rows"]);
    kept += manifest["splits"][split]["rows"].get<int64_t>();
  }
  CHECK(profile["rows"]["total"] == kept);
  REQUIRE(manifest["quarantine"]["rows"] > 0);  // rows that the profile must not count

  std::map<std::string, Observed> observed;
  for (const json& shard : ReadParquetFiles("duckdb", files)) {
    for (const json& row : shard["rows"]) {
      for (const auto& [name, value] : row.items()) {
        Observed& o = observed[name];
        if (value.is_null()) {
          ++o.nulls;
          continue;
        }
        ++o.count;
        o.distinct.insert(value.dump());
        o.values.push_back(value);
      }
    }
  }

  REQUIRE(profile["columns"].size() == manifest["schema"].size());
  for (const json& column : profile["columns"]) {
    const std::string name = column["name"];
    const json& s = column["summary"];
    INFO(name << ": " << s.dump().substr(0, 300));
    const Observed& o = observed.at(name);
    CHECK(s["count"] == o.count);
    CHECK(s["nulls"] == o.nulls);
    CHECK(s["distinct"] == o.distinct.size());
    if (column["type"] == "string") {
      CHECK(s.contains("top"));
      CHECK(column["categorical"] == (name == "category"));
      continue;
    }
    std::vector<double> numbers;
    for (const json& v : o.values) numbers.push_back(AsNumber(v));
    REQUIRE(!numbers.empty());
    double sum = 0;
    for (double x : numbers) sum += x;
    CHECK(AsNumber(s["min"]) == *std::min_element(numbers.begin(), numbers.end()));
    CHECK(AsNumber(s["max"]) == *std::max_element(numbers.begin(), numbers.end()));
    const double mean = sum / static_cast<double>(numbers.size());
    CHECK(std::abs(s["mean"].get<double>() - mean) <= 1e-9 * std::max(1.0, std::abs(mean)));
  }

  // The key sample: the demo splits by upc, one kept row each, so it holds
  // every upc DuckDB reads, comparing the rules' fields and not the metadata.
  const json& keys = profile["keys"];
  CHECK(keys["key"] == "upc");
  CHECK(keys["complete"] == true);
  CHECK(keys["rows"].size() == observed.at("upc").distinct.size());
  CHECK(keys["rows"] == std::vector<int>(observed.at("upc").distinct.size(), 1));
  CHECK(keys["columns"] == json{"title", "price", "rating", "upc", "availability", "reviews",
                                "category"});

  // `gleaner profile` prints a row per column, or the summary as JSON.
  const ProcessResult text = Gleaner({"profile", tmp / "out"});
  INFO(text.err);
  REQUIRE(text.exit_code == 0);
  for (const json& column : profile["columns"]) {
    CHECK(text.out.find("\n" + column["name"].get<std::string>() + " ") != std::string::npos);
  }
  const ProcessResult as_json = Gleaner({"profile", tmp / "out", "--json"});
  REQUIRE(as_json.exit_code == 0);
  json summary = profile;  // without the sketches: the columns' and the key sample
  for (json& column : summary["columns"]) column.erase("sketches");
  summary.erase("keys");
  CHECK(json::parse(as_json.out) == summary);

  const ProcessResult missing = Gleaner({"profile", tmp / "data"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("profile.json") != std::string::npos);
}

}  // namespace
}  // namespace gleaner::testing
