#include "ingest/shards/jsonl_writer.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/json_nesting.h"
#include "ingest/shards/text_encoding.h"
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

namespace fs = std::filesystem;

// A shard file in a scratch directory of its own.
struct TempFile {
  testing::TempDir dir;
  std::string path = dir / "part-00000.jsonl";
  std::string Read() const { return testing::ReadFile(path); }
};

const std::vector<ColumnSpec> kColumns = {
    {"name", ColumnType::kString, true},       {"n", ColumnType::kInt64, false},
    {"x", ColumnType::kDouble, true},          {"ok", ColumnType::kBool, true},
    {"t", ColumnType::kTimestampMicros, true},
};

TEST_CASE("each row is one JSON object with keys in column order") {
  TempFile file;
  std::unique_ptr<ShardWriter> writer;
  REQUIRE(OpenShardWriter(Format::kJsonl, file.path, kColumns, WriterOptions(), &writer).ok());
  // 2024-03-01T12:00:00Z is 1709294400 s after the epoch.
  REQUIRE(writer
              ->Append({Str("say \"hi\"\n"), Int(-5), Dbl(1.5), Bool(true),
                        Ts(1709294400LL * 1000000 + 1)})
              .ok());
  REQUIRE(writer->Append({v1::Value(), Int(7), v1::Value(), v1::Value(), Ts(-1)}).ok());
  REQUIRE(writer
              ->Append({Str("\xC3\xA9t\xC3\xA9 a\xFF"), Int(0), Dbl(std::nan("")), Bool(false),
                        v1::Value()})
              .ok());
  ShardStats stats;
  REQUIRE(writer->Close(&stats).ok());

  CHECK(file.Read() ==
        "{\"name\":\"say \\\"hi\\\"\\n\",\"n\":-5,\"x\":1.5,\"ok\":true,"
        "\"t\":\"2024-03-01T12:00:00.000001Z\"}\n"
        "{\"name\":null,\"n\":7,\"x\":null,\"ok\":null,\"t\":\"1969-12-31T23:59:59.999999Z\"}\n"
        "{\"name\":\"\xC3\xA9t\xC3\xA9 "
        "a\xEF\xBF\xBD\",\"n\":0,\"x\":null,\"ok\":false,\"t\":null}\n");
  CHECK(stats.rows == 3);
  CHECK(stats.bytes == static_cast<int64_t>(fs::file_size(file.path)));
  CHECK(stats.columns[0].null_count == 1);
  CHECK(stats.columns[0].min.string_value() == "say \"hi\"\n");
  CHECK(stats.columns[0].max.string_value() == "\xC3\xA9t\xC3\xA9 a\xEF\xBF\xBD");
  CHECK(stats.columns[1].min.int_value() == -5);
  CHECK(stats.columns[1].max.int_value() == 7);
  CHECK(stats.columns[2].min.double_value() == 1.5);  // NaN is no bound
  CHECK(stats.columns[4].min.timestamp_micros() == -1);
}

TEST_CASE("a row with a value of the wrong type is refused and not written") {
  TempFile file;
  std::unique_ptr<ShardWriter> writer;
  REQUIRE(OpenShardWriter(Format::kJsonl, file.path, kColumns, WriterOptions(), &writer).ok());
  const Status s = writer->Append({Str("a"), Dbl(1), v1::Value(), v1::Value(), v1::Value()});
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("'n'") != std::string::npos);
  ShardStats stats;
  REQUIRE(writer->Close(&stats).ok());
  CHECK(stats.rows == 0);
  CHECK(file.Read().empty());
}

TEST_CASE("a json value nesting past the limit stays text instead of overflowing the dump") {
  // Records ingested from a worker are not guaranteed to come from our extractor.
  v1::Value at_limit, deep;
  at_limit.set_json_value(std::string(kMaxJsonNesting, '[') + std::string(kMaxJsonNesting, ']'));
  deep.set_json_value(std::string(100000, '[') + std::string(100000, ']'));
  CHECK(ValueToJson(at_limit).is_array());
  CHECK(ValueToJson(at_limit).dump() == at_limit.json_value());
  const nlohmann::ordered_json kept = ValueToJson(deep);
  REQUIRE(kept.is_string());
  CHECK(kept.get_ref<const std::string&>() == deep.json_value());
}

TEST_CASE("a shard in a missing directory is an IOError naming the path") {
  std::unique_ptr<ShardWriter> writer;
  const Status s = OpenShardWriter(Format::kJsonl, "/nonexistent-dir/x.jsonl", kColumns,
                                   WriterOptions(), &writer);
  CHECK(s.code() == Status::Code::kIOError);
  CHECK(s.message().find("/nonexistent-dir/x.jsonl") != std::string::npos);
}

}  // namespace
}  // namespace gleaner::shards
