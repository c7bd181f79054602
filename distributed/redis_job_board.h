// RedisJobBoard: the JobQueue of `gleaner serve --redis URL`. Jobs are not
// crawled in this process: Submit pushes a job's seeds into its RedisFrontier
// and publishes it in the RedisJobRegistry, where `gleaner worker` processes
// on any machine find it, crawl it and send its records to IngestService. A
// thread watches every active job's frontier and marks the job running once a
// worker took a URL, and ended once nothing is queued or leased, or the run
// took on the job's max_pages URLs and none is leased (checked exactly by
// Reconcile; every record was acked by then, since workers complete a lease
// only after its records' ack), then retires it from the registry. A job
// has numbered runs, as with `gleaner crawl`: a Submit after a run ended
// starts the next, which after a run that crawled everything revisits the
// seeds and the URLs earlier runs stored that are due (PlanRevisit; the
// others are carried over). Ingest stores the
// workers' pages in the run (records added, changed, unchanged, removed;
// 304s; failures); its pages started and fetched are counted job-wide in the
// frontier (RunTally): it ended failed when it fetched no page, naming the
// causes, and the next Submit retries its seeds; it succeeded otherwise,
// saying when max_pages stopped it. Pause and Cancel take the job off the active list at once
// (workers stop within a second or so, finishing their pages in flight);
// Resume or a new Submit publishes it again on the frontier it left, so the
// crawl continues. Jobs stay in Redis while the server is down; Start takes
// them up again. Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/logger.h"
#include "crawler/frontier/redis_frontier.h"
#include "distributed/redis_job_registry.h"
#include "service/jobs/job_queue.h"

namespace gleaner::distributed {

class RedisJobBoard : public service::JobQueue {
 public:
  struct Options {
    std::string url;                             // redis://HOST[:PORT][/DB]
    int64_t poll_micros = 500000;                // how often the active jobs are checked
    int64_t worker_ttl_micros = 30 * 1000000LL;  // a worker silent this long is gone
    // Unix micros that revisits go by: which URLs a run revisits and, for
    // Ingest, when a page was fetched (revisit_schedule.h); null: the system clock.
    std::function<int64_t()> clock;
  };

  // Connects (IOError when Redis cannot be reached). `log` (may be null)
  // receives one line per job published and ended.
  static Status Open(storage::StagingStore* store, Options options, Logger* log,
                     std::unique_ptr<RedisJobBoard>* out);
  ~RedisJobBoard() override;  // Shutdown()

  // Watches the jobs the registry holds, publishes the ones the store says
  // were pending or running without being there (e.g. queued by a server
  // without --redis), and starts the watching thread.
  Status Start() override;
  // *queue_position: among the published jobs no worker took yet.
  Status Submit(const crawler::JobConfig& job, const std::string& yaml,
                uint32_t* queue_position) override;
  // Both return at once: workers notice within their poll interval.
  Status Cancel(const std::string& name, Deadline deadline) override;
  Status Pause(const std::string& name, Deadline deadline) override;
  Status Resume(const std::string& name) override;
  // Never refuses: the records of a published job come through Ingest.
  Status WriteIdle(const std::string& name, const IdleWrite& write) override;
  uint32_t QueuePosition(const std::string& name) const override;
  uint32_t QueueLength() const override;
  std::string RunningJob() const override;  // the running jobs, comma-separated
  std::vector<v1::WorkerStats> Workers() const override;
  // Stops watching; the jobs stay published, and workers keep crawling.
  void Shutdown() override;

 private:
  // A job in the registry, as the board watches it.
  struct Watched {
    std::string yaml;
    std::unique_ptr<crawler::RedisFrontier> frontier;
    v1::JobPhase phase = v1::JOB_PENDING;  // pending, running or paused
    int max_pages = 0;                     // the job's: a run takes on at most this many URLs
    int64_t published_micros = 0;
    int64_t reconciled_micros = 0;
  };

  RedisJobBoard(storage::StagingStore* store, Options options, Logger* log,
                std::unique_ptr<RedisJobRegistry> registry)
      : store_(store), options_(std::move(options)), log_(log), registry_(std::move(registry)) {}

  // Seeds the frontier and publishes `job`, recording it as pending; a job
  // that had ended starts its next run. mu_ held.
  Status Publish(const crawler::JobConfig& job, const std::string& yaml, const v1::JobSpec* spec);
  // Takes `job` as the published one that WriteIdle hands to Ingest. mu_ held.
  void Accept(const crawler::JobConfig& job);
  // Records how a job's run ended and retires it. mu_ held.
  Status End(const std::string& name, const Watched& job, const crawler::FrontierStats& stats,
             const crawler::RunTally& tally);
  Status Watch(const crawler::JobConfig& job, const std::string& yaml, Watched* watched) const;
  // Checks one job; true when it is done and was retired. mu_ held.
  bool Check(const std::string& name, Watched* job);
  Status SetPhase(const std::string& name, v1::JobPhase phase, const std::string& message,
                  const v1::JobSpec* spec, const v1::CrawlRun* run = nullptr);
  void Loop();

  storage::StagingStore* store_;
  const Options options_;
  Logger* log_;
  // Held across Redis round trips, but never by Ingest's writes, which take
  // write_mu_ only (and the board takes it after mu_).
  mutable std::mutex mu_;
  std::unique_ptr<RedisJobRegistry> registry_;  // mu_
  std::map<std::string, Watched> jobs_;         // mu_
  std::mutex write_mu_;
  std::map<std::string, crawler::JobConfig> published_;  // write_mu_; by name, as last published
  std::condition_variable cv_;  // shutdown
  bool shutting_down_ = false;
  std::thread thread_;
};

}  // namespace gleaner::distributed
