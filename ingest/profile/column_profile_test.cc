#include "ingest/profile/column_profile.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::profile {
namespace {

using nlohmann::json;
using schema::ColumnType;

const std::vector<ColumnDescription> kColumns = {
    {"price", ColumnType::kDouble, false}, {"qty", ColumnType::kInt64, false},
    {"flag", ColumnType::kBool, false},    {"seen", ColumnType::kTimestampMicros, false},
    {"title", ColumnType::kString, false}, {"shelf", ColumnType::kString, true}};

// Rows of kColumns, about one value in ten null: normal prices, small
// quantities, timestamps over a year, titles of 1..30 characters (some
// accented), a dozen shelves.
std::vector<std::vector<v1::Value>> Rows(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> price(50, 20);
  std::uniform_int_distribution<int64_t> qty(0, 40), len(1, 30), shelf(0, 11);
  std::uniform_int_distribution<int64_t> seen(1700000000000000, 1731536000000000);
  std::bernoulli_distribution null(0.1), coin(0.3);
  std::vector<std::vector<v1::Value>> rows(n, std::vector<v1::Value>(kColumns.size()));
  for (auto& row : rows) {
    if (!null(rng)) row[0].set_double_value(price(rng));
    if (!null(rng)) row[1].set_int_value(qty(rng));
    if (!null(rng)) row[2].set_bool_value(coin(rng));
    if (!null(rng)) row[3].set_timestamp_micros(seen(rng));
    if (!null(rng)) {
      std::string title;
      for (int64_t i = len(rng); i > 0; --i) title += coin(rng) ? "\xC3\xA9" : "x";
      row[4].set_string_value(title);
    }
    if (!null(rng)) row[5].set_string_value("shelf-" + std::to_string(shelf(rng)));
  }
  return rows;
}

json ToOracleJson(const v1::Value& v) {
  switch (v.kind_case()) {
    case v1::Value::kDoubleValue:
      return v.double_value();
    case v1::Value::kIntValue:
      return v.int_value();
    case v1::Value::kBoolValue:
      return v.bool_value() ? 1 : 0;
    case v1::Value::kTimestampMicros:
      return v.timestamp_micros();
    case v1::Value::kStringValue:
      return v.string_value();
    default:
      return nullptr;
  }
}

// NumPy's statistics of `rows`, by column name (profile_oracle.py).
json NumPyOracle(const std::vector<std::vector<v1::Value>>& rows) {
  testing::TempDir tmp;
  json data = {{"columns", json::array()}, {"rows", json::array()}};
  for (const auto& c : kColumns) {
    data["columns"].push_back({{"name", c.name}, {"type", schema::ColumnTypeName(c.type)}});
  }
  for (const auto& row : rows) {
    json r = json::array();
    for (const auto& v : row) r.push_back(ToOracleJson(v));
    data["rows"].push_back(std::move(r));
  }
  std::ofstream(tmp / "data.json") << data.dump();
  const testing::ProcessResult oracle = testing::RunProcess(
      {"/usr/bin/python3", std::string(GLEANER_SOURCE_DIR) + "/ingest/profile/profile_oracle.py",
       tmp / "data.json"});
  INFO(oracle.err);
  REQUIRE(oracle.exit_code == 0);
  return json::parse(oracle.out);
}

std::vector<ColumnProfile> Profile(const std::vector<std::vector<v1::Value>>& rows) {
  std::vector<ColumnProfile> profiles(kColumns.begin(), kColumns.end());
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) profiles[i].Add(row[i]);
  }
  return profiles;
}

// Numbers equal to 1e-9 (relative to their size when that is above 1).
void CheckClose(const json& got, const json& want, const std::string& what) {
  INFO(what << ": got " << got << ", NumPy " << want);
  REQUIRE(got.is_number());
  const double a = got.get<double>(), b = want.get<double>();
  CHECK(std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)));
}

TEST_CASE("exact statistics equal NumPy's on the same data") {
  // 2,000 rows: every sketch is still exact (fewer than 2,048 values a column).
  const auto rows = Rows(2000, 1);
  const json numpy = NumPyOracle(rows);
  for (const ColumnProfile& column : Profile(rows)) {
    const json summary = column.SummaryJson();
    const json& want = numpy[column.description().name];
    INFO(column.description().name << ": " << summary.dump().substr(0, 400));
    CHECK(summary["count"] == want["count"]);
    CHECK(summary["nulls"] == want["nulls"]);
    CHECK(summary["distinct"] == want["distinct"]);
    CHECK(summary["distinct_exact"] == true);
    if (!column.numeric()) {
      if (want["distinct"].get<size_t>() <= FrequentItems::kCapacity) {
        CHECK(summary["top_exact"] == true);
        CHECK(summary["top"] == want["top"]);
      } else {
        // Past capacity each listed count is low by at most top_max_error.
        CHECK(summary["top_exact"] == false);
        const int64_t max_error = summary["top_max_error"];
        CHECK(max_error * static_cast<int64_t>(FrequentItems::kCapacity + 1) <=
              summary["count"].get<int64_t>());
        CHECK(summary["top"][0]["value"] == want["top"][0]["value"]);
        for (const json& item : summary["top"]) {
          for (const json& truth : want["top"]) {
            if (truth["value"] != item["value"]) continue;
            CHECK(item["count"] <= truth["count"]);
            CHECK(item["count"].get<int64_t>() >= truth["count"].get<int64_t>() - max_error);
          }
        }
      }
      CHECK(summary["length"]["min"] == want["length"]["min"]);
      CHECK(summary["length"]["max"] == want["length"]["max"]);
      CheckClose(summary["length"]["mean"], want["length"]["mean"], "length mean");
      CheckClose(summary["length"]["sd"], want["length"]["sd"], "length sd");
      continue;
    }
    CHECK(summary["quantiles_exact"] == true);
    CHECK(summary["min"] == want["min"]);
    CHECK(summary["max"] == want["max"]);
    CheckClose(summary["mean"], want["mean"], "mean");
    CheckClose(summary["sd"], want["sd"], "sd");
    CHECK(summary["quantiles"] == want["quantiles"]);
    CHECK(summary["histogram"]["counts"] == want["histogram"]["counts"]);
    const json& edges = summary["histogram"]["edges"];
    REQUIRE(edges.size() == want["histogram"]["edges"].size());
    for (size_t i = 0; i < edges.size(); ++i) {
      CheckClose(edges[i], want["histogram"]["edges"][i], "edge");
    }
  }
}

TEST_CASE("profiles of shards merged in any order equal the profile of the whole") {
  // 40,000 rows: the numeric sketches are past their exact limits, the
  // shelves (12 values) stay exact, titles are past 4,096 distinct.
  const auto rows = Rows(40000, 2);
  const std::vector<ColumnProfile> whole = Profile(rows);
  std::vector<std::vector<ColumnProfile>> shards;
  for (size_t s = 0; s < 4; ++s) {
    shards.push_back(Profile({rows.begin() + s * 10000, rows.begin() + (s + 1) * 10000}));
  }
  for (const std::vector<size_t>& order :
       std::vector<std::vector<size_t>>{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}}) {
    std::vector<ColumnProfile> merged(kColumns.begin(), kColumns.end());
    for (size_t s : order) {
      for (size_t c = 0; c < kColumns.size(); ++c) REQUIRE(merged[c].Merge(shards[s][c]).ok());
    }
    for (size_t c = 0; c < kColumns.size(); ++c) {
      const json got = merged[c].SummaryJson(), want = whole[c].SummaryJson();
      INFO(kColumns[c].name << " in order " << order[0] << order[1] << order[2] << order[3]);
      for (const char* exact : {"count", "nulls", "non_finite", "min", "max", "top_exact"}) {
        CHECK(got.value(exact, json()) == want.value(exact, json()));
      }
      // Exact hash sets and registers alike merge to the whole's very sketch.
      CHECK(merged[c].distinct().ToJson() == whole[c].distinct().ToJson());
      CHECK(got["distinct"] == want["distinct"]);
      if (merged[c].numeric()) {
        CheckClose(got["mean"], want["mean"], "mean");
        CheckClose(got["sd"], want["sd"], "sd");
        // Quantiles within the stated rank error of the whole's exact ranks.
        std::vector<double> sorted;
        for (const auto& row : rows) {
          const v1::Value& v = row[c];
          if (v.kind_case() == v1::Value::kDoubleValue) sorted.push_back(v.double_value());
          if (v.kind_case() == v1::Value::kIntValue) sorted.push_back(v.int_value());
          if (v.kind_case() == v1::Value::kTimestampMicros) sorted.push_back(v.timestamp_micros());
          if (v.kind_case() == v1::Value::kBoolValue) sorted.push_back(v.bool_value());
        }
        std::sort(sorted.begin(), sorted.end());
        for (double q : kSummaryQuantiles) {
          const double x = merged[c].quantiles().Quantile(q);
          const auto fraction_before = [&](std::vector<double>::const_iterator it) {
            return static_cast<double>(it - sorted.cbegin()) / static_cast<double>(sorted.size());
          };
          // The true ranks of x: the fractions below it and at or below it.
          const double rank_below =
              fraction_before(std::lower_bound(sorted.cbegin(), sorted.cend(), x));
          const double rank = fraction_before(std::upper_bound(sorted.cbegin(), sorted.cend(), x));
          INFO("q " << q << " -> " << x << " ranks [" << rank_below << ", " << rank << "]");
          CHECK(rank >= q - KllSketch::kRankError);
          CHECK(rank_below <= q + KllSketch::kRankError);
        }
      } else {
        CHECK(got["length"]["min"] == want["length"]["min"]);
        CHECK(got["length"]["max"] == want["length"]["max"]);
        CheckClose(got["length"]["mean"], want["length"]["mean"], "length mean");
        if (want["top_exact"] == true) CHECK(got["top"] == want["top"]);
      }
    }
  }
}

TEST_CASE("NaN and infinities are counted apart and keep the numbers' statistics finite") {
  ColumnProfile column({"x", ColumnType::kDouble, false});
  const double inf = std::numeric_limits<double>::infinity();
  for (double v : {1.0, std::nan(""), 3.0, inf, -inf}) {
    v1::Value value;
    value.set_double_value(v);
    column.Add(value);
  }
  column.Add(v1::Value());
  const json summary = column.SummaryJson();
  CHECK(summary["count"] == 5);
  CHECK(summary["nulls"] == 1);
  CHECK(summary["non_finite"] == 3);
  CHECK(summary["mean"] == 2.0);
  CHECK(summary["max"] == 3.0);
  CHECK(summary["distinct"] == 5);
}

TEST_CASE("profiles of different columns refuse to merge") {
  ColumnProfile a({"x", ColumnType::kDouble, false}), b({"x", ColumnType::kInt64, false});
  CHECK(a.Merge(b).IsInvalidArgument());
  ColumnProfile c({"y", ColumnType::kDouble, false});
  CHECK(a.Merge(c).IsInvalidArgument());
}

}  // namespace
}  // namespace gleaner::profile
