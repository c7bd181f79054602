// Reads Parquet files back with two independent readers — DuckDB and
// hyparquet, through read.mjs beside this file — so tests can compare what each
// reader sees with what was written. A missing node or reader package fails the
// calling Catch2 test (never skips it): then nothing would prove the files open.
// Not thread-safe (Catch2 assertions).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "schema/gleaner.pb.h"

namespace gleaner::testing {

// The readers by the names read.mjs takes.
inline constexpr const char* kParquetReaders[] = {"duckdb", "hyparquet"};

// What each reader of kParquetReaders sees in each of `files`, by reader
// name, one document per file, in order: {columns: [{name, type}], num_rows,
// rows: [{column: value}], chunks: [{row_group, column, num_values,
// null_count, min, max, codec, encodings}]}, values in the canonical form
// below. Each reader opens every file itself, with its own library; one node
// process runs them all: starting node and a reader costs more than reading
// a small shard, so callers pass every file they need at once.
std::map<std::string, std::vector<nlohmann::json>> ReadParquetFilesWithEachReader(
    const std::vector<std::string>& files);

// What the one reader `reader` sees in each of `files`, as above.
std::vector<nlohmann::json> ReadParquetFiles(const std::string& reader,
                                             const std::vector<std::string>& files);

// The form read.mjs prints a value in: strings and booleans as they are,
// INT64 and timestamps (microseconds, UTC) as decimal strings, doubles as
// numbers, NaN / Infinity / -Infinity / -0 as strings, null for no value.
nlohmann::json CanonicalValue(const v1::Value& value);

}  // namespace gleaner::testing
