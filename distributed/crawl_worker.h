// CrawlWorker: `gleaner worker` below its flags. It crawls one job from the
// job's frontier in Redis, fetching and extracting pages and shipping the
// records to a server's ingest service (WorkerCrawlOutput), until no URL of
// the job is queued or leased anywhere, checked against Redis itself. Redis
// restarting or failing over stops no crawl: the worker waits for Redis to
// answer again and carries on. What it reports (each engine run's summary,
// each job's totals) goes to the callbacks, so the caller decides how to
// print it. The logger must outlive the worker; CrawlJob may be called for
// one job at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/logger.h"
#include "common/status.h"
#include "crawler/engine/crawl_engine.h"
#include "crawler/job/job_config.h"
#include "distributed/worker_board.h"
#include "service/client/service_client.h"
#include "service/ingest/ingest_client.h"

namespace gleaner::distributed {

// What one job's crawl by this worker added up to.
struct WorkerJobTotals {
  service::IngestClient::Counters ingest;
  uint64_t fetch_errors = 0;  // logged, not shipped: Ingest carries records only
  uint64_t lost_leases = 0;   // leases that expired before their records were acked
  uint64_t redis_round_trips = 0;
};

struct CrawlWorkerOptions {
  std::string redis_url;         // redis://HOST[:PORT][/DB], the jobs' frontiers
  service::ClientConfig ingest;  // the server's ingest service
  std::string ca_file;           // extra CA certificates for https fetches; may be empty
  int64_t lease_ttl_micros = 15LL * 1000000;  // a claimed URL stays ours this long unless renewed
  // After each engine run (a job may take several while other workers hold leases).
  std::function<void(const std::string& job, const crawler::CrawlSummary& summary)> on_run;
  // Once a job's crawl ended well.
  std::function<void(const std::string& job, const WorkerJobTotals& totals)> on_job_end;
};

class CrawlWorker {
 public:
  // Its own lines (Redis away and back, the crawls' progress) go to `log`.
  CrawlWorker(CrawlWorkerOptions options, Logger* log) : options_(std::move(options)), log_(log) {}

  // Crawls `job` until no URL of it is queued or leased anywhere, or the
  // slot's engine is stopped (Stop or StopJob). With `public_networks_only`
  // the fetches refuse to connect to loopback, private and link-local
  // addresses.
  Status CrawlJob(const crawler::JobConfig& job, bool public_networks_only, CrawlSlot* slot);

 private:
  const CrawlWorkerOptions options_;
  Logger* log_;
};

}  // namespace gleaner::distributed
