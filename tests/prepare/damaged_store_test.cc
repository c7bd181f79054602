// A store whose records table file is truncated or deleted behind RocksDB's
// back: every command that reads the store fails with exit code 1 and a
// message naming the store and the damaged file, prints no rows, and
// `gleaner prepare` leaves the dataset it made earlier byte for byte as it was
// (it used to read the store as empty and replace the dataset with an empty one).
#include <rocksdb/db.h>
#include <rocksdb/metadata.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "storage/staging_store.h"
#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRules = R"(dataset: shop
fields:
  sku:   {type: string, required: true}
  title: {type: string}
split: {key: [sku], seed: 1, train: 0.8, validation: 0.1, test: 0.1}
)";

// Enough records for a table file of some kilobytes, so that half of it is
// neither empty nor a whole block.
constexpr int kRecords = 600;

// A store holding job "shop", closed (so its records are in a table file),
// and a dataset prepared from it.
class DamagedStore {
 public:
  DamagedStore() : store_(tmp_ / "store"), out_(tmp_ / "out"), rules_(tmp_ / "rules.yaml") {
    std::vector<v1::Record> records;
    for (int i = 0; i < kRecords; ++i) {
      records.push_back(
          Scraped("shop", "https://shop.example/p/" + std::to_string(i), kT0 + i,
                  {{"sku", "S" + std::to_string(i)}, {"title", "Mug " + std::to_string(i)}}));
    }
    StageRecords(store_, "shop", records);
    WriteFile(rules_, kRules);
    ProcessResult prepared = Prepare();
    INFO(prepared.err);
    REQUIRE(prepared.exit_code == 0);
    dataset_before_ = Snapshot(out_);
    REQUIRE(dataset_before_.count("manifest.json") == 1);
    records_table_ = RecordsTableFile();
  }

  ProcessResult Prepare() const {
    return Gleaner(
        {"prepare", "--job", "shop", "--rules", rules_, "--out", out_, "--data", store_});
  }
  ProcessResult Stage(const std::string& verb) const {
    return Gleaner({"stage", verb, "shop", "--data", store_});
  }

  // The one table file of the records column family, as the store lists it.
  std::string RecordsTableFile() const {
    std::unique_ptr<storage::StagingStore> store;
    REQUIRE(storage::StagingStore::OpenFollower(store_, &store).ok());
    std::vector<rocksdb::LiveFileMetaData> files;
    store->db()->GetLiveFilesMetaData(&files);
    std::vector<std::string> records;
    for (const auto& f : files) {
      if (f.column_family_name == "records") records.push_back(store_ + f.name);
    }
    REQUIRE(records.size() == 1);
    return records[0];
  }

  void TruncateRecordsToHalf() const {
    const auto size = fs::file_size(records_table_);
    REQUIRE(size > 4096);
    REQUIRE(::truncate(records_table_.c_str(), static_cast<off_t>(size / 2)) == 0);
  }
  void DeleteRecords() const { REQUIRE(fs::remove(records_table_)); }
  // Inverts bytes inside the first data block; the file keeps its size.
  void FlipRecordsBytes() const {
    std::string bytes = ReadFile(records_table_);
    REQUIRE(bytes.size() > 4096);
    for (size_t i = 100; i < 116; ++i) bytes[i] = static_cast<char>(~bytes[i]);
    WriteFile(records_table_, bytes);
  }

  // Every command that reads records fails, naming the store and the file,
  // and prints no row. When the damage is found on opening the store, so do
  // those that read only job counters (`stage count`) or other families;
  // damage inside a table's data is found only by reading that data.
  void RequireEveryReaderFails(bool found_on_open) const {
    // "000012.sst" → "000012": RocksDB names a missing table by either suffix.
    const std::string file_number = fs::path(records_table_).stem().string();
    const std::vector<std::pair<std::string, ProcessResult>> runs = {
        {"stage dump", Stage("dump")},
        {"stage scan", Stage("scan")},
        {"rules check --job",
         Gleaner({"rules", "check", rules_, "--job", "shop", "--data", store_})},
        {"prepare", Prepare()},
    };
    for (const auto& [command, run] : runs) {
      INFO(command << " printed: " << run.out << run.err);
      CHECK(run.exit_code == 1);
      CHECK(run.err.find(store_) != std::string::npos);
      CHECK(run.err.find("is damaged") != std::string::npos);
      CHECK(run.err.find(file_number) != std::string::npos);
      CHECK(run.out.find("https://shop.example") == std::string::npos);
    }
    for (const char* verb : {"count", "errors"}) {
      ProcessResult run = Stage(verb);
      INFO("stage " << verb << " printed: " << run.out << run.err);
      CHECK(run.exit_code == (found_on_open ? 1 : 0));
      CHECK((run.err.find("is damaged") != std::string::npos) == found_on_open);
    }
  }

  // The earlier dataset is untouched and no half-written one is left beside it.
  void RequireDatasetUntouched() const {
    CHECK(Snapshot(out_) == dataset_before_);
    std::vector<std::string> siblings;
    for (const auto& entry : fs::directory_iterator(tmp_.path())) {
      siblings.push_back(entry.path().filename().string());
    }
    std::sort(siblings.begin(), siblings.end());
    CHECK(siblings == std::vector<std::string>{"out", "rules.yaml", "store"});
  }

 private:
  TempDir tmp_;
  std::string store_;
  std::string out_;
  std::string rules_;
  std::map<std::string, std::string> dataset_before_;
  std::string records_table_;
};

TEST_CASE("a records table file truncated to half fails every reader and keeps the dataset") {
  DamagedStore store;
  store.TruncateRecordsToHalf();
  store.RequireEveryReaderFails(/*found_on_open=*/true);
  store.RequireDatasetUntouched();
}

TEST_CASE("a records table file deleted from the store fails every reader and keeps the dataset") {
  DamagedStore store;
  store.DeleteRecords();
  store.RequireEveryReaderFails(/*found_on_open=*/true);
  store.RequireDatasetUntouched();
}

TEST_CASE("a records table file with a garbled data block fails every row reader") {
  DamagedStore store;
  store.FlipRecordsBytes();
  store.RequireEveryReaderFails(/*found_on_open=*/false);
  store.RequireDatasetUntouched();
}

}  // namespace
}  // namespace gleaner::testing
