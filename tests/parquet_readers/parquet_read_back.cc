#include "tests/parquet_readers/parquet_read_back.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "tests/support/node_script.h"

namespace gleaner::testing {

namespace fs = std::filesystem;

std::vector<nlohmann::json> ReadParquetFiles(const std::string& reader,
                                             const std::vector<std::string>& files) {
  if (files.empty()) return {};
  const std::string dir = PARQUET_READERS_DIR;
  INFO("the Parquet readers are not installed in " << dir << ": run scripts/install-deps.sh");
  REQUIRE(fs::exists(dir + "/node_modules/@duckdb/node-api/package.json"));
  REQUIRE(fs::exists(dir + "/node_modules/hyparquet/package.json"));
  REQUIRE(fs::exists(dir + "/node_modules/hyparquet-compressors/package.json"));
  std::vector<std::string> args = {reader};
  args.insert(args.end(), files.begin(), files.end());
  return RunNodeScript(dir + "/read.mjs", args, files.size());
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
