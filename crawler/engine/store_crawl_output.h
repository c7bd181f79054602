// StoreCrawlOutput: the single-process CrawlOutput. Rows go to the job's
// JobWriter and the frontier is a RocksDbFrontier staging its changes in the
// same writer batch, so a page's records, its links and its completed lease
// are committed in one atomic write: `kill -9` at any moment loses and
// duplicates nothing, and the next crawl resumes. The job has numbered runs
// (JobState.run is the current one, the runs family keeps each): a crawl
// continues the open run, or starts the next, which visits the seeds and
// every URL earlier runs fetched again. A page's records go through
// JobWriter::PutPageRecords, which counts them added, changed, unchanged or
// removed in the run; a 404 or 410 removes the URL's records. Each URL's
// UrlState keeps how the next run queues it (with the validators and record
// signature of its last 200), its revisit schedule (revisit_schedule.h) and
// its transient failures, moved by each page as finished_page.h says (as a
// worker's page moves them on the server): a 304 keeps its records (counted
// unchanged, no row written), a transient failure queues it again in the
// next run. With the job's recrawl.remove_unlinked, a run that completes also
// removes what it no longer links to (unlinked_sweep.h). The job's
// phase follows its run: running, then succeeded, or failed when it fetched
// nothing (the next run retries its seeds). Finish groups up to
// kPagesPerCommit pages (held at most kMaxHoldMicros, checked at each Finish)
// into one write, so a crash costs at most that many re-fetched pages. The
// store must outlive it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "crawler/engine/crawl_output.h"
#include "crawler/frontier/rocksdb_frontier.h"
#include "crawler/job/job_config.h"
#include "storage/job_writer.h"
#include "storage/staging_store.h"

namespace gleaner::crawler {

class StoreCrawlOutput : public CrawlOutput {
 public:
  // `clock` (Unix micros) plans runs and times fetches in the URLs'
  // schedules; null: the system clock.
  static Status Open(storage::StagingStore* store, const JobConfig& job,
                     std::function<int64_t()> clock, std::unique_ptr<StoreCrawlOutput>* out);

  Frontier* frontier() { return frontier_.get(); }

  Status Begin(const std::vector<v1::FrontierItem>& seeds) override;
  Status End(double duration_s) override;
  Status AddRecord(const v1::Record& record) override { return writer_->AddRecord(record); }
  Status AddPageRecords(const v1::FrontierItem& item, const std::string& url,
                        const std::vector<v1::Record>& records) override;
  // A page answered 304 keeps its URL's records and stored page; no row.
  Status AddPage(v1::Page page) override;
  // Kept when the job's recrawl.remove_unlinked is on (unlinked_sweep.h).
  Status AddPageLinks(const std::string& url, const std::vector<v1::FrontierItem>& links) override;
  Status AddError(const v1::FrontierItem& item, const v1::FetchError& error) override;
  v1::JobStats* stats() override { return writer_->mutable_state()->mutable_stats(); }
  v1::CrawlRun* run() override { return writer_->mutable_state()->mutable_run(); }
  Status GetRobots(const std::string& host_key, int64_t ttl_micros, std::string* rules) override;
  Status PutRobots(const std::string& host_key, const std::string& rules,
                   int64_t ttl_micros) override;
  Status Finish(const Lease& lease) override;
  Status Commit() override;
  Status Flush(bool* items_released) override;

  static constexpr int kPagesPerCommit = 64;
  static constexpr int64_t kMaxHoldMicros = 100000;

 private:
  StoreCrawlOutput(storage::StagingStore* store, const JobConfig& job,
                   std::function<int64_t()> clock)
      : store_(store), job_(job), clock_(std::move(clock)) {}
  // Starts run number `number`, queuing what it visits.
  Status StartRun(const std::vector<v1::FrontierItem>& seeds, uint32_t number, bool failed_before);

  storage::StagingStore* store_;
  JobConfig job_;
  std::function<int64_t()> clock_;
  std::unique_ptr<storage::JobWriter> writer_;
  std::unique_ptr<RocksDbFrontier> frontier_;
  std::unordered_set<std::string> seed_urls_;  // the seeds of this call, never swept
  int held_pages_ = 0;             // finished since the last commit
  int64_t first_held_micros_ = 0;  // when the oldest of them finished
};

}  // namespace gleaner::crawler
