// WorkerCrawlOutput: the CrawlOutput of `gleaner worker`. Each page goes to
// the ingest service through an IngestClient as a PageDone with its records
// (or answered 304, or failed for good), which the server stores in the
// job's run as a crawl in its own process would; a page's lease is Completed
// in the Redis frontier only once the ack covering it came back, so a worker
// killed at any moment loses nothing: its unacked leases expire and other
// workers fetch those pages again, and the server skips the pages it stored
// already in the run. Page bodies are not kept. The run's page counts
// (started, fetched, failed by kind) are the job's, kept in the frontier for
// the server. Robots rules are the frontier's, shared by the job's workers.
// Its client and frontier must outlive it.
#pragma once

#include <atomic>
#include <deque>

#include "common/logger.h"
#include "crawler/engine/crawl_output.h"
#include "crawler/frontier/redis_frontier.h"
#include "service/ingest/ingest_client.h"

namespace gleaner::distributed {

class WorkerCrawlOutput : public crawler::CrawlOutput {
 public:
  // Fetch errors are logged to `log`.
  WorkerCrawlOutput(crawler::RedisFrontier* frontier, service::IngestClient* client, Logger* log)
      : frontier_(frontier), client_(client), log_(log) {}

  // Every worker pushes the seeds: the frontier's seen set keeps one of each.
  // A run after one that failed on Redis first completes the leases whose
  // records were acked meanwhile: no later ack would wake it for them.
  Status Begin(const std::vector<v1::FrontierItem>& seeds) override;
  // Waits until every record is acked (however long the service is away)
  // and completes the leases that waited for them.
  Status End(double duration_s) override;
  Status AddRecord(const v1::Record& record) override;
  Status AddPageRecords(const v1::FrontierItem& item, const std::string& url,
                        const std::vector<v1::Record>& records) override;
  // Only a 304 is sent: its records stand.
  Status AddPage(v1::Page page) override;
  Status AddError(const v1::FrontierItem& item, const v1::FetchError& error) override;
  // The ingest service skips records it has by (job, source_url, index_in_page).
  bool records_idempotent() const override { return true; }
  v1::JobStats* stats() override { return &stats_; }
  // The run is the job's, shared by its workers: counted in the frontier.
  Status GrantPages(uint64_t fresh, uint64_t max_pages, uint64_t* granted) override {
    return frontier_->GrantPages(fresh, max_pages, granted);
  }
  void UngrantPages(uint64_t count) override { frontier_->UngrantPages(count); }
  void CountFetch(bool answered, uint64_t wire_bytes) override {
    frontier_->CountFetch(answered, wire_bytes);
  }
  Status GetRobots(const std::string& host_key, int64_t ttl_micros, std::string* rules) override;
  Status PutRobots(const std::string& host_key, const std::string& rules,
                   int64_t ttl_micros) override;
  Status Finish(const crawler::Lease& lease) override;
  Status Commit() override { return Status::OK(); }
  void SetWakeup(std::function<void()> wake) override { client_->SetListener(std::move(wake)); }
  Status Poll() override;
  bool Full() const override { return client_->Full(); }

  // Readable from any thread (the worker's heartbeat): pages fetched as of
  // the last page finished, and fetch errors.
  uint64_t pages() const { return pages_.load(std::memory_order_relaxed); }
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  // Leases that expired before their records were acked: other workers
  // fetched those pages again.
  uint64_t lost_leases() const { return lost_leases_; }

 private:
  struct Waiting {
    uint64_t last_record;  // the lease completes once the client acked this (record or page)
    crawler::Lease lease;
  };

  crawler::RedisFrontier* frontier_;
  service::IngestClient* client_;
  Logger* log_;
  v1::JobStats stats_;
  uint64_t last_record_ = 0;
  std::deque<Waiting> waiting_;  // in the order of last_record
  std::atomic<uint64_t> pages_{0};
  std::atomic<uint64_t> errors_{0};
  uint64_t lost_leases_ = 0;
};

}  // namespace gleaner::distributed
