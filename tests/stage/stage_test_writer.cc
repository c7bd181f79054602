// stage_test_writer DIR JOB BATCH: commits batches of BATCH records to job JOB
// in the store at DIR, forever, as a crawl would. Prints "ready" once the
// first batch is committed, then nothing (so an unread pipe never blocks it).
// Test helper for concurrent_read_test; it stops only when killed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "storage/job_writer.h"
#include "storage/store_test_util.h"

using gleaner::Status;
using gleaner::storage::JobWriter;
using gleaner::storage::StagingStore;

namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "stage_test_writer: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: stage_test_writer DIR JOB BATCH\n");
    return 2;
  }
  const std::string job = argv[2];
  const int batch = std::atoi(argv[3]);
  std::unique_ptr<StagingStore> store;
  Status s = StagingStore::OpenPrimary(argv[1], StagingStore::Options(), &store);
  if (!s.ok()) return Fail(s);
  std::unique_ptr<JobWriter> writer;
  s = JobWriter::Open(store.get(), job, &writer);
  if (!s.ok()) return Fail(s);

  for (uint64_t n = 0;; ++n) {
    for (int i = 0; i < batch; ++i) {
      std::string url = "https://w.example/" + std::to_string(n);
      s = writer->AddRecord(gleaner::storage::testing::MakeRecord(job, url, i, {{"n", url}}));
      if (!s.ok()) return Fail(s);
    }
    s = writer->Commit();
    if (!s.ok()) return Fail(s);
    if (n == 0) {
      std::printf("ready\n");
      std::fflush(stdout);
    }
    // A commit every few milliseconds is still many between two reader
    // starts; unthrottled, the log a reader replays grows by megabytes a
    // second and each read took seconds.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}
