// Writes Parquet shards and reads every file back with two independent
// readers (DuckDB and hyparquet, through tests/parquet_readers/read.mjs).
// Expected values come from the rows the test wrote, never from the writer.
#include "ingest/shards/parquet_writer.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/parquet_readers/parquet_read_back.h"
#include "tests/support/temp_dir.h"
#include "tests/support/value_builders.h"

namespace gleaner::shards {
namespace {

using schema::ColumnType;
using testing::Bool;
using testing::Dbl;
using testing::Int;
using testing::Null;
using testing::Str;
using testing::TempDir;
using testing::Ts;

namespace fs = std::filesystem;
using nlohmann::json;

struct Written {
  std::string path;
  ShardStats stats;
};

Written WriteRows(const TempDir& dir, const std::string& name,
                  const std::vector<ColumnSpec>& columns,
                  const std::vector<std::vector<v1::Value>>& rows,
                  const WriterOptions& options = WriterOptions()) {
  Written written{dir / name, {}};
  std::unique_ptr<ShardWriter> writer;
  REQUIRE(OpenParquetWriter(written.path, columns, options, &writer).ok());
  for (const auto& row : rows) {
    const Status s = writer->Append(row);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  REQUIRE(writer->Close(&written.stats).ok());
  return written;
}

json ExpectedRows(const std::vector<ColumnSpec>& columns,
                  const std::vector<std::vector<v1::Value>>& rows) {
  json out = json::array();
  for (const auto& row : rows) {
    json object = json::object();
    for (size_t c = 0; c < columns.size(); ++c)
      object[columns[c].name] = testing::CanonicalValue(row[c]);
    out.push_back(object);
  }
  return out;
}

// Both readers see exactly these rows, in this order, in each of `files`
// (one node process runs both readers on them all). Returns what each reader
// printed, by file (in order), then by reader name.
std::vector<std::map<std::string, json>> CheckRowsOfFiles(
    const std::vector<std::string>& files, const std::vector<ColumnSpec>& columns,
    const std::vector<std::vector<v1::Value>>& rows) {
  const json expected = ExpectedRows(columns, rows);
  std::vector<std::map<std::string, json>> results(files.size());
  const auto by_reader = testing::ReadParquetFilesWithEachReader(files);
  for (const char* reader : testing::kParquetReaders) {
    const std::vector<json>& documents = by_reader.at(reader);
    for (size_t f = 0; f < files.size(); ++f) {
      const json& got = results[f][reader] = documents[f];
      INFO("reader " << reader << ", file " << files[f]);
      CHECK(got["num_rows"] == rows.size());
      REQUIRE(got["columns"].size() == columns.size());
      for (size_t c = 0; c < columns.size(); ++c)
        CHECK(got["columns"][c]["name"] == columns[c].name);
      CHECK(got["rows"] == expected);
    }
  }
  return results;
}

std::map<std::string, json> CheckRows(const std::string& file,
                                      const std::vector<ColumnSpec>& columns,
                                      const std::vector<std::vector<v1::Value>>& rows) {
  return CheckRowsOfFiles({file}, columns, rows).front();
}

const json* FindChunk(const json& result, int row_group, const std::string& column) {
  for (const json& chunk : result["chunks"]) {
    if (chunk["row_group"] == row_group && chunk["column"] == column) return &chunk;
  }
  return nullptr;
}

TEST_CASE(
    "every column type, nullable and required, reads back in both readers with its "
    "logical type and statistics") {
  TempDir dir;
  const std::vector<ColumnSpec> columns = {
      {"name", ColumnType::kString, true},           {"count", ColumnType::kInt64, false},
      {"price", ColumnType::kDouble, true},          {"in_stock", ColumnType::kBool, true},
      {"seen", ColumnType::kTimestampMicros, false}, {"missing", ColumnType::kInt64, true},
  };
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  // 2024-03-01T12:00:00.000001Z = 1709294400 s since the epoch, plus 1 µs.
  const int64_t march_first = 1709294400LL * 1000000 + 1;
  const std::vector<std::vector<v1::Value>> rows = {
      {Str("banana"), Int(3), Dbl(2.5), Bool(true), Ts(march_first), Null()},
      {Null(), Int(kMin), Null(), Bool(false), Ts(0), Null()},
      {Str("apple"), Int(kMax), Dbl(-1.25), Null(), Ts(-1), Null()},
      {Str("cherry"), Int(-7), Dbl(std::nan("")), Bool(true), Ts(march_first + 999999), Null()},
  };
  const Compression codecs[] = {Compression::kNone, Compression::kSnappy, Compression::kZstd};
  std::vector<Written> written;
  std::vector<std::string> paths;
  for (const Compression codec : codecs) {
    WriterOptions options;
    options.compression = codec;
    written.push_back(WriteRows(dir, "types-" + std::to_string(paths.size()) + ".parquet",
                                columns, rows, options));
    paths.push_back(written.back().path);
  }
  const auto results_by_file = CheckRowsOfFiles(paths, columns, rows);
  for (size_t f = 0; f < paths.size(); ++f) {
    const Compression codec = codecs[f];
    const Written& w = written[f];
    const auto& results = results_by_file[f];
    INFO("file " << w.path);

    const json& duck = results.at("duckdb");
    CHECK(duck["columns"][0]["type"] == "VARCHAR");
    CHECK(duck["columns"][1]["type"] == "BIGINT");
    CHECK(duck["columns"][2]["type"] == "DOUBLE");
    CHECK(duck["columns"][3]["type"] == "BOOLEAN");
    CHECK(duck["columns"][4]["type"] == "TIMESTAMP WITH TIME ZONE");
    const json& hy = results.at("hyparquet");
    CHECK(hy["columns"][0]["type"] == "BYTE_ARRAY STRING OPTIONAL");
    CHECK(hy["columns"][1]["type"] == "INT64 REQUIRED");
    CHECK(hy["columns"][2]["type"] == "DOUBLE OPTIONAL");
    CHECK(hy["columns"][3]["type"] == "BOOLEAN OPTIONAL");
    CHECK(hy["columns"][4]["type"] == "INT64 TIMESTAMP(MICROS,UTC) REQUIRED");

    const char* codec_name = codec == Compression::kNone     ? "UNCOMPRESSED"
                             : codec == Compression::kSnappy ? "SNAPPY"
                                                             : "ZSTD";
    for (const json& result : {duck, hy}) {
      REQUIRE(result["chunks"].size() == columns.size());
      for (const json& chunk : result["chunks"]) CHECK(chunk["codec"] == codec_name);
      const json& name = *FindChunk(result, 0, "name");
      CHECK(name["null_count"] == "1");
      CHECK(name["min"] == "apple");
      CHECK(name["max"] == "cherry");
      const json& count = *FindChunk(result, 0, "count");
      CHECK(count["null_count"] == "0");
      CHECK(count["min"] == std::to_string(kMin));
      CHECK(count["max"] == std::to_string(kMax));
      // NaN is never a bound: min and max come from -1.25 and 2.5 only.
      const json& price = *FindChunk(result, 0, "price");
      CHECK(price["null_count"] == "1");
      CHECK(price["min"] == -1.25);
      CHECK(price["max"] == 2.5);
      const json& in_stock = *FindChunk(result, 0, "in_stock");
      CHECK(in_stock["null_count"] == "1");
      CHECK(in_stock["min"] == false);
      CHECK(in_stock["max"] == true);
      const json& seen = *FindChunk(result, 0, "seen");
      CHECK(seen["min"] == "-1");
      CHECK(seen["max"] == std::to_string(march_first + 999999));
      // An all-null column has a null count and no bounds.
      const json& missing = *FindChunk(result, 0, "missing");
      CHECK(missing["null_count"] == "4");
      CHECK(missing["min"].is_null());
      CHECK(missing["max"].is_null());
    }

    CHECK(w.stats.rows == 4);
    CHECK(w.stats.bytes == static_cast<int64_t>(fs::file_size(w.path)));
    REQUIRE(w.stats.columns.size() == columns.size());
    CHECK(w.stats.columns[0].min.string_value() == "apple");
    CHECK(w.stats.columns[2].max.double_value() == 2.5);
    CHECK(w.stats.columns[5].null_count == 4);
    CHECK(w.stats.columns[5].min.kind_case() == v1::Value::KIND_NOT_SET);
  }
}

TEST_CASE("a shard with no rows is a valid file with the schema") {
  TempDir dir;
  const std::vector<ColumnSpec> columns = {{"id", ColumnType::kInt64, false},
                                           {"title", ColumnType::kString, true}};
  const Written w = WriteRows(dir, "empty.parquet", columns, {});
  for (auto& [reader, result] : CheckRows(w.path, columns, {})) CHECK(result["chunks"].empty());
  CHECK(w.stats.rows == 0);
}

TEST_CASE("long and non-ASCII strings survive, compared bytewise for statistics") {
  TempDir dir;
  const std::vector<ColumnSpec> columns = {{"text", ColumnType::kString, true}};
  const std::string long_text = std::string(70000, 'x') + "\xC3\xA9";  // ...é
  std::vector<std::vector<v1::Value>> rows = {
      {Str("Zebra")},
      {Str("\xC3\xA9t\xC3\xA9")},  // "été": 0xC3 sorts after every ASCII byte
      {Str(long_text)},
      {Str("")},                          // the empty string is a value, not a null
      {Str("\xE6\x97\xA5\xE6\x9C\xAC")},  // "日本": 0xE6, the largest first byte
      {Str("\xF0\x9F\x8D\x8E")},          // 🍎: 0xF0 sorts last
      {Null()},
  };
  const Written w = WriteRows(dir, "text.parquet", columns, rows);
  for (auto& [reader, result] : CheckRows(w.path, columns, rows)) {
    const json chunk = *FindChunk(result, 0, "text");
    INFO(reader);
    CHECK(chunk["min"] == "");
    CHECK(chunk["max"] == "\xF0\x9F\x8D\x8E");
    CHECK(chunk["null_count"] == "1");
  }
}

TEST_CASE("invalid UTF-8 is replaced so that readers can decode the string") {
  TempDir dir;
  const std::vector<ColumnSpec> columns = {{"text", ColumnType::kString, false}};
  const Written w = WriteRows(dir, "bad_utf8.parquet", columns,
                              {{Str("a\xFF"
                                    "b")}});
  CheckRows(w.path, columns,
            {{Str("a\xEF\xBF\xBD"
                  "b")}});
}

TEST_CASE(
    "small row_group_bytes splits the file into many row groups with their own "
    "statistics") {
  TempDir dir;
  // Two required 8-byte columns: 16 bytes a row, so 160 bytes closes a row
  // group every 10 rows; 95 rows make 9 full groups and one of 5.
  const std::vector<ColumnSpec> columns = {{"i", ColumnType::kInt64, false},
                                           {"x", ColumnType::kDouble, false}};
  std::vector<std::vector<v1::Value>> rows;
  for (int i = 0; i < 95; ++i) rows.push_back({Int(1000 - i), Dbl(i * 0.5)});
  WriterOptions options;
  options.row_group_bytes = 160;
  options.page_bytes = 24;  // three values a page: pages inside every group
  const Written w = WriteRows(dir, "groups.parquet", columns, rows, options);
  for (auto& [reader, result] : CheckRows(w.path, columns, rows)) {
    INFO(reader);
    REQUIRE(result["chunks"].size() == 20);
    for (int g = 0; g < 10; ++g) {
      const int first = g * 10, last = std::min(g * 10 + 9, 94);
      const json& i = *FindChunk(result, g, "i");
      CHECK(i["num_values"] == std::to_string(last - first + 1));
      CHECK(i["min"] == std::to_string(1000 - last));
      CHECK(i["max"] == std::to_string(1000 - first));
      const json& x = *FindChunk(result, g, "x");
      // The spec writes a zero minimum as -0.0, so that readers comparing
      // against either zero keep the group.
      CHECK(x["min"] == (first == 0 ? json("-0") : json(first * 0.5)));
      CHECK(x["max"] == last * 0.5);
    }
  }
  CHECK(w.stats.columns[0].min.int_value() == 1000 - 94);
  CHECK(w.stats.columns[0].max.int_value() == 1000);
}

TEST_CASE(
    "repetitive strings are dictionary-encoded and unique ones fall back to PLAIN, "
    "across many pages with nulls") {
  TempDir dir;
  const std::vector<ColumnSpec> columns = {{"color", ColumnType::kString, true},
                                           {"id", ColumnType::kString, false},
                                           {"flag", ColumnType::kBool, true}};
  const char* const colors[] = {"red", "green", "blue"};
  std::vector<std::vector<v1::Value>> rows;
  for (int i = 0; i < 1000; ++i) {
    // Nulls in runs (rows 100..129) and scattered (every 7th row).
    const bool null_color = (i >= 100 && i < 130) || i % 7 == 0;
    rows.push_back({null_color ? Null() : Str(colors[i % 3]), Str("id-" + std::to_string(i)),
                    i % 5 == 0 ? Null() : Bool(i % 3 == 1)});
  }
  WriterOptions options;
  options.page_bytes = 200;  // many pages per chunk
  const Written w = WriteRows(dir, "dict.parquet", columns, rows, options);
  auto results = CheckRows(w.path, columns, rows);
  // 30 rows in 100..129 plus the multiples of 7 outside that run: 143 in
  // 0..999, of which 105, 112, 119 and 126 are inside it.
  const std::string color_nulls = std::to_string(30 + 143 - 4);
  for (auto& [reader, result] : results) {
    INFO(reader);
    const json& color = *FindChunk(result, 0, "color");
    CHECK(color["encodings"].get<std::string>().find("RLE_DICTIONARY") != std::string::npos);
    CHECK(color["null_count"] == color_nulls);
    CHECK(color["min"] == "blue");
    CHECK(color["max"] == "red");
    const json& id = *FindChunk(result, 0, "id");
    CHECK(id["encodings"].get<std::string>().find("RLE_DICTIONARY") == std::string::npos);
    CHECK(id["min"] == "id-0");
    CHECK(id["max"] == "id-999");
  }
}

TEST_CASE("a dictionary larger than dictionary_page_bytes falls back to PLAIN") {
  TempDir dir;
  const std::vector<ColumnSpec> columns = {{"word", ColumnType::kString, false}};
  std::vector<std::vector<v1::Value>> rows;
  // 20 distinct 10-byte words, each seen 5 times: a 280-byte dictionary.
  for (int i = 0; i < 100; ++i) rows.push_back({Str("word-" + std::to_string(10000 + i % 20))});
  WriterOptions options;
  options.dictionary_page_bytes = 100;
  const Written small = WriteRows(dir, "fallback.parquet", columns, rows, options);
  options.dictionary_page_bytes = 1000;
  const Written large = WriteRows(dir, "dictionary.parquet", columns, rows, options);
  const auto results = CheckRowsOfFiles({small.path, large.path}, columns, rows);
  for (auto& [reader, result] : results[0]) {
    INFO(reader);
    const std::string encodings = (*FindChunk(result, 0, "word"))["encodings"];
    CHECK(encodings.find("RLE_DICTIONARY") == std::string::npos);
  }
  for (auto& [reader, result] : results[1]) {
    INFO(reader);
    const std::string encodings = (*FindChunk(result, 0, "word"))["encodings"];
    CHECK(encodings.find("RLE_DICTIONARY") != std::string::npos);
  }
}

TEST_CASE(
    "a value of the wrong kind or a null in a required column is refused, naming the "
    "column") {
  TempDir dir;
  const std::vector<ColumnSpec> columns = {{"id", ColumnType::kInt64, false},
                                           {"title", ColumnType::kString, true}};
  std::unique_ptr<ShardWriter> writer;
  REQUIRE(OpenParquetWriter(dir / "bad.parquet", columns, WriterOptions(), &writer).ok());
  Status s = writer->Append({Str("1"), Str("t")});
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("'id'") != std::string::npos);
  s = writer->Append({Null(), Str("t")});
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("'id'") != std::string::npos);
  s = writer->Append({Int(1), Int(2)});
  CHECK(s.message().find("'title'") != std::string::npos);
  // The refused rows left nothing behind.
  REQUIRE(writer->Append({Int(7), Null()}).ok());
  ShardStats stats;
  REQUIRE(writer->Close(&stats).ok());
  CHECK(stats.rows == 1);
  CheckRows(dir / "bad.parquet", columns, {{Int(7), Null()}});
}

}  // namespace
}  // namespace gleaner::shards
