// RowSpill round trips every value kind and reports a damaged file as
// Corruption instead of returning garbage rows.
#include "ingest/prepare/row_spill.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace gleaner::prepare {
namespace {

SpilledRow SampleRow() {
  SpilledRow row;
  row.source_url = "https://shop.example/p/1?q=ü";
  row.fetch_time_micros = -12345;  // before the epoch: zigzag must keep the sign
  row.index_in_page = 7;
  row.values.resize(8);
  row.values[0].set_string_value(std::string("a\0b", 3));
  row.values[1].set_int_value(INT64_MIN);
  row.values[2].set_double_value(-0.0);
  row.values[3].set_bool_value(true);
  row.values[4].set_timestamp_micros(1700000000000001);
  row.values[5].set_bytes_value("\xff\x00", 2);
  row.values[6].set_json_value(R"({"a":[1,2]})");
  // values[7] stays null
  return row;
}

TEST_CASE("spilled rows read back in order with every value kind intact") {
  testing::TempDir dir;
  RowSpill spill;
  REQUIRE(spill.Create(dir / "spill").ok());
  SpilledRow first = SampleRow();
  SpilledRow second;
  second.quarantined = true;
  second.source_url = "https://shop.example/p/2";
  second.values.resize(3);
  second.values[0].set_string_value("price.type");
  second.values[1].set_string_value("price: not a number: \"call us\"");
  second.values[2].set_string_value("{}");
  REQUIRE(spill.Append(first).ok());
  REQUIRE(spill.Append(second).ok());
  REQUIRE(spill.FinishWriting().ok());
  CHECK(spill.rows() == 2);

  SpilledRow got;
  Status status;
  REQUIRE(spill.Next(&got, &status));
  CHECK_FALSE(got.quarantined);
  CHECK(got.source_url == first.source_url);
  CHECK(got.fetch_time_micros == -12345);
  CHECK(got.index_in_page == 7);
  REQUIRE(got.values.size() == 8);
  CHECK(got.values[0].string_value() == std::string("a\0b", 3));
  CHECK(got.values[1].int_value() == INT64_MIN);
  CHECK(got.values[2].has_double_value());
  CHECK(std::signbit(got.values[2].double_value()));
  CHECK(got.values[3].bool_value());
  CHECK(got.values[4].timestamp_micros() == 1700000000000001);
  CHECK(got.values[5].bytes_value() == std::string("\xff\x00", 2));
  CHECK(got.values[6].json_value() == R"({"a":[1,2]})");
  CHECK(got.values[7].kind_case() == v1::Value::KIND_NOT_SET);

  REQUIRE(spill.Next(&got, &status));
  CHECK(got.quarantined);
  REQUIRE(got.values.size() == 3);
  CHECK(got.values[1].string_value() == "price: not a number: \"call us\"");
  CHECK_FALSE(spill.Next(&got, &status));
  CHECK(status.ok());
}

TEST_CASE("a spill file cut short is Corruption, not a partial row") {
  testing::TempDir dir;
  const std::string path = dir / "spill";
  RowSpill spill;
  REQUIRE(spill.Create(path).ok());
  REQUIRE(spill.Append(SampleRow()).ok());
  REQUIRE(spill.FinishWriting().ok());
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 3);
  SpilledRow got;
  Status status;
  CHECK_FALSE(spill.Next(&got, &status));
  CHECK(status.code() == Status::Code::kCorruption);
}

TEST_CASE("the spill file is removed with the spill") {
  testing::TempDir dir;
  const std::string path = dir / "spill";
  {
    RowSpill spill;
    REQUIRE(spill.Create(path).ok());
    REQUIRE(spill.Append(SampleRow()).ok());
    CHECK(std::filesystem::exists(path));
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace gleaner::prepare
