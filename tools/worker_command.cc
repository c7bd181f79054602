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
// worker_board.h) and runs until SIGTERM; those jobs came over the network, so
// their crawls connect to public addresses only unless --allow-private-networks.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "common/logger.h"
#include "common/stop_signals.h"
#include "crawler/engine/crawl_engine.h"
#include "crawler/frontier/redis_frontier.h"
#include "crawler/job/job_parser.h"
#include "ingest/service/ingest_client.h"
#include "ingest/service/service_client.h"
#include "storage/job_writer.h"
#include "tools/commands.h"
#include "tools/worker_board.h"
#include "tools/worker_output.h"

namespace gleaner::tools {

namespace {

struct WorkerFlags {
  std::string redis;
  std::string job;
  std::string ca_file;
  bool allow_private_networks = false;
  int lease_s = 300;
  std::string log_format = "text";
  service::ClientFlags client;
};

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

// Crawls `job` until no URL of it is queued or leased anywhere, or the
// slot's engine is stopped.
Status RunWorker(const WorkerFlags& f, const crawler::JobConfig& job, bool public_networks_only,
                 CrawlSlot* slot, Logger* log) {
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
  WorkerCrawlOutput output(frontier.get(), &client, log);
  CrawlSlot::JobScope in_slot(slot, job.name, &output, &client);
  crawler::CrawlOptions options;
  // Progress lines are log lines too, with their timestamps.
  LogStream progress(log, LogLevel::kInfo);
  options.progress = &progress;
  options.progress_is_tty = false;
  options.ca_file = f.ca_file;
  options.public_networks_only = public_networks_only;
  while (true) {
    crawler::CrawlEngine engine(frontier.get(), &output, job, options);
    crawler::CrawlSummary summary;
    if (!slot->Attach(&engine)) break;
    Status s = engine.Run(&summary);
    slot->Detach();
    PrintCrawlSummary(job.name, summary, std::cout);
    // max_pages bounds what one worker fetches, not the job.
    bool more = !summary.stopped && job.max_pages == 0;
    // The counters the engine saw may be stale after a worker died between a
    // frontier script and its index update; Redis itself has the last word.
    if (s.ok() && more) s = frontier->Reconcile(storage::NowMicros());
    // Here only the frontier fails with IOError (the ingest client's failures
    // show in its status): Redis is away, and the job's state is safe in it.
    if (s.code() == Status::Code::kIOError && more && client.status().ok()) {
      GLEANER_RETURN_IF_ERROR(WaitForRedis(frontier.get(), s, log));
      continue;
    }
    GLEANER_RETURN_IF_ERROR(s);
    if (!more || frontier->Done()) break;
    // Other workers still hold leases (or one that died does, until they
    // expire): wait for them with the rest.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  service::IngestClient::Counters c = client.counters();
  std::cout << "  ingest: " << c.records_stored << " records stored, " << c.duplicates
            << " already there, " << c.batches_acked << " batches, " << c.reconnects
            << " reconnects; " << output.errors() << " fetch errors logged, "
            << output.lost_leases() << " leases lost to expiry\n";
  std::cout << "  redis: " << frontier->round_trips() << " round trips\n";
  return Status::OK();
}

// One job from --job (the operator's own file: not restricted), or every job
// `gleaner serve --redis` publishes.
Status Work(const WorkerFlags& f, Logger* log) {
  // SIGTERM or SIGINT: finish the pages in flight (their records shipped and
  // acked), then exit; the rest stays in Redis for the other workers.
  CrawlSlot slot;
  StopSignals stop_signals([&slot, log](const char* signal) {
    if (!slot.stopping()) log->Info("finishing the pages in flight", {{"signal", signal}});
    slot.Stop();
  });
  if (f.job.empty()) {
    return RunBoardWorker(f.redis, &slot, log,
                          [&f, log](const crawler::JobConfig& job, CrawlSlot* slot) {
                            return RunWorker(f, job, !f.allow_private_networks, slot, log);
                          });
  }
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobFile(f.job, &job));
  return RunWorker(f, job, /*public_networks_only=*/false, &slot, log);
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
                  "Seconds a claimed URL stays this worker's before others may take it")
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
