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


// ---- Runs and record versions (PutPageRecords, reading as of a run) ----

using testing::MakeHashedRecord;

// Starts run `number` of the writer's job, as StoreCrawlOutput::Begin does.
void StartRun(JobWriter* writer, uint32_t number) {
  v1::CrawlRun* run = writer->mutable_state()->mutable_run();
  run->Clear();
  run->set_number(number);
}

void EndRun(JobWriter* writer, v1::CrawlRun::End end) {
  writer->mutable_state()->mutable_run()->set_end(end);
  REQUIRE(writer->Commit().ok());
}

// One page's records: content[i] at index i.
std::vector<v1::Record> Page(const std::string& url, std::vector<std::string> content) {
  std::vector<v1::Record> records;
  for (size_t i = 0; i < content.size(); ++i) {
    records.push_back(MakeHashedRecord("shop", url, static_cast<uint32_t>(i), content[i]));
  }
  return records;
}

RecordCounts PutPage(JobWriter* writer, const std::string& url, std::vector<std::string> content) {
  RecordCounts counts;
  Status s = writer->PutPageRecords(url, Page(url, std::move(content)),
                                    writer->state().run().number(), nullptr, &counts);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return counts;
}

// "url#index" -> content of the records read as of `run` (0: the default).
std::map<std::string, std::string> RecordsAsOf(StagingStore* store, uint32_t run) {
  StoreReader reader(store);
  uint32_t resolved = 0;
  REQUIRE(reader.ResolveRun("shop", run, &resolved).ok());
  std::map<std::string, std::string> out;
  REQUIRE(reader
              .ScanRecords("shop", resolved,
                           [&](const v1::Record& r) {
                             auto [it, fresh] = out.emplace(
                                 r.source_url() + "#" + std::to_string(r.index_in_page()),
                                 r.fields(0).value().string_value());
                             CHECK(fresh);  // one version per (url, index) in any run
                             return true;
                           })
              .ok());
  return out;
}

TEST_CASE("records put again unchanged in the next run write no row and count unchanged") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  CHECK(PutPage(writer.get(), "https://s.example/a", {"x", "y"}) == RecordCounts{2, 0, 0, 0});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  const uint64_t rows = writer->state().record_count();

  StartRun(writer.get(), 2);
  CHECK(PutPage(writer.get(), "https://s.example/a", {"x", "y"}) == RecordCounts{0, 0, 2, 0});
  CHECK(writer->pending_rows() == 0);
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  CHECK(writer->state().record_count() == rows);
  CHECK(RecordsAsOf(store.get(), 2) == RecordsAsOf(store.get(), 1));
}

TEST_CASE("a page put with the signature its valid records have is unchanged as a whole") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  const std::string url = "https://s.example/a";
  v1::FrontierItem item;
  item.set_url(url);
  item.set_signature(42);
  item.set_record_count(2);
  auto put = [&](std::vector<std::string> content, const v1::FrontierItem& as) {
    RecordCounts counts;
    REQUIRE(writer
                ->PutPageRecords(url, Page(url, std::move(content)), writer->state().run().number(),
                                 &as, &counts)
                .ok());
    return counts;
  };
  StartRun(writer.get(), 1);
  CHECK(put({"x", "y"}, item) == RecordCounts{2, 0, 0, 0});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  // The signature decides: not a row is compared (the content given here
  // differs, which a page hashing the same never does).
  StartRun(writer.get(), 2);
  CHECK(put({"x", "changed"}, item) == RecordCounts{0, 0, 2, 0});
  CHECK(writer->pending_rows() == 0);
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  // Another signature compares the rows; a URL closed forgets its signature.
  StartRun(writer.get(), 3);
  item.set_signature(43);
  CHECK(put({"x", "changed"}, item) == RecordCounts{0, 1, 1, 0});
  RecordCounts closed;
  REQUIRE(writer->CloseUrl(url, 3, &closed).ok());
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  StartRun(writer.get(), 4);
  CHECK(put({"x", "changed"}, item) == RecordCounts{2, 0, 0, 0});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
}

TEST_CASE("a changed record is a new version and the old one still reads as of the old run") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  PutPage(writer.get(), "https://s.example/a", {"x", "y"});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  StartRun(writer.get(), 2);
  CHECK(PutPage(writer.get(), "https://s.example/a", {"x", "y2"}) == RecordCounts{0, 1, 1, 0});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);

  CHECK(RecordsAsOf(store.get(), 1) ==
        std::map<std::string, std::string>{{"https://s.example/a#0", "x"},
                                           {"https://s.example/a#1", "y"}});
  CHECK(RecordsAsOf(store.get(), 2) ==
        std::map<std::string, std::string>{{"https://s.example/a#0", "x"},
                                           {"https://s.example/a#1", "y2"}});
  CHECK(RecordsAsOf(store.get(), 0) == RecordsAsOf(store.get(), 2));
  // The URL index names the new version.
  StoreReader reader(store.get());
  std::vector<v1::Record> records;
  REQUIRE(reader.GetUrl("shop", "https://s.example/a", &records, nullptr).ok());
  REQUIRE(records.size() == 2);
  CHECK(records[1].fields(0).value().string_value() == "y2");
  CHECK(records[1].valid_from_run() == 2);
}

TEST_CASE("an index a page no longer has is removed in the run, still there as of the one before") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  PutPage(writer.get(), "https://s.example/a", {"x", "y", "z"});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  StartRun(writer.get(), 2);
  CHECK(PutPage(writer.get(), "https://s.example/a", {"x"}) == RecordCounts{0, 0, 1, 2});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  CHECK(RecordsAsOf(store.get(), 1).size() == 3);
  CHECK(RecordsAsOf(store.get(), 2) ==
        std::map<std::string, std::string>{{"https://s.example/a#0", "x"}});

  // Back in run 3: the index is added again, as a new row.
  StartRun(writer.get(), 3);
  CHECK(PutPage(writer.get(), "https://s.example/a", {"x", "y"}) == RecordCounts{1, 0, 1, 0});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  CHECK(RecordsAsOf(store.get(), 3).size() == 2);
  CHECK(RecordsAsOf(store.get(), 2).size() == 1);
}

TEST_CASE("a gone URL has all its records removed in the run") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  PutPage(writer.get(), "https://s.example/a", {"x", "y"});
  PutPage(writer.get(), "https://s.example/b", {"z"});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  StartRun(writer.get(), 2);
  RecordCounts counts;
  REQUIRE(writer->CloseUrl("https://s.example/a", 2, &counts).ok());
  CHECK(counts == RecordCounts{0, 0, 0, 2});
  RecordCounts never_seen;
  REQUIRE(writer->CloseUrl("https://s.example/never", 2, &never_seen).ok());
  CHECK(never_seen == RecordCounts{});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  CHECK(RecordsAsOf(store.get(), 2) ==
        std::map<std::string, std::string>{{"https://s.example/b#0", "z"}});
  CHECK(RecordsAsOf(store.get(), 1).size() == 3);
  StoreReader reader(store.get());
  std::vector<v1::Record> records;
  CHECK(reader.GetUrl("shop", "https://s.example/a", &records, nullptr).IsNotFound());
}

TEST_CASE("a page not modified keeps its records, counted unchanged, and writes no record row") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  PutPage(writer.get(), "https://s.example/a", {"x", "y"});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  StartRun(writer.get(), 2);
  RecordCounts counts;
  REQUIRE(writer->KeepPageRecords("https://s.example/a", 2, &counts).ok());
  CHECK(counts == RecordCounts{0, 0, 2, 0});
  RecordCounts never_seen;
  REQUIRE(writer->KeepPageRecords("https://s.example/never", 2, &never_seen).ok());
  CHECK(never_seen == RecordCounts{});
  CHECK(writer->pending_rows() == 0);
  v1::UrlState url_state;
  REQUIRE(writer->ReadUrlState("https://s.example/a", &url_state).ok());
  CHECK(url_state.last_run() == 2);  // fetched in run 2, as a page put again is
  CHECK(url_state.record_count() == 2);
  CHECK(writer->ReadUrlState("https://s.example/never", &url_state).IsNotFound());
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  CHECK(RecordsAsOf(store.get(), 2) == RecordsAsOf(store.get(), 1));
}

TEST_CASE("a failed or running run leaves the previous run's records the default view") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  PutPage(writer.get(), "https://s.example/a", {"x"});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  const auto run1 = RecordsAsOf(store.get(), 1);

  StartRun(writer.get(), 2);
  PutPage(writer.get(), "https://s.example/a", {"x2"});
  PutPage(writer.get(), "https://s.example/b", {"new"});
  REQUIRE(writer->Commit().ok());  // run 2 under way
  CHECK(RecordsAsOf(store.get(), 0) == run1);
  EndRun(writer.get(), v1::CrawlRun::NOTHING_FETCHED);
  CHECK(RecordsAsOf(store.get(), 0) == run1);
  CHECK(RecordsAsOf(store.get(), 2).size() == 2);
}

TEST_CASE("while no run has succeeded the default view is the first run so far") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  PutPage(writer.get(), "https://s.example/a", {"x"});
  REQUIRE(writer->Commit().ok());
  CHECK(RecordsAsOf(store.get(), 0).size() == 1);
}

TEST_CASE("each run's counts are in its runs row, written with its records") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  PutPage(writer.get(), "https://s.example/a", {"x", "y"});
  writer->mutable_state()->mutable_run()->set_records_added(2);
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  StartRun(writer.get(), 2);
  writer->mutable_state()->mutable_run()->set_records_changed(1);
  PutPage(writer.get(), "https://s.example/a", {"x", "y2"});
  // Discarded: neither the run's row nor its records land.
  writer->Discard();
  StartRun(writer.get(), 2);
  REQUIRE(writer->Commit().ok());

  StoreReader reader(store.get());
  std::vector<v1::CrawlRun> runs;
  REQUIRE(reader.ListRuns("shop", &runs).ok());
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].number() == 1);
  CHECK(runs[0].records_added() == 2);
  CHECK(runs[1].number() == 2);
  CHECK(runs[1].records_changed() == 0);
  CHECK(RecordsAsOf(store.get(), 2) == RecordsAsOf(store.get(), 1));
}

TEST_CASE("asking for a run the job does not have names the runs it has") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  StartRun(writer.get(), 2);
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  StoreReader reader(store.get());
  uint32_t run = 0;
  Status s = reader.ResolveRun("shop", 3, &run);
  CHECK(s.IsNotFound());
  CHECK(s.message() == "job 'shop' has no run 3 (it has runs 1 to 2)");
  REQUIRE(reader.ResolveRun("shop", 1, &run).ok());
  CHECK(run == 1);
}

TEST_CASE("a page put twice in one batch compares with its own staged rows") {
  TempDir tmp;
  auto store = OpenStore(tmp / "store");
  auto writer = OpenWriter(store.get(), "shop");
  StartRun(writer.get(), 1);
  PutPage(writer.get(), "https://s.example/a", {"x", "y"});
  CHECK(PutPage(writer.get(), "https://s.example/a", {"x2"}) == RecordCounts{0, 1, 0, 1});
  EndRun(writer.get(), v1::CrawlRun::COMPLETE);
  CHECK(RecordsAsOf(store.get(), 1) ==
        std::map<std::string, std::string>{{"https://s.example/a#0", "x2"}});
}

}  // namespace
}  // namespace gleaner::storage
