// `gleaner worker` without --job: takes its jobs from the RedisJobRegistry
// that `gleaner serve --redis` publishes them in, the oldest active one
// first, crawls it until the whole job is done (or the server pauses or
// cancels it), and looks for the next; it runs until its CrawlSlot is
// stopped (the command does so on SIGTERM or SIGINT), finishing the pages it
// holds. Every second it reports its counters
// (v1.WorkerStats, id "host:pid") to the registry, where the server shows
// them; a worker silent for 30 s is forgotten.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "common/logger.h"
#include "crawler/engine/crawl_engine.h"
#include "crawler/job/job_config.h"
#include "distributed/worker_output.h"
#include "schema/gleaner_service.pb.h"
#include "service/ingest/ingest_client.h"

namespace gleaner::distributed {

// The crawl a worker runs now, shared with its other threads: a signal or the
// job leaving the board stops it, the heartbeat reads its counters.
class CrawlSlot {
 public:
  // While it lives, the slot's job is `job`, whose counters are read from
  // `output` and `client` (which must outlive it); then they add to the totals.
  class JobScope {
   public:
    JobScope(CrawlSlot* slot, const std::string& job, const WorkerCrawlOutput* output,
             const service::IngestClient* client);
    ~JobScope();
    JobScope(const JobScope&) = delete;
    JobScope& operator=(const JobScope&) = delete;

   private:
    CrawlSlot* slot_;
  };

  // `engine` runs the slot's job until Detach; false (and nothing set) when
  // the worker is stopping: do not Run it.
  bool Attach(crawler::CrawlEngine* engine);
  void Detach();
  // Stops the crawl, and the worker: Attach refuses from now on.
  void Stop();
  // Stops the crawl if it is `job`'s; the worker goes on.
  void StopJob(const std::string& job);
  bool stopping() const;
  // Waits `micros` or until Stop.
  void Wait(int64_t micros);
  std::string job() const;
  // Pages, records and errors so far, and the job; id and times are the caller's.
  v1::WorkerStats Snapshot() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::string job_;
  crawler::CrawlEngine* engine_ = nullptr;
  const WorkerCrawlOutput* output_ = nullptr;
  const service::IngestClient* client_ = nullptr;
  v1::WorkerStats totals_;  // of the jobs crawled before
};

// Crawls `job` until it is done or the slot's engine is stopped.
using CrawlJobFn = std::function<Status(const crawler::JobConfig& job, CrawlSlot* slot)>;

// Runs until slot->Stop() (the command calls it on SIGTERM or SIGINT), which
// also stops the crawl in progress. Its own lines (jobs taken, Redis away) go
// to `log`.
Status RunBoardWorker(const std::string& redis_url, CrawlSlot* slot, Logger* log,
                      const CrawlJobFn& crawl);

}  // namespace gleaner::distributed
