#include "tests/prepare/prepare_test_util.h"

#include <time.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "storage/job_writer.h"
#include "storage/staging_store.h"
#include "tests/parquet_readers/parquet_read_back.h"

namespace gleaner::testing {

namespace fs = std::filesystem;
using nlohmann::json;

ProcessResult Gleaner(const std::vector<std::string>& args, const std::string& cwd) {
  std::vector<std::string> argv = {GLEANER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, {}, cwd);
}

v1::Record Scraped(const std::string& job, const std::string& url, int64_t fetch_time_micros,
                   std::initializer_list<std::pair<std::string, std::string>> fields) {
  v1::Record r;
  r.set_job(job);
  r.set_source_url(url);
  r.set_fetch_time_micros(fetch_time_micros);
  for (const auto& [name, value] : fields) {
    v1::Field* f = r.add_fields();
    f->set_name(name);
    f->mutable_value()->set_string_value(value);
  }
  return r;
}

void StageRecords(const std::string& dir, const std::string& job,
                  const std::vector<v1::Record>& records, size_t batch) {
  std::unique_ptr<storage::StagingStore> store;
  REQUIRE(storage::StagingStore::OpenPrimary(dir, {}, &store).ok());
  std::unique_ptr<storage::JobWriter> writer;
  REQUIRE(storage::JobWriter::Open(store.get(), job, &writer).ok());
  for (const v1::Record& record : records) {
    const Status s = writer->AddRecord(record);
    INFO(s.ToString());
    REQUIRE(s.ok());
    if (writer->pending_rows() >= batch) REQUIRE(writer->Commit().ok());
  }
  writer->mutable_state()->set_phase(v1::JOB_SUCCEEDED);
  REQUIRE(writer->Commit().ok());
}

std::string ApiJobYaml(const std::string& name, const std::string& base_url,
                       const std::string& rules, const std::string& out) {
  return "name: " + name + "\nsources:\n  - kind: json\n    url: \"" + base_url +
         "/api/items?page=1\"\n    records: \"$.items[*]\"\n"
         "    paginate: {next: \"$.links.next\"}\n"
         "    fields: {id: \"$.id\", title: \"$.title\"}\n"
         "politeness: {delay_ms: 0}\n"
         "prepare: {rules: " +
         rules + ", out: " + out + "}\n";
}

json ReadJsonFile(const std::string& path) {
  INFO("reading " << path);
  REQUIRE(fs::exists(path));
  return json::parse(ReadFile(path));
}

const json& ManifestSet(const json& manifest, const std::string& set) {
  return set == "quarantine" ? manifest.at("quarantine") : manifest.at("splits").at(set);
}

std::vector<std::string> ShardPaths(const json& manifest, const std::string& set) {
  std::vector<std::string> paths;
  for (const json& shard : ManifestSet(manifest, set).at("shards")) {
    paths.push_back(shard.at("path"));
  }
  return paths;
}

std::map<std::string, ShardSetReadBack> ReadParquetDataset(const std::string& dataset_dir) {
  const json manifest = ReadJsonFile(dataset_dir + "/manifest.json");
  std::vector<std::string> files;
  std::vector<std::pair<std::string, int64_t>> owners;  // set and manifest rows, by file
  for (const char* set : kShardSets) {
    for (const json& shard : ManifestSet(manifest, set).at("shards")) {
      files.push_back(dataset_dir + "/" + shard.at("path").get<std::string>());
      owners.emplace_back(set, shard.at("rows").get<int64_t>());
    }
  }
  const auto by_reader = ReadParquetFilesWithEachReader(files);
  const std::vector<json>& duck = by_reader.at("duckdb");
  const std::vector<json>& hyper = by_reader.at("hyparquet");
  std::map<std::string, ShardSetReadBack> sets;
  for (size_t i = 0; i < files.size(); ++i) {
    INFO("shard " << files[i]);
    CHECK(duck[i]["num_rows"] == owners[i].second);
    CHECK(hyper[i]["num_rows"] == owners[i].second);
    CHECK(duck[i]["rows"].size() == static_cast<size_t>(owners[i].second));
    CHECK(duck[i]["rows"] == hyper[i]["rows"]);
    ShardSetReadBack& set = sets[owners[i].first];
    for (const json& row : duck[i]["rows"]) set.rows.push_back(row);
    set.duckdb.push_back(duck[i]);
    set.hyparquet.push_back(hyper[i]);
  }
  return sets;
}

std::vector<json> ReadJsonl(const std::string& path) {
  INFO("reading " << path);
  REQUIRE(fs::exists(path));
  std::vector<json> rows;
  std::istringstream lines(ReadFile(path));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) rows.push_back(json::parse(line));
  }
  return rows;
}

std::vector<std::map<std::string, std::optional<std::string>>> ReadCsv(const std::string& path) {
  INFO("reading " << path);
  REQUIRE(fs::exists(path));
  const std::string text = ReadFile(path);
  // Records of fields; a field is nullopt when it was empty and unquoted.
  std::vector<std::vector<std::optional<std::string>>> records;
  std::vector<std::optional<std::string>> record;
  std::string field;
  bool quoted = false, in_quotes = false;
  auto end_field = [&] {
    record.push_back(field.empty() && !quoted ? std::nullopt : std::optional(field));
    field.clear();
    quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      end_field();
      records.push_back(std::move(record));
      record.clear();
      ++i;
    } else {
      field += c;
    }
  }
  REQUIRE_FALSE(in_quotes);
  REQUIRE(field.empty());  // every record ends with CRLF
  REQUIRE_FALSE(records.empty());
  std::vector<std::map<std::string, std::optional<std::string>>> rows;
  for (size_t r = 1; r < records.size(); ++r) {
    REQUIRE(records[r].size() == records[0].size());
    auto& row = rows.emplace_back();
    for (size_t c = 0; c < records[0].size(); ++c) row[*records[0][c]] = records[r][c];
  }
  return rows;
}

int64_t MicrosFromIso(const std::string& text) {
  struct tm tm = {};
  int micros = 0;
  INFO("timestamp " << text);
  REQUIRE(std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6dZ", &tm.tm_year, &tm.tm_mon,
                      &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &micros) == 7);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000000 + micros;
}

}  // namespace gleaner::testing
