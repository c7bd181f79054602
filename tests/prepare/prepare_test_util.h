// Helpers for the prepare integration tests: stage records into a store the
// way a crawl would (in-process, through JobWriter; the store is closed before
// the binary runs), run the real `gleaner` binary, and read a prepared dataset
// back as a user would — Parquet shards with both DuckDB and hyparquet, JSON
// Lines and CSV shards with parsers of their own. Not thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "schema/gleaner.pb.h"
#include "tests/support/child_process.h"

namespace gleaner::testing {

// 2023-11-14T22:13:20Z, the fetch time records are staged around.
constexpr int64_t kT0 = 1700000000000000;

// The real binary, in `cwd` when given.
ProcessResult Gleaner(const std::vector<std::string>& args, const std::string& cwd = "");

// A staged record of `job` from `url` with one scraped (string) field per pair.
v1::Record Scraped(const std::string& job, const std::string& url, int64_t fetch_time_micros,
                   std::initializer_list<std::pair<std::string, std::string>> fields);

// Appends `records` to `job` in the store at `dir` (created when missing),
// committing every `batch` records, then closes the store.
void StageRecords(const std::string& dir, const std::string& job,
                  const std::vector<v1::Record>& records, size_t batch = 20000);

// A job file crawling the fixture's JSON API at `base_url` (every page, by its
// next links) into job `name`, extracting id and title, prepared with
// `rules` into `out` (both absolute paths).
std::string ApiJobYaml(const std::string& name, const std::string& base_url,
                       const std::string& rules, const std::string& out);

nlohmann::json ReadJsonFile(const std::string& path);

// The four shard sets of a dataset, in manifest order.
inline constexpr const char* kShardSets[] = {"train", "validation", "test", "quarantine"};

// One shard set of a Parquet dataset as both readers see it.
struct ShardSetReadBack {
  nlohmann::json rows = nlohmann::json::array();  // every shard's rows, in shard order
  std::vector<nlohmann::json> duckdb;             // read.mjs documents, one per shard
  std::vector<nlohmann::json> hyparquet;
};

// Reads every shard manifest.json lists with both readers (one process each)
// and checks, for every shard, that the readers agree on the rows and that
// both count the rows the manifest says.
std::map<std::string, ShardSetReadBack> ReadParquetDataset(const std::string& dataset_dir);

// Rows of a JSON Lines shard, one object per line.
std::vector<nlohmann::json> ReadJsonl(const std::string& path);
// Rows of a CSV shard (RFC 4180, header first) by column name; a null (an
// unquoted empty field) is nullopt, a quoted "" an empty string.
std::vector<std::map<std::string, std::optional<std::string>>> ReadCsv(const std::string& path);

// "2024-03-01T12:00:00.000001Z" → microseconds since the epoch.
int64_t MicrosFromIso(const std::string& text);

// The shard paths of `set` ("train", …, "quarantine") that manifest.json lists.
std::vector<std::string> ShardPaths(const nlohmann::json& manifest, const std::string& set);
// manifest["splits"][set] or manifest["quarantine"].
const nlohmann::json& ManifestSet(const nlohmann::json& manifest, const std::string& set);

}  // namespace gleaner::testing
