// The Parquet writer. Input: a column schema, writer options and rows, all
// drawn from the bytes (FuzzedDataProvider). The file goes to a scratch file
// of this process and is checked by what we can verify without a Parquet
// reader: the PAR1 frame and footer length, the row count and file size in
// the stats, and per column the null count and integer min/max of the rows
// the writer accepted. A row the writer refuses must not count.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <fuzzer/FuzzedDataProvider.h>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "common/coding.h"
#include "ingest/shards/parquet_writer.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace gleaner::shards;
using gleaner::DecodeFixed32;
using gleaner::schema::ColumnType;
using gleaner::v1::Value;

std::string ScratchPath() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::is_directory("/dev/shm", ec)
                                  ? std::filesystem::path("/dev/shm")
                                  : std::filesystem::temp_directory_path();
  return (dir / ("gleaner-parquet-fuzz-" + std::to_string(getpid()) + ".parquet")).string();
}

// A value for a column of `type`: usually of that type (or null), sometimes of
// another kind, which Append must refuse.
Value MakeValue(FuzzedDataProvider& input, ColumnType type) {
  Value value;
  switch (input.ConsumeIntegralInRange<int>(0, 9)) {
    case 0:
      return value;  // null
    case 1:
      value.set_json_value(input.ConsumeRandomLengthString(16));
      return value;
    default:
      break;
  }
  switch (type) {
    case ColumnType::kString:
      value.set_string_value(input.ConsumeRandomLengthString(32));
      break;
    case ColumnType::kInt64:
      value.set_int_value(input.ConsumeIntegral<int64_t>());
      break;
    case ColumnType::kDouble: {
      double d = 0;
      std::string bytes = input.ConsumeBytesAsString(sizeof d);
      std::memcpy(&d, bytes.data(), std::min(bytes.size(), sizeof d));
      value.set_double_value(d);
      break;
    }
    case ColumnType::kBool:
      value.set_bool_value(input.ConsumeBool());
      break;
    case ColumnType::kTimestampMicros:
      value.set_timestamp_micros(input.ConsumeIntegral<int64_t>());
      break;
  }
  return value;
}

struct Expected {
  int64_t nulls = 0;
  std::optional<int64_t> min, max;  // int64 and timestamp columns
};

int64_t AsInt(const Value& value) {
  return value.kind_case() == Value::kIntValue ? value.int_value() : value.timestamp_micros();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  std::vector<ColumnSpec> columns(input.ConsumeIntegralInRange<size_t>(1, 6));
  for (size_t i = 0; i < columns.size(); ++i) {
    columns[i].name = "c" + std::to_string(i);
    columns[i].type = static_cast<ColumnType>(input.ConsumeIntegralInRange<int>(0, 4));
    columns[i].nullable = input.ConsumeBool();
  }
  WriterOptions options;
  options.compression = static_cast<Compression>(input.ConsumeIntegralInRange<int>(0, 2));
  options.zstd_level = 1;
  // Small limits, so that row groups, pages and dictionaries overflow often.
  options.row_group_rows = input.ConsumeIntegralInRange<int64_t>(1, 64);
  options.row_group_bytes = input.ConsumeIntegralInRange<int64_t>(1, 4096);
  options.page_bytes = input.ConsumeIntegralInRange<int64_t>(1, 1024);
  options.dictionary_page_bytes = input.ConsumeIntegralInRange<int64_t>(1, 1024);

  static const std::string path = ScratchPath();
  std::unique_ptr<ShardWriter> writer;
  gleaner::Status s = OpenParquetWriter(path, columns, options, &writer);
  FUZZ_CHECK(s.ok(), "OpenParquetWriter: %s", s.ToString().c_str());

  std::vector<Expected> expected(columns.size());
  int64_t rows = 0;
  while (input.remaining_bytes() > 0) {
    std::vector<Value> row;
    for (const ColumnSpec& column : columns) row.push_back(MakeValue(input, column.type));
    if (!writer->Append(row).ok()) continue;
    ++rows;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (row[i].kind_case() == Value::KIND_NOT_SET) {
        ++expected[i].nulls;
      } else if (columns[i].type == ColumnType::kInt64 ||
                 columns[i].type == ColumnType::kTimestampMicros) {
        int64_t v = AsInt(row[i]);
        expected[i].min = std::min(expected[i].min.value_or(v), v);
        expected[i].max = std::max(expected[i].max.value_or(v), v);
      }
    }
  }
  ShardStats stats;
  s = writer->Close(&stats);
  FUZZ_CHECK(s.ok(), "Close: %s", s.ToString().c_str());

  std::ifstream file(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  FUZZ_CHECK(bytes.size() >= 12, "a %zu-byte file", bytes.size());
  FUZZ_CHECK(bytes.starts_with("PAR1") && bytes.ends_with("PAR1"), "no PAR1 frame");
  const uint32_t footer = DecodeFixed32(bytes.data() + bytes.size() - 8);
  FUZZ_CHECK(footer > 0 && footer + 12 <= bytes.size(), "footer length %u in a %zu-byte file",
             footer, bytes.size());
  FUZZ_CHECK(stats.rows == rows, "stats say %lld rows, %lld were accepted",
             static_cast<long long>(stats.rows), static_cast<long long>(rows));
  FUZZ_CHECK(stats.bytes == static_cast<int64_t>(bytes.size()), "stats say %lld bytes, the file has %zu",
             static_cast<long long>(stats.bytes), bytes.size());
  FUZZ_CHECK(stats.columns.size() == columns.size(), "stats for %zu columns", stats.columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnStats& got = stats.columns[i];
    FUZZ_CHECK(got.null_count == expected[i].nulls, "column %zu: %lld nulls, %lld written", i,
               static_cast<long long>(got.null_count), static_cast<long long>(expected[i].nulls));
    if (expected[i].min) {
      FUZZ_CHECK(AsInt(got.min) == *expected[i].min && AsInt(got.max) == *expected[i].max,
                 "column %zu: min/max %lld/%lld, written %lld/%lld", i,
                 static_cast<long long>(AsInt(got.min)), static_cast<long long>(AsInt(got.max)),
                 static_cast<long long>(*expected[i].min), static_cast<long long>(*expected[i].max));
    }
  }
  return 0;
}
