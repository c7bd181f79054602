#include "ingest/shards/csv_writer.h"

#include <catch2/catch.hpp>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/value_builders.h"

namespace gleaner::shards {
namespace {

using schema::ColumnType;
using testing::Bool;
using testing::Dbl;
using testing::Int;
using testing::Str;
using testing::Ts;

// A shard file in a scratch directory of its own.
struct TempFile {
  testing::TempDir dir;
  std::string path = dir / "part-00000.csv";
  std::string Read() const { return testing::ReadFile(path); }
};

TEST_CASE("CSV has a header row, CRLF line ends and RFC 4180 quoting") {
  const std::vector<ColumnSpec> columns = {
      {"title", ColumnType::kString, true},         {"n", ColumnType::kInt64, true},
      {"price", ColumnType::kDouble, true},         {"ok", ColumnType::kBool, true},
      {"when", ColumnType::kTimestampMicros, true},
  };
  TempFile file;
  std::unique_ptr<ShardWriter> writer;
  REQUIRE(OpenShardWriter(Format::kCsv, file.path, columns, WriterOptions(), &writer).ok());
  REQUIRE(writer->Append({Str("plain"), Int(42), Dbl(0.1), Bool(true), Ts(0)}).ok());
  REQUIRE(writer
              ->Append({Str("a,b \"c\"\nd"), Int(-1), Dbl(-2.5e-7), Bool(false),
                        Ts(86400LL * 1000000 + 500)})
              .ok());
  // An empty string is quoted; a null is an empty field.
  REQUIRE(writer->Append({Str(""), v1::Value(), v1::Value(), v1::Value(), v1::Value()}).ok());
  REQUIRE(writer->Append({v1::Value(), Int(0), Dbl(3), v1::Value(), v1::Value()}).ok());
  ShardStats stats;
  REQUIRE(writer->Close(&stats).ok());

  CHECK(file.Read() ==
        "title,n,price,ok,when\r\n"
        "plain,42,0.1,true,1970-01-01T00:00:00.000000Z\r\n"
        "\"a,b \"\"c\"\"\nd\",-1,-2.5e-07,false,1970-01-02T00:00:00.000500Z\r\n"
        "\"\",,,,\r\n"
        ",0,3,,\r\n");
  CHECK(stats.rows == 4);
  CHECK(stats.columns[0].null_count == 1);
  CHECK(stats.columns[0].min.string_value().empty());
  CHECK(stats.columns[1].null_count == 1);
  CHECK(stats.columns[1].max.int_value() == 42);
}

TEST_CASE("a null in a required CSV column is refused, naming the column") {
  TempFile file;
  std::unique_ptr<ShardWriter> writer;
  REQUIRE(OpenShardWriter(Format::kCsv, file.path, {{"id", ColumnType::kInt64, false}},
                          WriterOptions(), &writer)
              .ok());
  const Status s = writer->Append({v1::Value()});
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("'id'") != std::string::npos);
  REQUIRE(writer->Close(nullptr).ok());
  CHECK(file.Read() == "id\r\n");
}

}  // namespace
}  // namespace gleaner::shards
