#include "storage/store_reader.h"

#include <catch2/catch.hpp>

#include "storage/job_writer.h"
#include "storage/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::storage {
namespace {

using testing::MakeRecord;
using gleaner::testing::TempDir;

class StoreFixture {
 public:
  StoreFixture() : dir_(tmp_ / "store") {
    Status s = StagingStore::OpenPrimary(dir_, StagingStore::Options(), &store_);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }

  // Commits one batch of records to `job`, one per (url, index) pair.
  void Commit(const std::string& job, std::vector<std::pair<std::string, uint32_t>> rows) {
    std::unique_ptr<JobWriter> writer;
    REQUIRE(JobWriter::Open(store_.get(), job, &writer).ok());
    for (const auto& [url, index] : rows)
      REQUIRE(writer->AddRecord(MakeRecord(job, url, index)).ok());
    REQUIRE(writer->Commit().ok());
  }

  std::unique_ptr<StagingStore> OpenFollower() {
    std::unique_ptr<StagingStore> follower;
    Status s = StagingStore::OpenFollower(dir_, &follower);
    INFO(s.ToString());
    REQUIRE(s.ok());
    return follower;
  }

  StagingStore* store() { return store_.get(); }

 private:
  TempDir tmp_;
  std::string dir_;
  std::unique_ptr<StagingStore> store_;
};

uint64_t RecordCount(StoreReader& reader, const std::string& job) {
  v1::JobState state;
  Status s = reader.GetJob(job, &state);
  return s.ok() ? state.record_count() : 0;
}

std::vector<std::string> Scan(StoreReader& reader, const std::string& job) {
  std::vector<std::string> out;
  REQUIRE(reader
              .ScanRecords(job,
                           [&](const v1::Record& r) {
                             out.push_back(r.source_url() + "#" +
                                           std::to_string(r.index_in_page()));
                             return true;
                           })
              .ok());
  return out;
}

TEST_CASE("a reader taken before a commit keeps seeing the state it started with") {
  StoreFixture f;
  f.Commit("j", {{"u1", 0}});
  StoreReader before(f.store());
  f.Commit("j", {{"u2", 0}, {"u3", 0}});

  CHECK(RecordCount(before, "j") == 1);
  CHECK(Scan(before, "j") == std::vector<std::string>{"u1#0"});
  std::vector<v1::Record> records;
  CHECK(before.GetUrl("j", "u2", &records, nullptr).IsNotFound());

  StoreReader after(f.store());
  CHECK(RecordCount(after, "j") == 3);
  CHECK(Scan(after, "j") == std::vector<std::string>{"u1#0", "u2#0", "u3#0"});
}

TEST_CASE("a follower sees the writer's new commits only after CatchUp") {
  StoreFixture f;
  f.Commit("j", {{"u1", 0}});
  auto follower = f.OpenFollower();
  {
    StoreReader reader(follower.get());
    CHECK(RecordCount(reader, "j") == 1);
  }
  f.Commit("j", {{"u2", 0}});
  {
    StoreReader reader(follower.get());
    CHECK(RecordCount(reader, "j") == 1);
  }
  REQUIRE(follower->CatchUp().ok());
  StoreReader reader(follower.get());
  CHECK(RecordCount(reader, "j") == 2);
  CHECK(Scan(reader, "j") == std::vector<std::string>{"u1#0", "u2#0"});
}

TEST_CASE("GetUrl returns the records of exactly that URL in page order") {
  StoreFixture f;
  // Inserted out of index order, and next to a URL that extends this one.
  f.Commit("j",
           {{"https://s.example/a", 1}, {"https://s.example/ab", 0}, {"https://s.example/a", 0}});
  StoreReader reader(f.store());
  std::vector<v1::Record> records;
  v1::Page page;
  REQUIRE(reader.GetUrl("j", "https://s.example/a", &records, &page).ok());
  REQUIRE(records.size() == 2);
  CHECK(records[0].index_in_page() == 0);
  CHECK(records[1].index_in_page() == 1);
  CHECK(page.url().empty());  // no page was stored for it

  Status missing = reader.GetUrl("j", "https://s.example/", &records, nullptr);
  CHECK(missing.IsNotFound());
  CHECK(missing.message() == "no records or page for https://s.example/ in job 'j'");
}

TEST_CASE("GetUrl returns the latest page fetched from the URL") {
  StoreFixture f;
  std::unique_ptr<JobWriter> writer;
  REQUIRE(JobWriter::Open(f.store(), "j", &writer).ok());
  for (int status : {503, 200}) {
    v1::Page page;
    page.set_job("j");
    page.set_url("https://s.example/p");
    page.set_status(status);
    page.set_body("status " + std::to_string(status));
    REQUIRE(writer->AddPage(page).ok());
    REQUIRE(writer->Commit().ok());
  }
  StoreReader reader(f.store());
  std::vector<v1::Record> records;
  v1::Page page;
  REQUIRE(reader.GetUrl("j", "https://s.example/p", &records, &page).ok());
  CHECK(records.empty());
  CHECK(page.status() == 200);
  CHECK(page.body() == "status 200");
}

TEST_CASE("a URL-prefix scan visits matching records in URL order") {
  StoreFixture f;
  f.Commit("j", {{"https://s.example/b", 0},
                 {"https://t.example/a", 0},
                 {"https://s.example/a", 1},
                 {"https://s.example/a", 0}});
  StoreReader reader(f.store());
  std::vector<std::string> seen;
  REQUIRE(reader
              .ScanRecordsWithUrlPrefix("j", "https://s.example/",
                                        [&](const v1::Record& r) {
                                          seen.push_back(r.source_url() + "#" +
                                                         std::to_string(r.index_in_page()));
                                          return true;
                                        })
              .ok());
  CHECK(seen == std::vector<std::string>{"https://s.example/a#0", "https://s.example/a#1",
                                         "https://s.example/b#0"});
}

TEST_CASE("a visitor returning false stops the scan") {
  StoreFixture f;
  f.Commit("j", {{"u1", 0}, {"u2", 0}, {"u3", 0}});
  StoreReader reader(f.store());
  int visited = 0;
  REQUIRE(reader.ScanRecords("j", [&](const v1::Record&) { return ++visited < 2; }).ok());
  CHECK(visited == 2);
}

TEST_CASE("jobs are listed by name and an unknown job is named in the error") {
  StoreFixture f;
  f.Commit("zeta", {{"u", 0}});
  f.Commit("alpha", {{"u", 0}, {"v", 0}});
  StoreReader reader(f.store());
  std::vector<v1::JobState> jobs;
  REQUIRE(reader.ListJobs(&jobs).ok());
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].name() == "alpha");
  CHECK(jobs[0].record_count() == 2);
  CHECK(jobs[1].name() == "zeta");
  v1::JobState state;
  Status s = reader.GetJob("nope", &state);
  CHECK(s.IsNotFound());
  CHECK(s.message() == "no job 'nope' in the store");
}

TEST_CASE("stats count keys and bytes in each family") {
  StoreFixture f;
  f.Commit("j", {{"u1", 0}, {"u2", 0}});
  StoreReader reader(f.store());
  std::vector<FamilyStats> stats;
  REQUIRE(reader.Stats(&stats).ok());
  REQUIRE(stats.size() == kFamilyCount);
  std::map<std::string, FamilyStats> by_name;
  for (const auto& s : stats) by_name[s.name] = s;
  CHECK(by_name["jobs"].keys == 1);
  CHECK(by_name["records"].keys == 2);
  CHECK(by_name["frontier"].keys == 0);
  CHECK(by_name["frontier"].bytes == 0);
  // One index key per record: "j\0u1\0r" + 4-byte index -> 8-byte seq: 10 + 8 bytes.
  CHECK(by_name["urls"].keys == 2);
  CHECK(by_name["urls"].bytes == 2 * 18);
  // "format_version" -> "1"
  CHECK(by_name["meta"].keys == 1);
  CHECK(by_name["meta"].bytes == 15);
}

}  // namespace
}  // namespace gleaner::storage
