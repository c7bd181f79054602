#include "storage/job_writer.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>

#include "storage/body_codec.h"
#include "storage/keys.h"
#include "storage/store_reader.h"
#include "storage/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::storage {
namespace {

using testing::MakeRecord;
using gleaner::testing::TempDir;

std::unique_ptr<StagingStore> OpenStore(const std::string& dir) {
  std::unique_ptr<StagingStore> store;
  Status s = StagingStore::OpenPrimary(dir, StagingStore::Options(), &store);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return store;
}

std::unique_ptr<JobWriter> OpenWriter(StagingStore* store, const std::string& job) {
  std::unique_ptr<JobWriter> writer;
  Status s = JobWriter::Open(store, job, &writer);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return writer;
}

std::vector<std::string> RecordUrls(StagingStore* store, const std::string& job) {
  std::vector<std::string> urls;
  StoreReader reader(store);
  REQUIRE(reader
              .ScanRecords(job,
                           [&](const v1::Record& r) {
                             urls.push_back(r.source_url());
                             return true;
                           })
              .ok());
  return urls;
}

TEST_CASE("records, pages and errors read back as written, page bodies zstd-compressed") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "books");
  CHECK(writer->state().phase() == v1::JOB_PENDING);

  v1::Record record = MakeRecord("books", "https://b.example/1", 0, {{"title", "Dune"}});
  REQUIRE(writer->AddRecord(record).ok());
  v1::Page page;
  page.set_job("books");
  page.set_url("https://b.example/1");
  page.set_status(200);
  const std::string body(4000, 'x');  // compresses to a few dozen bytes
  page.set_body(body);
  REQUIRE(writer->AddPage(page).ok());
  v1::FetchError error;
  error.set_job("books");
  error.set_url("https://b.example/2");
  error.set_kind(v1::ERROR_TIMEOUT);
  REQUIRE(writer->AddError(error).ok());
  CHECK(writer->pending_rows() == 3);
  REQUIRE(writer->Commit().ok());
  CHECK(writer->pending_rows() == 0);

  // As stored: the body is a zstd frame that expands to the original.
  std::string raw;
  REQUIRE(store->Get(Family::kPages, SeqKey("books", 0), &raw).ok());
  v1::Page stored;
  REQUIRE(stored.ParseFromString(raw));
  CHECK(stored.body_codec() == v1::BODY_ZSTD);
  CHECK(stored.body_size() == 4000);
  CHECK(stored.body().size() < 200);
  std::string expanded;
  REQUIRE(DecompressBody(stored.body(), 1 << 20, &expanded).ok());
  CHECK(expanded == body);

  StoreReader reader(store.get());
  v1::JobState state;
  REQUIRE(reader.GetJob("books", &state).ok());
  CHECK(state.record_count() == 1);
  CHECK(state.page_count() == 1);
  CHECK(state.error_count() == 1);

  std::vector<v1::Record> records;
  v1::Page read_page;
  REQUIRE(reader.GetUrl("books", "https://b.example/1", &records, &read_page).ok());
  REQUIRE(records.size() == 1);
  CHECK(records[0].SerializeAsString() == record.SerializeAsString());
  CHECK(read_page.body() == body);
  CHECK(read_page.body_codec() == v1::BODY_IDENTITY);
  CHECK(read_page.status() == 200);

  std::vector<v1::FetchError> errors;
  REQUIRE(reader
              .ScanErrors("books",
                          [&](const v1::FetchError& e) {
                            errors.push_back(e);
                            return true;
                          })
              .ok());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].kind() == v1::ERROR_TIMEOUT);
}

TEST_CASE("a job whose name is a prefix of another's never sees the other's rows") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto a = OpenWriter(store.get(), "a");
  auto ab = OpenWriter(store.get(), "a.b");
  REQUIRE(a->AddRecord(MakeRecord("a", "https://x.example/same", 0)).ok());
  REQUIRE(ab->AddRecord(MakeRecord("a.b", "https://x.example/same", 0)).ok());
  REQUIRE(ab->AddRecord(MakeRecord("a.b", "https://x.example/other", 0)).ok());
  REQUIRE(a->Commit().ok());
  REQUIRE(ab->Commit().ok());

  CHECK(RecordUrls(store.get(), "a") == std::vector<std::string>{"https://x.example/same"});
  CHECK(RecordUrls(store.get(), "a.b").size() == 2);

  StoreReader reader(store.get());
  std::vector<v1::Record> records;
  REQUIRE(reader.GetUrl("a", "https://x.example/same", &records, nullptr).ok());
  REQUIRE(records.size() == 1);
  CHECK(records[0].job() == "a");
  CHECK(reader.GetUrl("a", "https://x.example/other", &records, nullptr).IsNotFound());
  int with_prefix = 0;
  REQUIRE(reader
              .ScanRecordsWithUrlPrefix("a", "https://",
                                        [&](const v1::Record& r) {
                                          CHECK(r.job() == "a");
                                          ++with_prefix;
                                          return true;
                                        })
              .ok());
  CHECK(with_prefix == 1);
}

// Sequence keys are big-endian: a little-endian or variable-length encoding
// would sort seq 256 before seq 1 and 65536 before 256.
TEST_CASE("scans keep insertion order past sequence numbers 255 and 65535") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "big");
  const int kRows = 65540;
  for (int i = 0; i < kRows; ++i) {
    REQUIRE(writer->AddRecord(MakeRecord("big", "u" + std::to_string(i), 0)).ok());
    if (writer->pending_rows() == 5000) REQUIRE(writer->Commit().ok());
  }
  REQUIRE(writer->Commit().ok());

  std::vector<std::string> urls = RecordUrls(store.get(), "big");
  REQUIRE(urls.size() == kRows);
  int out_of_place = 0;
  for (int i = 0; i < kRows; ++i) out_of_place += urls[i] != "u" + std::to_string(i);
  CHECK(out_of_place == 0);
  CHECK(urls[255] == "u255");
  CHECK(urls[256] == "u256");
  CHECK(urls[65536] == "u65536");
}

TEST_CASE("a writer reopened on an existing job appends after its rows") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  {
    auto writer = OpenWriter(store.get(), "j");
    REQUIRE(writer->AddRecord(MakeRecord("j", "first", 0)).ok());
    REQUIRE(writer->AddRecord(MakeRecord("j", "second", 0)).ok());
    REQUIRE(writer->Commit().ok());
  }
  auto writer = OpenWriter(store.get(), "j");
  CHECK(writer->state().record_count() == 2);
  REQUIRE(writer->AddRecord(MakeRecord("j", "third", 0)).ok());
  REQUIRE(writer->Commit().ok());
  CHECK(RecordUrls(store.get(), "j") == std::vector<std::string>{"first", "second", "third"});
}

TEST_CASE("a batch poisoned by one bad row writes nothing, even after reopening") {
  TempDir tmp;
  std::string dir = tmp / "store";
  {
    auto store = OpenStore(dir);
    auto writer = OpenWriter(store.get(), "j");
    REQUIRE(writer->AddRecord(MakeRecord("j", "committed", 0)).ok());
    REQUIRE(writer->Commit().ok());

    REQUIRE(writer->AddRecord(MakeRecord("j", "good-1", 0)).ok());
    Status bad = writer->AddRecord(MakeRecord("other-job", "stray", 0));
    CHECK(bad.IsInvalidArgument());
    REQUIRE(writer->AddRecord(MakeRecord("j", "good-2", 0)).ok());
    Status commit = writer->Commit();
    CHECK(commit.code() == Status::Code::kFailedPrecondition);
    CHECK_THAT(commit.message(), Catch::Contains("record of job 'other-job'"));
    // Still refused: the poison stays until Discard.
    CHECK_FALSE(writer->Commit().ok());
  }
  auto store = OpenStore(dir);
  StoreReader reader(store.get());
  v1::JobState state;
  REQUIRE(reader.GetJob("j", &state).ok());
  CHECK(state.record_count() == 1);
  CHECK(state.next_record_seq() == 1);
  CHECK(RecordUrls(store.get(), "j") == std::vector<std::string>{"committed"});
  std::vector<v1::Record> records;
  CHECK(reader.GetUrl("j", "good-1", &records, nullptr).IsNotFound());
}

TEST_CASE("rows without a URL poison the batch") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "j");
  CHECK(writer->AddRecord(MakeRecord("j", "", 0)).IsInvalidArgument());
  CHECK_FALSE(writer->Commit().ok());
  writer->Discard();
  v1::Page page;
  page.set_job("j");
  CHECK(writer->AddPage(page).IsInvalidArgument());
  CHECK_FALSE(writer->Commit().ok());
}

TEST_CASE("Discard drops staged rows and clears the poison") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "j");
  REQUIRE(writer->AddRecord(MakeRecord("j", "kept", 0)).ok());
  REQUIRE(writer->Commit().ok());

  REQUIRE(writer->AddRecord(MakeRecord("j", "dropped", 0)).ok());
  CHECK(writer->AddRecord(MakeRecord("x", "poison", 0)).IsInvalidArgument());
  writer->Discard();
  CHECK(writer->pending_rows() == 0);
  CHECK(writer->state().record_count() == 1);
  CHECK(writer->state().next_record_seq() == 1);

  REQUIRE(writer->AddRecord(MakeRecord("j", "after", 0)).ok());
  REQUIRE(writer->Commit().ok());
  CHECK(RecordUrls(store.get(), "j") == std::vector<std::string>{"kept", "after"});
}

TEST_CASE("job names outside the allowed alphabet are refused") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  std::unique_ptr<JobWriter> writer;
  CHECK(JobWriter::Open(store.get(), "", &writer).IsInvalidArgument());
  CHECK(JobWriter::Open(store.get(), "a/b", &writer).IsInvalidArgument());
  CHECK(JobWriter::Open(store.get(), std::string("a\0b", 3), &writer).IsInvalidArgument());
  CHECK(JobWriter::Open(store.get(), std::string(129, 'x'), &writer).IsInvalidArgument());
  CHECK(JobWriter::Open(store.get(), std::string(128, 'x'), &writer).ok());
}

// --- Crash recovery -------------------------------------------------------
// The writer runs in a child process (this test binary re-executed on the
// hidden case below) so that SIGKILL lands in the middle of real commits.

constexpr int kCrashBatch = 25;
constexpr int kCrashCommitsBeforeKill = 40;

TEST_CASE("crash child: commit numbered batches until killed", "[.][crash_child]") {
  const char* dir = std::getenv("GLEANER_CRASH_DIR");
  const char* fd = std::getenv("GLEANER_CRASH_PROGRESS_FD");
  REQUIRE(dir != nullptr);
  REQUIRE(fd != nullptr);
  int progress_fd = std::atoi(fd);
  auto store = OpenStore(dir);
  auto writer = OpenWriter(store.get(), "crash");
  for (int batch = 0;; ++batch) {
    for (int i = 0; i < kCrashBatch; ++i) {
      REQUIRE(writer->AddRecord(MakeRecord("crash", "batch-" + std::to_string(batch), i)).ok());
    }
    REQUIRE(writer->Commit().ok());
    char tick = 'c';
    REQUIRE(write(progress_fd, &tick, 1) == 1);
  }
}

TEST_CASE("after SIGKILL mid-write the counters equal the rows and every batch is whole") {
  TempDir tmp;
  std::string dir = tmp / "store";
  int progress[2];
  REQUIRE(pipe(progress) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(progress[0]);
    setenv("GLEANER_CRASH_DIR", dir.c_str(), 1);
    setenv("GLEANER_CRASH_PROGRESS_FD", std::to_string(progress[1]).c_str(), 1);
    execl("/proc/self/exe", "job_writer_test", "[crash_child]", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(progress[1]);
  int acknowledged = 0;
  char tick;
  while (acknowledged < kCrashCommitsBeforeKill && read(progress[0], &tick, 1) == 1) ++acknowledged;
  kill(child, SIGKILL);
  int wstatus = 0;
  waitpid(child, &wstatus, 0);
  close(progress[0]);
  REQUIRE(acknowledged == kCrashCommitsBeforeKill);
  CHECK(WIFSIGNALED(wstatus));

  auto store = OpenStore(dir);
  StoreReader reader(store.get());
  v1::JobState state;
  REQUIRE(reader.GetJob("crash", &state).ok());
  std::map<std::string, int> rows_per_batch;
  uint64_t rows = 0;
  REQUIRE(reader
              .ScanRecords("crash",
                           [&](const v1::Record& r) {
                             ++rows_per_batch[r.source_url()];
                             ++rows;
                             return true;
                           })
              .ok());
  CHECK(state.record_count() == rows);
  CHECK(state.next_record_seq() == rows);
  // Every acknowledged commit survived (the WAL is written before Write returns).
  CHECK(rows >= uint64_t{kCrashBatch} * kCrashCommitsBeforeKill);
  // Batches commit in order, so the survivors are batch-0 .. batch-(n-1), each whole.
  const int batches = static_cast<int>(rows_per_batch.size());
  for (int b = 0; b < batches; ++b) {
    auto it = rows_per_batch.find("batch-" + std::to_string(b));
    INFO("batch " << b);
    REQUIRE(it != rows_per_batch.end());
    CHECK(it->second == kCrashBatch);
  }
}

}  // namespace
}  // namespace gleaner::storage
