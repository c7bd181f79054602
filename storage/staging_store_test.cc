#include "storage/staging_store.h"

#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "storage/job_writer.h"
#include "storage/store_reader.h"
#include "storage/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::storage {
namespace {

using testing::ListTree;
using gleaner::testing::TempDir;

std::unique_ptr<StagingStore> OpenPrimaryOrDie(const std::string& dir) {
  std::unique_ptr<StagingStore> store;
  Status s = StagingStore::OpenPrimary(dir, StagingStore::Options(), &store);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return store;
}

void RequireFormatVersionWritten(const std::string& dir, const std::string& version) {
  Status s = testing::WriteFormatVersion(dir, version);
  INFO(s.ToString());
  REQUIRE(s.ok());
}

TEST_CASE("values written in one batch are read back from every family") {
  TempDir tmp;
  auto store = OpenPrimaryOrDie(tmp / "store");
  StoreBatch batch(store.get());
  batch.Put(Family::kJobs, "j", "job-state");
  batch.Put(Family::kFrontier, "j\0url", "frontier-entry");
  batch.Put(Family::kErrors, "e", std::string("bin\0ary", 7));
  CHECK(batch.Count() == 3);
  REQUIRE(store->Write(batch).ok());

  std::string value;
  REQUIRE(store->Get(Family::kJobs, "j", &value).ok());
  CHECK(value == "job-state");
  REQUIRE(store->Get(Family::kErrors, "e", &value).ok());
  CHECK(value == std::string("bin\0ary", 7));
  // The same key in another family is another key.
  CHECK(store->Get(Family::kRecords, "j", &value).IsNotFound());
}

TEST_CASE("a delete in a batch removes the key") {
  TempDir tmp;
  auto store = OpenPrimaryOrDie(tmp / "store");
  StoreBatch put(store.get());
  put.Put(Family::kFrontier, "k", "v");
  REQUIRE(store->Write(put).ok());
  StoreBatch del(store.get());
  del.Delete(Family::kFrontier, "k");
  REQUIRE(store->Write(del).ok());
  std::string value;
  CHECK(store->Get(Family::kFrontier, "k", &value).IsNotFound());
}

TEST_CASE("data survives closing and reopening the store") {
  TempDir tmp;
  std::string dir = tmp / "store";
  {
    auto store = OpenPrimaryOrDie(dir);
    StoreBatch batch(store.get());
    batch.Put(Family::kRecords, "r1", "one");
    REQUIRE(store->Write(batch).ok());
  }
  auto store = OpenPrimaryOrDie(dir);
  std::string value;
  REQUIRE(store->Get(Family::kRecords, "r1", &value).ok());
  CHECK(value == "one");
}

TEST_CASE("a second writer on the same directory is refused while the first is open") {
  TempDir tmp;
  auto first = OpenPrimaryOrDie(tmp.path() + "/store");
  std::unique_ptr<StagingStore> second;
  Status s = StagingStore::OpenPrimary(tmp.path() + "/store", StagingStore::Options(), &second);
  CHECK(s.code() == Status::Code::kUnavailable);  // busy, not bad input
  CHECK_THAT(s.message(), Catch::Contains("in use by another writing process"));
}

TEST_CASE("a follower refuses writes") {
  TempDir tmp;
  std::string dir = tmp / "store";
  OpenPrimaryOrDie(dir);
  std::unique_ptr<StagingStore> follower;
  REQUIRE(StagingStore::OpenFollower(dir, &follower).ok());
  CHECK(follower->read_only());
  StoreBatch batch(follower.get());
  batch.Put(Family::kRecords, "k", "v");
  CHECK(follower->Write(batch).code() == Status::Code::kFailedPrecondition);
}

TEST_CASE("opening a missing directory read-only fails and creates nothing") {
  TempDir tmp;
  std::string dir = tmp / "absent";
  std::unique_ptr<StagingStore> store;

  Status s = StagingStore::OpenFollower(dir, &store);
  CHECK(s.IsNotFound());
  CHECK(s.message() == "no Gleaner store at " + dir + " (directory does not exist)");

  StagingStore::Options no_create;
  no_create.create_if_missing = false;
  CHECK(StagingStore::OpenPrimary(dir, no_create, &store).IsNotFound());
  CHECK_FALSE(std::filesystem::exists(dir));
  CHECK(ListTree(tmp.path()).empty());
}

TEST_CASE("a directory without a database is not a store, and is left as it was") {
  TempDir tmp;
  std::ofstream(tmp / "notes.txt") << "mine";
  std::unique_ptr<StagingStore> store;

  Status follower = StagingStore::OpenFollower(tmp.path(), &store);
  CHECK(follower.IsInvalidArgument());
  CHECK(follower.message() == tmp.path() + " is not a Gleaner store (no RocksDB database in it)");
  // A writer must not turn someone's non-empty directory into a store either.
  Status primary = StagingStore::OpenPrimary(tmp.path(), StagingStore::Options(), &store);
  CHECK(primary.IsInvalidArgument());
  CHECK(ListTree(tmp.path()) == std::set<std::string>{"notes.txt"});
}

TEST_CASE("a RocksDB database that is not a Gleaner store is refused") {
  TempDir tmp;
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(o, tmp.path(), &raw).ok());
    delete raw;
  }
  std::unique_ptr<StagingStore> store;
  Status s = StagingStore::OpenFollower(tmp.path(), &store);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == tmp.path() + " is not a Gleaner store (no 'jobs' column family)");
  CHECK(StagingStore::OpenPrimary(tmp.path(), StagingStore::Options(), &store).IsInvalidArgument());
}

TEST_CASE("a store written by a newer gleaner is refused with an upgrade hint") {
  TempDir tmp;
  std::string dir = tmp / "store";
  RequireFormatVersionWritten(dir, std::to_string(kFormatVersion + 1));
  std::set<std::string> before = ListTree(dir);
  std::string expected = dir + " has store format version " + std::to_string(kFormatVersion + 1) +
                         ", newer than this gleaner supports (" + std::to_string(kFormatVersion) +
                         "); upgrade gleaner";

  std::unique_ptr<StagingStore> store;
  Status follower = StagingStore::OpenFollower(dir, &store);
  CHECK(follower.code() == Status::Code::kFailedPrecondition);
  CHECK(follower.message() == expected);
  CHECK(ListTree(dir) == before);

  Status primary = StagingStore::OpenPrimary(dir, StagingStore::Options(), &store);
  CHECK(primary.code() == Status::Code::kFailedPrecondition);
  CHECK(primary.message() == expected);
}

TEST_CASE("a store of an older format is refused rather than misread") {
  TempDir tmp;
  std::string dir = tmp / "store";
  RequireFormatVersionWritten(dir, "0");
  std::unique_ptr<StagingStore> store;
  Status s = StagingStore::OpenFollower(dir, &store);
  CHECK(s.code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(s.message(), Catch::Contains("has store format version 0, older than"));
  CHECK(StagingStore::OpenPrimary(dir, StagingStore::Options(), &store).code() ==
        Status::Code::kFailedPrecondition);
}

TEST_CASE("a garbled format version is reported as corruption") {
  TempDir tmp;
  std::string dir = tmp / "store";
  RequireFormatVersionWritten(dir, "1x");
  std::unique_ptr<StagingStore> store;
  Status s = StagingStore::OpenFollower(dir, &store);
  CHECK(s.code() == Status::Code::kCorruption);
  CHECK(s.message() == dir + ": unreadable format version '1x'");
}

TEST_CASE("a fresh store records the current format version") {
  TempDir tmp;
  auto store = OpenPrimaryOrDie(tmp / "store");
  std::string value;
  REQUIRE(store->Get(Family::kMeta, "format_version", &value).ok());
  CHECK(value == std::to_string(kFormatVersion));
}


TEST_CASE("a version 1 store is upgraded in place: its records become run 1") {
  TempDir tmp;
  std::string dir = tmp / "store";
  {
    auto store = OpenPrimaryOrDie(dir);
    std::unique_ptr<JobWriter> writer;
    REQUIRE(JobWriter::Open(store.get(), "old", &writer).ok());
    for (uint32_t i = 0; i < 3; ++i) {
      REQUIRE(writer->AddRecord(testing::MakeHashedRecord("old", "https://o.example/a", i,
                                                          "v" + std::to_string(i)))
                  .ok());
    }
    writer->mutable_state()->set_phase(v1::JOB_SUCCEEDED);
    REQUIRE(writer->Commit().ok());
  }
  REQUIRE(testing::DowngradeToVersion1(dir).ok());

  // A reader cannot upgrade: it says how to.
  std::unique_ptr<StagingStore> follower;
  Status refused = StagingStore::OpenFollower(dir, &follower);
  CHECK(refused.code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(refused.message(), Catch::Contains("has store format version 1") &&
                                    Catch::Contains("upgrades it in place"));

  {
    auto store = OpenPrimaryOrDie(dir);
    std::string version;
    REQUIRE(store->Get(Family::kMeta, "format_version", &version).ok());
    CHECK(version == std::to_string(kFormatVersion));
    StoreReader reader(store.get());
    std::vector<v1::CrawlRun> runs;
    REQUIRE(reader.ListRuns("old", &runs).ok());
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].number() == 1);
    CHECK(runs[0].end() == v1::CrawlRun::COMPLETE);
    CHECK(runs[0].records_added() == 3);
    uint32_t run = 0;
    REQUIRE(reader.ResolveRun("old", 0, &run).ok());
    CHECK(run == 1);

    // The next run compares with the upgraded records: index 2 is gone.
    std::unique_ptr<JobWriter> writer;
    REQUIRE(JobWriter::Open(store.get(), "old", &writer).ok());
    CHECK(writer->state().run().number() == 1);
    writer->mutable_state()->mutable_run()->Clear();
    writer->mutable_state()->mutable_run()->set_number(2);
    std::vector<v1::Record> page;
    for (uint32_t i = 0; i < 2; ++i) {
      page.push_back(
          testing::MakeHashedRecord("old", "https://o.example/a", i, "v" + std::to_string(i)));
    }
    RecordCounts counts;
    REQUIRE(writer->PutPageRecords("https://o.example/a", page, 2, nullptr, &counts).ok());
    CHECK(counts.unchanged == 2);
    CHECK(counts.removed == 1);
    CHECK(counts.added == 0);
    REQUIRE(writer->Commit().ok());
  }
  // Upgraded once: a follower opens it now.
  REQUIRE(StagingStore::OpenFollower(dir, &follower).ok());
  StoreReader reader(follower.get());
  size_t as_of_1 = 0, as_of_2 = 0;
  REQUIRE(reader.ScanRecords("old", 1, [&](const v1::Record&) {
    ++as_of_1;
    return true;
  }).ok());
  REQUIRE(reader.ScanRecords("old", 2, [&](const v1::Record&) {
    ++as_of_2;
    return true;
  }).ok());
  CHECK(as_of_1 == 3);
  CHECK(as_of_2 == 2);
}

}  // namespace
}  // namespace gleaner::storage
