#include "ingest/profile/dataset_profile.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/test_key_hash.h"

namespace gleaner::profile {
namespace {

using nlohmann::json;
using schema::ColumnType;

const std::vector<ColumnDescription> kColumns = {{"n", ColumnType::kInt64, false},
                                                 {"s", ColumnType::kString, true}};

std::vector<v1::Value> Row(int64_t i) {
  std::vector<v1::Value> row(2);
  if (i % 7 != 0) row[0].set_int_value(i);
  row[1].set_string_value("class-" + std::to_string(i % 5));
  return row;
}

// Rows [from, to), two rows a key, their key sample comparing both columns.
DatasetProfile Profile(int64_t from, int64_t to) {
  DatasetProfile profile(kColumns, KeySample("id", {{"n", 0}, {"s", 1}}));
  for (int64_t i = from; i < to; ++i) {
    profile.AddKeyedRow(static_cast<size_t>(i % 3),
                        testing::TestKeyHash(static_cast<uint64_t>(i / 2)), Row(i));
  }
  return profile;
}

TEST_CASE("profile.json reads back as the same profile, and merges as the whole") {
  testing::TempDir tmp;
  const DatasetProfile whole = Profile(0, 30000);
  REQUIRE(whole.WriteFile(tmp / "profile.json").ok());
  DatasetProfile back;
  REQUIRE(DatasetProfile::ReadFile(tmp / "profile.json", &back).ok());
  CHECK(back.ToJson() == whole.ToJson());
  CHECK(back.rows() == std::array<int64_t, 3>{10000, 10000, 10000});
  REQUIRE(back.keys().has_value());
  CHECK(back.keys()->entries() == whole.keys()->entries());

  // Two halves written and read back merge into the whole's counts and sketches.
  DatasetProfile first, second;
  REQUIRE(Profile(0, 12000).WriteFile(tmp / "a.json").ok());
  REQUIRE(Profile(12000, 30000).WriteFile(tmp / "b.json").ok());
  REQUIRE(DatasetProfile::ReadFile(tmp / "a.json", &first).ok());
  REQUIRE(DatasetProfile::ReadFile(tmp / "b.json", &second).ok());
  REQUIRE(second.Merge(first).ok());
  CHECK(second.rows() == whole.rows());
  // Key 5999 has a row on each side of the cut: the merged sample sums them.
  REQUIRE(second.keys().has_value());
  CHECK(second.keys()->entries() == whole.keys()->entries());
  const json got = second.SummaryJson(), want = whole.SummaryJson();
  for (size_t c = 0; c < kColumns.size(); ++c) {
    for (const char* field : {"count", "nulls", "min", "max", "distinct", "top"}) {
      INFO(kColumns[c].name << "." << field);
      CHECK(got["columns"][c]["summary"].value(field, json()) ==
            want["columns"][c]["summary"].value(field, json()));
    }
  }
  // The summary is the file without the sketches.
  CHECK_FALSE(want["columns"][0].contains("sketches"));
  CHECK(whole.ToJson()["columns"][0].contains("sketches"));
}

TEST_CASE("profile.json's size depends on the columns, not on the rows") {
  const size_t small = Profile(0, 10000).ToJson().dump().size();
  const size_t medium = Profile(0, 100000).ToJson().dump().size();
  const size_t large = Profile(0, 400000).ToJson().dump().size();
  INFO(small << " bytes, then " << medium << ", then " << large);
  CHECK(medium < small * 11 / 10);
  CHECK(large < medium * 11 / 10);
  CHECK(large < 300000);
}

TEST_CASE("a profile.json without a key sample, written before profiles kept one, still reads") {
  json old = Profile(0, 300).ToJson();
  old.erase("keys");
  DatasetProfile back;
  REQUIRE(DatasetProfile::FromJson(old, "old.json", &back).ok());
  CHECK_FALSE(back.keys().has_value());
  CHECK(back.total_rows() == 300);
  // Merged with a sampled profile, the sample of only part of the rows is dropped.
  DatasetProfile sampled = Profile(300, 600);
  REQUIRE(sampled.Merge(back).ok());
  CHECK_FALSE(sampled.keys().has_value());
  // A sample whose rows do not add up to the dataset's is refused.
  json bad = Profile(0, 300).ToJson();
  bad["keys"]["rows"][0] = 2 + bad["keys"]["rows"][0].get<int>();
  CHECK(DatasetProfile::FromJson(bad, "bad.json", &back).IsInvalidArgument());
}

TEST_CASE("a profile.json that is not a profile is refused with the file and field named") {
  testing::TempDir tmp;
  const json good = Profile(0, 100).ToJson();
  const auto refused = [&](const std::string& text, const std::string& needle) {
    std::ofstream(tmp / "p.json") << text;
    DatasetProfile out;
    const Status s = DatasetProfile::ReadFile(tmp / "p.json", &out);
    INFO(s.ToString());
    CHECK(s.IsInvalidArgument());
    CHECK(s.ToString().find(tmp / "p.json") != std::string::npos);
    CHECK(s.ToString().find(needle) != std::string::npos);
  };
  refused("{\"format\": ", "not JSON");
  refused(std::string(5000, '[') + std::string(5000, ']'), "nests deeper");
  json j = good;
  j["format"] = "gleaner-profile/2";
  refused(j.dump(), "format");
  j = good;
  j["rows"]["train"] = 1;  // the columns no longer account for every row
  refused(j.dump(), "count + nulls");
  j = good;
  j["columns"][1]["type"] = "text";
  refused(j.dump(), ".columns[1]: type");
  j = good;
  j["columns"][0]["sketches"]["quantiles"]["levels"][0][0] = "x";
  refused(j.dump(), ".columns[0].sketches.quantiles: levels[0]");
  j = good;
  j["columns"][1]["sketches"].erase("top");
  refused(j.dump(), ".columns[1].sketches.top");

  DatasetProfile out;
  CHECK(DatasetProfile::ReadFile(tmp / "missing.json", &out).IsNotFound());
}

TEST_CASE("profiles of other columns refuse to merge") {
  DatasetProfile a(kColumns), b({kColumns[0]});
  CHECK(a.Merge(b).IsInvalidArgument());
}

}  // namespace
}  // namespace gleaner::profile
