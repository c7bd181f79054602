// Parquet shards, written from the Apache Parquet format specification:
// flat schemas of required/optional leaf columns, v1 data pages with
// RLE/bit-packed definition levels, PLAIN values, per-row-group dictionary
// encoding of string columns (falling back to PLAIN when values hardly repeat
// or the dictionary outgrows WriterOptions::dictionary_page_bytes), column
// statistics, and UNCOMPRESSED / SNAPPY / ZSTD pages.
//
// Rows are buffered for one row group at a time (closed by
// WriterOptions::row_group_bytes or row_group_rows), so memory stays bounded
// by one row group whatever the file size. The writer owns its file and is
// used by one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ingest/shards/shard_writer.h"

namespace gleaner::shards {

Status OpenParquetWriter(const std::string& path, const std::vector<ColumnSpec>& columns,
                         const WriterOptions& options, std::unique_ptr<ShardWriter>* out);

}  // namespace gleaner::shards
