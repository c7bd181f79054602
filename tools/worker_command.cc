// `gleaner worker --redis URL --ingest HOST:PORT --job FILE`: one stateless
// worker of a multi-machine crawl. It takes URLs from the job's frontier in
// Redis, fetches and extracts them, and ships the records to the ingest
// service of `gleaner serve`; start as many as wanted, on any machines, and
// kill any of them at any time. Each worker pushes the job's seeds (the
// frontier keeps one of each) and exits 0 once the whole job is done: no URL
// queued or leased by anyone, checked against Redis itself, and every record
// of its own acked. Redis restarting or failing over stops no worker: it
// waits for Redis to answer again and carries on.
//
// Without --job, the worker takes its jobs from `gleaner serve --redis` (see
// distributed/worker_board.h) and runs until SIGTERM; those jobs came over the network, so
// their crawls connect to public addresses only unless --allow-private-networks.
#include <iostream>

#include "common/logger.h"
#include "common/stop_signals.h"
#include "crawler/job/job_parser.h"
#include "distributed/crawl_worker.h"
#include "distributed/worker_board.h"
#include "service/client/service_client.h"
#include "tools/commands.h"

namespace gleaner::tools {

namespace {

struct WorkerFlags {
  std::string redis;
  std::string job;
  std::string ca_file;
  bool allow_private_networks = false;
  int lease_s = 15;
  std::string log_format = "text";
  service::ClientFlags client;
};

// One job from --job (the operator's own file: not restricted), or every job
// `gleaner serve --redis` publishes.
Status Work(const WorkerFlags& f, Logger* log) {
  distributed::CrawlWorkerOptions options;
  options.redis_url = f.redis;
  GLEANER_RETURN_IF_ERROR(service::ResolveClientConfig(f.client, &options.ingest));
  options.ca_file = f.ca_file;
  options.lease_ttl_micros = static_cast<int64_t>(f.lease_s) * 1000000;
  options.on_run = [](const std::string& job, const crawler::CrawlSummary& summary) {
    PrintCrawlSummary(job, summary, std::cout);
  };
  options.on_job_end = [](const std::string&, const distributed::WorkerJobTotals& t) {
    std::cout << "  ingest: " << t.ingest.records_stored << " records stored, "
              << t.ingest.duplicates << " already there, " << t.ingest.batches_acked << " batches, "
              << t.ingest.reconnects << " reconnects; " << t.fetch_errors
              << " fetch errors logged, " << t.lost_leases << " leases lost to expiry\n";
    std::cout << "  redis: " << t.redis_round_trips << " round trips\n";
  };
  distributed::CrawlWorker worker(std::move(options), log);
  // SIGTERM or SIGINT: finish the pages in flight (their records shipped and
  // acked), then exit; the rest stays in Redis for the other workers.
  distributed::CrawlSlot slot;
  StopSignals stop_signals([&slot, log](const char* signal) {
    if (!slot.stopping()) log->Info("finishing the pages in flight", {{"signal", signal}});
    slot.Stop();
  });
  if (f.job.empty()) {
    return distributed::RunBoardWorker(
        f.redis, &slot, log,
        [&f, &worker](const crawler::JobConfig& job, distributed::CrawlSlot* slot) {
          return worker.CrawlJob(job, !f.allow_private_networks, slot);
        });
  }
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobFile(f.job, &job));
  GLEANER_RETURN_IF_ERROR(crawler::CheckWorkerCrawlable(job));
  return worker.CrawlJob(job, /*public_networks_only=*/false, &slot);
}

}  // namespace

void RegisterWorker(CLI::App& app, CommandResult* result) {
  auto flags = std::make_shared<WorkerFlags>();
  CLI::App* cmd = app.add_subcommand(
      "worker",
      "Crawl the jobs of `gleaner serve --redis` (or one --job) from their Redis frontier, "
      "shipping records to the server's ingest service");
  cmd->add_option("--redis", flags->redis, "The jobs' Redis: redis://HOST[:PORT][/DB]")->required();
  cmd->add_option("--job", flags->job,
                  "Crawl this job file (YAML) and exit when it is done; without it, crawl the "
                  "jobs the server publishes in Redis until SIGTERM");
  AddClientFlags(cmd, &flags->client);
  cmd->add_option("--ingest", flags->client.server,
                  "HOST:PORT of the server's ingest service (same as --server)");
  cmd->add_option("--lease-s", flags->lease_s,
                  "Seconds a claimed URL stays this worker's without a renewal (renewed every "
                  "third of that while the worker lives) before others may take it")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--allow-private-networks", flags->allow_private_networks,
                "Let the server's jobs (without --job) reach loopback, private and link-local "
                "addresses; by default their fetches refuse to connect to those");
  AddCaFileFlag(cmd, &flags->ca_file);
  AddLogFormatFlag(cmd, &flags->log_format);
  cmd->callback([flags, result] {
    result->exit_code =
        RunLogged(flags->log_format, [&](Logger* log) { return Work(*flags, log); });
  });
}

}  // namespace gleaner::tools
