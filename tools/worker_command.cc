// `gleaner worker --redis URL --ingest HOST:PORT --job FILE`: one stateless
// worker of a multi-machine crawl. It takes URLs from the job's frontier in
// Redis, fetches and extracts them, and ships the records to the ingest
// service of `gleaner serve`; start as many as wanted, on any machines, and
// kill any of them at any time. Each worker pushes the job's seeds (the
// frontier keeps one of each) and exits 0 once the whole job is done: no URL
// queued or leased by anyone, checked against Redis itself, and every record
// of its own acked.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "crawler/engine/crawl_engine.h"
#include "crawler/frontier/redis_frontier.h"
#include "crawler/job/job_parser.h"
#include "ingest/service/ingest_client.h"
#include "ingest/service/service_client.h"
#include "storage/job_writer.h"
#include "tools/commands.h"
#include "tools/worker_output.h"

namespace gleaner::tools {

namespace {

struct WorkerFlags {
  std::string redis;
  std::string job;
  std::string ca_file;
  int lease_s = 300;
  service::ClientFlags client;
};

Status RunWorker(const WorkerFlags& f) {
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobFile(f.job, &job));
  service::IngestClient::Options io;
  GLEANER_RETURN_IF_ERROR(service::ResolveClientConfig(f.client, &io.config));
  io.job = job.name;

  crawler::RedisFrontier::Options fo;
  fo.url = f.redis;
  fo.job = job.name;
  fo.per_host = job.politeness.per_host;
  fo.delay_micros = static_cast<int64_t>(job.politeness.delay_ms) * 1000;
  fo.lease_ttl_micros = static_cast<int64_t>(f.lease_s) * 1000000;
  std::unique_ptr<crawler::RedisFrontier> frontier;
  GLEANER_RETURN_IF_ERROR(crawler::RedisFrontier::Open(fo, &frontier).Annotate(f.redis));

  service::IngestClient client(io);
  WorkerCrawlOutput output(frontier.get(), &client, &std::cerr);
  crawler::CrawlOptions options;
  options.progress = &std::cerr;
  options.progress_is_tty = isatty(STDERR_FILENO);
  options.ca_file = f.ca_file;
  while (true) {
    crawler::CrawlEngine engine(frontier.get(), &output, job, options);
    crawler::CrawlSummary summary;
    Status s = engine.Run(&summary);
    PrintCrawlSummary(job.name, summary, std::cout);
    GLEANER_RETURN_IF_ERROR(s);
    // max_pages bounds what one worker fetches, not the job.
    if (summary.stopped || job.max_pages > 0) break;
    // The counters the engine saw may be stale after a worker died between a
    // frontier script and its index update; Redis itself has the last word.
    GLEANER_RETURN_IF_ERROR(frontier->Reconcile(storage::NowMicros()));
    if (frontier->Done()) break;
    // Other workers still hold leases (or one that died does, until they
    // expire): wait for them with the rest.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  service::IngestClient::Counters c = client.counters();
  std::cout << "  ingest: " << c.records_stored << " records stored, " << c.duplicates
            << " already there, " << c.batches_acked << " batches, " << c.reconnects
            << " reconnects; " << output.errors() << " fetch errors logged, "
            << output.lost_leases() << " leases lost to expiry\n";
  return Status::OK();
}

}  // namespace

void RegisterWorker(CLI::App& app, CommandResult* result) {
  auto flags = std::make_shared<WorkerFlags>();
  CLI::App* cmd = app.add_subcommand(
      "worker", "Crawl a job's Redis frontier, shipping records to a server's ingest service");
  cmd->add_option("--redis", flags->redis, "The job's Redis: redis://HOST[:PORT][/DB]")->required();
  cmd->add_option("--job", flags->job, "Job file (YAML)")->required();
  AddClientFlags(cmd, &flags->client);
  cmd->add_option("--ingest", flags->client.server,
                  "HOST:PORT of the server's ingest service (same as --server)");
  cmd->add_option("--lease-s", flags->lease_s,
                  "Seconds a claimed URL stays this worker's before others may take it")
      ->check(CLI::PositiveNumber);
  AddCaFileFlag(cmd, &flags->ca_file);
  cmd->callback([flags, result] { result->exit_code = Report(RunWorker(*flags)); });
}

}  // namespace gleaner::tools
