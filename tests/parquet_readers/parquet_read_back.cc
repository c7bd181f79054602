#include "tests/parquet_readers/parquet_read_back.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "tests/support/node_script.h"

namespace gleaner::testing {

namespace fs = std::filesystem;

namespace {

// Every file with each of `readers`, in one run of read.mjs.
std::map<std::string, std::vector<nlohmann::json>> ReadWith(const std::vector<std::string>& readers,
                                                            const std::vector<std::string>& files) {
  std::map<std::string, std::vector<nlohmann::json>> by_reader;
  for (const std::string& reader : readers) by_reader[reader];
  if (files.empty()) return by_reader;
  const std::string dir = PARQUET_READERS_DIR;
  INFO("the Parquet readers are not installed in " << dir << ": run scripts/install-deps.sh");
  REQUIRE(fs::exists(dir + "/node_modules/@duckdb/node-api/package.json"));
  REQUIRE(fs::exists(dir + "/node_modules/hyparquet/package.json"));
  REQUIRE(fs::exists(dir + "/node_modules/hyparquet-compressors/package.json"));
  std::string reader_list;
  for (const std::string& reader : readers)
    reader_list += (reader_list.empty() ? "" : ",") + reader;
  std::vector<std::string> args = {reader_list};
  args.insert(args.end(), files.begin(), files.end());
  // read.mjs prints every file of the first reader, then of the next.
  const std::vector<nlohmann::json> documents =
      RunNodeScript(dir + "/read.mjs", args, readers.size() * files.size());
  for (size_t r = 0; r < readers.size(); ++r) {
    by_reader[readers[r]].assign(documents.begin() + r * files.size(),
                                 documents.begin() + (r + 1) * files.size());
  }
  return by_reader;
}

}  // namespace

std::map<std::string, std::vector<nlohmann::json>> ReadParquetFilesWithEachReader(
    const std::vector<std::string>& files) {
  return ReadWith({std::begin(kParquetReaders), std::end(kParquetReaders)}, files);
}

std::vector<nlohmann::json> ReadParquetFiles(const std::string& reader,
                                             const std::vector<std::string>& files) {
  return ReadWith({reader}, files).at(reader);
}

nlohmann::json CanonicalValue(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kIntValue:
      return std::to_string(value.int_value());
    case v1::Value::kTimestampMicros:
      return std::to_string(value.timestamp_micros());
    case v1::Value::kBoolValue:
      return value.bool_value();
    case v1::Value::kDoubleValue: {
      const double d = value.double_value();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      if (d == 0 && std::signbit(d)) return "-0";
      return d;
    }
    default:
      return nullptr;
  }
}

}  // namespace gleaner::testing
