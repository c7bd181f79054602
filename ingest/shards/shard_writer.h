// ShardWriter: writes the rows of one dataset shard to one file, in Parquet,
// JSON Lines or CSV. A writer owns its open file until Close(); it is not
// thread-safe (one writer per thread). The file is written in place at the
// given path: callers that need atomic publication write into a temporary
// directory and rename it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/word_table.h"
#include "schema/column_type.h"
#include "schema/gleaner.pb.h"

namespace gleaner::shards {

struct ColumnSpec {
  std::string name;
  schema::ColumnType type = schema::ColumnType::kString;
  bool nullable = true;
};

enum class Format { kParquet, kJsonl, kCsv };
enum class Compression { kNone, kSnappy, kZstd };
// Their words in rules files, flags, manifests and file names.
inline constexpr WordPair<Format> kFormatWords[] = {
    {"parquet", Format::kParquet}, {"jsonl", Format::kJsonl}, {"csv", Format::kCsv}};
inline constexpr WordPair<Compression> kCompressionWords[] = {
    {"zstd", Compression::kZstd}, {"snappy", Compression::kSnappy}, {"none", Compression::kNone}};

// Parses "parquet" / "jsonl" / "csv"; anything else is InvalidArgument.
Status ParseFormat(std::string_view name, Format* out);
// File extension without the dot: "parquet", "jsonl", "csv".
const char* FileExtension(Format format);

// Knobs of the Parquet writer; the text writers ignore them.
struct WriterOptions {
  Compression compression = Compression::kZstd;
  int zstd_level = 3;
  // A row group is closed once its buffered values reach this many bytes
  // (uncompressed, PLAIN-encoded estimate) or this many rows.
  int64_t row_group_bytes = 64 << 20;
  int64_t row_group_rows = 1'000'000;
  // Target size of one data page's values before compression.
  int64_t page_bytes = 1 << 20;
  // String columns are dictionary-encoded per row group unless the
  // dictionary would exceed this size or values hardly repeat.
  int64_t dictionary_page_bytes = 1 << 20;
};

// What was written, for the dataset manifest. min/max are unset Values when
// the column has no non-null value (and, for doubles, when all are NaN).
struct ColumnStats {
  int64_t null_count = 0;
  v1::Value min;
  v1::Value max;
};

struct ShardStats {
  int64_t rows = 0;
  int64_t bytes = 0;                 // size of the finished file
  std::vector<ColumnStats> columns;  // in ColumnSpec order
};

class ShardWriter {
 public:
  virtual ~ShardWriter() = default;

  // Appends one row: one Value per column, in ColumnSpec order. A Value with
  // no kind set is a null. A kind that does not match the column type, or a
  // null in a non-nullable column, is InvalidArgument naming the column, and
  // the row is not written.
  virtual Status Append(const std::vector<v1::Value>& row) = 0;

  // Flushes and closes the file; fills *stats when non-null. Must be called
  // once; a writer destroyed without Close() leaves an incomplete file.
  virtual Status Close(ShardStats* stats) = 0;
};

// The path that makes a writer write to standard output (for `gleaner pull`
// without --out). Its Close() flushes standard output and leaves it open.
inline constexpr char kStandardOutputPath[] = "-";

Status OpenShardWriter(Format format, const std::string& path,
                       const std::vector<ColumnSpec>& columns, const WriterOptions& options,
                       std::unique_ptr<ShardWriter>* out);

}  // namespace gleaner::shards
