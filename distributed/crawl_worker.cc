#include "distributed/crawl_worker.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "crawler/frontier/redis_frontier.h"
#include "distributed/worker_output.h"
#include "storage/job_writer.h"

namespace gleaner::distributed {

namespace {

// Redis went away under the crawl (restarted, failed over, unreachable):
// retries with backoff until it answers again, however long that takes; each
// attempt is bounded by the frontier's timeout. The leases this worker held
// meanwhile expire and are crawled again, so nothing is lost.
Status WaitForRedis(crawler::RedisFrontier* frontier, const Status& why, Logger* log) {
  log->Warn("waiting for redis to answer again", {{"error", why.message()}});
  auto since = std::chrono::steady_clock::now();
  auto backoff = std::chrono::milliseconds(100);
  while (true) {
    std::this_thread::sleep_for(backoff);
    Status s = frontier->Reconcile(storage::NowMicros());
    if (s.ok()) break;
    if (s.code() != Status::Code::kIOError) return s;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  std::chrono::duration<double> away = std::chrono::steady_clock::now() - since;
  log->Info("redis answers again after " + std::to_string(away.count()) + " s; crawling on");
  return Status::OK();
}

}  // namespace

Status CrawlWorker::CrawlJob(const crawler::JobConfig& job, bool public_networks_only,
                             CrawlSlot* slot) {
  service::IngestClient::Options io;
  io.config = options_.ingest;
  io.job = job.name;

  crawler::RedisFrontier::Options fo;
  fo.url = options_.redis_url;
  fo.job = job.name;
  fo.per_host = job.politeness.per_host;
  fo.delay_micros = static_cast<int64_t>(job.politeness.delay_ms) * 1000;
  fo.lease_ttl_micros = options_.lease_ttl_micros;
  std::unique_ptr<crawler::RedisFrontier> frontier;
  GLEANER_RETURN_IF_ERROR(crawler::RedisFrontier::Open(fo, &frontier).Annotate(options_.redis_url));

  service::IngestClient client(io);
  WorkerCrawlOutput output(frontier.get(), &client, log_);
  CrawlSlot::JobScope in_slot(slot, job.name, &output, &client);
  crawler::CrawlOptions options;
  // Progress lines are log lines too, with their timestamps.
  LogStream progress(log_, LogLevel::kInfo);
  options.progress = &progress;
  options.progress_is_tty = false;
  options.ca_file = options_.ca_file;
  options.public_networks_only = public_networks_only;
  while (true) {
    crawler::CrawlEngine engine(frontier.get(), &output, job, options);
    crawler::CrawlSummary summary;
    if (!slot->Attach(&engine)) break;
    Status s = engine.Run(&summary);
    slot->Detach();
    if (options_.on_run) options_.on_run(job.name, summary);
    // max_pages bounds the job's run, counted job-wide: once it is reached,
    // the rest of the frontier waits for the next run.
    bool more = !summary.stopped && !summary.max_pages_reached;
    // The counters the engine saw may be stale after a worker died between a
    // frontier script and its index update; Redis itself has the last word.
    if (s.ok() && more) s = frontier->Reconcile(storage::NowMicros());
    // Here only the frontier fails with IOError (the ingest client's failures
    // show in its status): Redis is away, and the job's state is safe in it.
    if (s.code() == Status::Code::kIOError && more && client.status().ok()) {
      GLEANER_RETURN_IF_ERROR(WaitForRedis(frontier.get(), s, log_));
      continue;
    }
    GLEANER_RETURN_IF_ERROR(s);
    if (!more || frontier->Done()) break;
    // Other workers still hold leases (or one that died does, until they
    // expire): wait for them with the rest.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (options_.on_job_end) {
    WorkerJobTotals totals;
    totals.ingest = client.counters();
    totals.fetch_errors = output.errors();
    totals.lost_leases = output.lost_leases();
    totals.redis_round_trips = frontier->round_trips();
    options_.on_job_end(job.name, totals);
  }
  return Status::OK();
}

}  // namespace gleaner::distributed
