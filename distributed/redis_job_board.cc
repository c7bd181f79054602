#include "distributed/redis_job_board.h"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "crawler/engine/page_processor.h"
#include "crawler/engine/revisit_plan.h"
#include "crawler/job/job_parser.h"
#include "storage/job_phase.h"
#include "storage/job_writer.h"  // NowMicros
#include "storage/store_reader.h"

namespace gleaner::distributed {

namespace {

// Between exact checks of a job that does not look done: Reconcile reads
// every host of the job, Stats two keys.
constexpr int64_t kReconcileEveryMicros = 10 * 1000000LL;

}  // namespace

Status RedisJobBoard::Open(storage::StagingStore* store, Options options, Logger* log,
                           std::unique_ptr<RedisJobBoard>* out) {
  std::unique_ptr<RedisJobRegistry> registry;
  GLEANER_RETURN_IF_ERROR(RedisJobRegistry::Open(options.url, &registry).Annotate(options.url));
  if (!options.clock) options.clock = storage::NowMicros;
  out->reset(new RedisJobBoard(store, std::move(options), log, std::move(registry)));
  return Status::OK();
}

RedisJobBoard::~RedisJobBoard() { Shutdown(); }

Status RedisJobBoard::SetPhase(const std::string& name, v1::JobPhase phase,
                               const std::string& message, const v1::JobSpec* spec,
                               const v1::CrawlRun* run) {
  std::lock_guard<std::mutex> lock(write_mu_);
  return service::WriteJobPhase(store_, name, phase, message, spec, run);
}

Status RedisJobBoard::Watch(const crawler::JobConfig& job, const std::string& yaml,
                            Watched* watched) const {
  crawler::RedisFrontier::Options fo;
  fo.url = options_.url;
  fo.job = job.name;
  fo.per_host = job.politeness.per_host;
  fo.delay_micros = static_cast<int64_t>(job.politeness.delay_ms) * 1000;
  GLEANER_RETURN_IF_ERROR(crawler::RedisFrontier::Open(fo, &watched->frontier));
  watched->yaml = yaml;
  watched->max_pages = job.max_pages;
  return Status::OK();
}

Status RedisJobBoard::Publish(const crawler::JobConfig& job, const std::string& yaml,
                              const v1::JobSpec* spec) {
  Watched watched;
  GLEANER_RETURN_IF_ERROR(Watch(job, yaml, &watched));
  v1::JobState last;
  Status found;
  {
    storage::StoreReader reader(store_);
    found = reader.GetJob(job.name, &last);
  }
  if (!found.ok() && !found.IsNotFound()) return found;
  // A job paused, or interrupted by a restart, continues its run.
  const bool next_run = !found.ok() || last.phase() == v1::JOB_SUCCEEDED ||
                        last.phase() == v1::JOB_FAILED || last.phase() == v1::JOB_CANCELLED;
  if (next_run) GLEANER_RETURN_IF_ERROR(watched.frontier->ResetRun());
  // Seeded before it is published, so that no one finds the job without work.
  std::unique_ptr<crawler::PageProcessor> processor;
  GLEANER_RETURN_IF_ERROR(crawler::PageProcessor::Build(job, &processor));
  std::vector<v1::FrontierItem> seeds;
  GLEANER_RETURN_IF_ERROR(processor->SeedItems(&seeds));
  // A run after one that crawled everything visits the seeds and the known
  // URLs again, as `gleaner crawl` does (their stored rows tell what
  // changed); after max_pages, the queued rest comes first.
  crawler::RevisitPlan revisit;
  bool revisiting = false;
  if (next_run && found.ok()) {
    GLEANER_RETURN_IF_ERROR(watched.frontier->Reconcile(storage::NowMicros()));
    const crawler::FrontierStats stats = watched.frontier->Stats();
    revisiting = stats.queued == 0 && stats.in_flight == 0;
  }
  size_t added = 0;
  if (revisiting) {
    GLEANER_RETURN_IF_ERROR(crawler::PlanRevisit(store_, job, options_.clock(), &revisit));
    GLEANER_RETURN_IF_ERROR(crawler::QueueRevisit(revisit, seeds, watched.frontier.get(), &added));
  } else {
    GLEANER_RETURN_IF_ERROR(watched.frontier->Push(seeds, &added));
  }
  // The seeds failed last time and the frontier saw them: queue them again
  // (a revisit pushed them already).
  if (found.ok() && last.phase() == v1::JOB_FAILED &&
      last.run().end() == v1::CrawlRun::NOTHING_FETCHED && !revisiting) {
    GLEANER_RETURN_IF_ERROR(watched.frontier->Requeue(seeds));
  }
  // Its rows are the job's run: Ingest counts the pages' records in it.
  v1::CrawlRun fresh_run;
  fresh_run.set_number(found.ok() ? last.run().number() + 1 : 1);
  fresh_run.set_start_micros(storage::NowMicros());
  fresh_run.set_pages_carried_over(revisit.carried_over.size());
  GLEANER_RETURN_IF_ERROR(
      SetPhase(job.name, v1::JOB_PENDING, "", spec, next_run ? &fresh_run : nullptr));
  watched.published_micros = storage::NowMicros();
  GLEANER_RETURN_IF_ERROR(registry_->Publish(job.name, yaml, watched.published_micros));
  Accept(job);
  jobs_[job.name] = std::move(watched);
  if (log_) log_->Info("job published for the workers", {{"job", job.name}});
  return Status::OK();
}

Status RedisJobBoard::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RedisJobRegistry::Job> listed;
  GLEANER_RETURN_IF_ERROR(registry_->List(&listed));
  std::vector<v1::JobState> stored;
  {
    storage::StoreReader reader(store_);
    GLEANER_RETURN_IF_ERROR(reader.ListJobs(&stored));
  }
  std::map<std::string, const v1::JobState*> by_name;
  for (const auto& state : stored) by_name[state.name()] = &state;

  int64_t now = storage::NowMicros();
  for (size_t i = 0; i < listed.size(); ++i) {
    const RedisJobRegistry::Job& entry = listed[i];
    auto it = by_name.find(entry.name);
    crawler::JobConfig job;
    Status s = crawler::ParseJobYaml(
        entry.yaml, it == by_name.end() ? entry.name : it->second->spec().source_path(), &job);
    Watched watched;
    if (s.ok()) s = Watch(job, entry.yaml, &watched);
    if (!s.ok()) return s.Annotate("job '" + entry.name + "' in " + options_.url);
    watched.phase = !entry.active ? v1::JOB_PAUSED
                    : it != by_name.end() && it->second->phase() == v1::JOB_RUNNING
                        ? v1::JOB_RUNNING
                        : v1::JOB_PENDING;
    watched.published_micros = now + static_cast<int64_t>(i);  // keeps the registry's order
    Accept(job);
    jobs_[entry.name] = std::move(watched);
  }

  // Oldest submission first, as JobRunner would have run them.
  std::sort(stored.begin(), stored.end(), [](const v1::JobState& a, const v1::JobState& b) {
    return a.created_micros() < b.created_micros();
  });
  for (const auto& state : stored) {
    bool interrupted = state.phase() == v1::JOB_PENDING || state.phase() == v1::JOB_RUNNING;
    // Jobs crawled by `gleaner crawl` have no stored YAML; they are not the server's.
    if (!interrupted || state.spec().yaml().empty() || jobs_.count(state.name())) continue;
    crawler::JobConfig job;
    Status s = service::ParseJobSpec(state.spec(), &job);
    if (!s.ok()) {
      GLEANER_RETURN_IF_ERROR(SetPhase(state.name(), v1::JOB_FAILED, s.message(), nullptr));
      continue;
    }
    GLEANER_RETURN_IF_ERROR(Publish(job, state.spec().yaml(), nullptr));
  }
  thread_ = std::thread([this] { Loop(); });
  return Status::OK();
}

Status RedisJobBoard::Submit(const crawler::JobConfig& job, const std::string& yaml,
                             uint32_t* queue_position) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return Status::Unavailable("the server is shutting down");
  auto it = jobs_.find(job.name);
  if (it != jobs_.end() && it->second.phase != v1::JOB_PAUSED) {
    return Status::FailedPrecondition("job '" + job.name + "' is already " +
                                      (it->second.phase == v1::JOB_RUNNING ? "running" : "queued"));
  }
  const v1::JobSpec spec = service::JobSpecOf(job, yaml);
  GLEANER_RETURN_IF_ERROR(Publish(job, yaml, &spec));
  *queue_position = 0;
  for (const auto& [name, watched] : jobs_) *queue_position += watched.phase == v1::JOB_PENDING;
  return Status::OK();
}

Status RedisJobBoard::Cancel(const std::string& name, Deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(name);
  if (it != jobs_.end()) {
    GLEANER_RETURN_IF_ERROR(registry_->Retire(name));
    jobs_.erase(it);
    return SetPhase(name, v1::JOB_CANCELLED, "", nullptr);
  }
  v1::JobState state;
  {
    storage::StoreReader reader(store_);
    GLEANER_RETURN_IF_ERROR(reader.GetJob(name, &state));
  }
  if (state.phase() == v1::JOB_PAUSED) return SetPhase(name, v1::JOB_CANCELLED, "", nullptr);
  return Status::FailedPrecondition("job '" + name +
                                    "' is neither queued nor running; it cannot be cancelled");
}

Status RedisJobBoard::Pause(const std::string& name, Deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(name);
  if (it == jobs_.end() || it->second.phase == v1::JOB_PAUSED) {
    v1::JobState state;
    storage::StoreReader reader(store_);
    GLEANER_RETURN_IF_ERROR(reader.GetJob(name, &state));  // NotFound for an unknown job
    return Status::FailedPrecondition("job '" + name +
                                      "' is neither queued nor running; it cannot be paused");
  }
  GLEANER_RETURN_IF_ERROR(registry_->Suspend(name));
  it->second.phase = v1::JOB_PAUSED;
  return SetPhase(name, v1::JOB_PAUSED, "", nullptr);
}

Status RedisJobBoard::Resume(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return Status::Unavailable("the server is shutting down");
  auto it = jobs_.find(name);
  if (it != jobs_.end() && it->second.phase == v1::JOB_PAUSED) {
    int64_t now = storage::NowMicros();
    GLEANER_RETURN_IF_ERROR(registry_->Publish(name, it->second.yaml, now));
    it->second.phase = v1::JOB_PENDING;
    it->second.published_micros = now;
    return SetPhase(name, v1::JOB_PENDING, "", nullptr);
  }
  v1::JobState state;
  {
    storage::StoreReader reader(store_);
    GLEANER_RETURN_IF_ERROR(reader.GetJob(name, &state));
  }
  if (it != jobs_.end() || state.phase() != v1::JOB_PAUSED) {
    return Status::FailedPrecondition("job '" + name + "' is not paused");
  }
  if (state.spec().yaml().empty()) {
    return Status::FailedPrecondition("job '" + name +
                                      "' was not submitted to this server; submit it instead");
  }
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(service::ParseJobSpec(state.spec(), &job));
  return Publish(job, state.spec().yaml(), nullptr);
}

void RedisJobBoard::Accept(const crawler::JobConfig& job) {
  std::lock_guard<std::mutex> lock(write_mu_);
  published_[job.name] = job;
}

Status RedisJobBoard::WriteIdle(const std::string& name, const IdleWrite& write) {
  std::lock_guard<std::mutex> lock(write_mu_);
  auto it = published_.find(name);
  return write(it == published_.end() ? nullptr : &it->second);
}

uint32_t RedisJobBoard::QueuePosition(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(name);
  if (it == jobs_.end() || it->second.phase != v1::JOB_PENDING) return 0;
  uint32_t position = 1;
  for (const auto& [other, watched] : jobs_) {
    position +=
        watched.phase == v1::JOB_PENDING && watched.published_micros < it->second.published_micros;
  }
  return position;
}

uint32_t RedisJobBoard::QueueLength() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<uint32_t>(std::count_if(jobs_.begin(), jobs_.end(), [](const auto& entry) {
    return entry.second.phase == v1::JOB_PENDING;
  }));
}

std::string RedisJobBoard::RunningJob() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string running;
  for (const auto& [name, watched] : jobs_) {
    if (watched.phase != v1::JOB_RUNNING) continue;
    running += (running.empty() ? "" : ",") + name;
  }
  return running;
}

std::vector<v1::WorkerStats> RedisJobBoard::Workers() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<v1::WorkerStats> workers;
  Status s = registry_->Workers(storage::NowMicros(), options_.worker_ttl_micros, &workers);
  if (!s.ok() && log_) log_->Warn("reading the workers failed", {{"error", s.message()}});
  return workers;
}

bool RedisJobBoard::Check(const std::string& name, Watched* job) {
  if (job->phase == v1::JOB_PAUSED) return false;
  crawler::FrontierStats stats = job->frontier->Stats();
  crawler::RunTally tally;
  auto read_run = [&]() -> Status {
    return job->max_pages > 0 ? job->frontier->ReadRun(&tally) : Status::OK();
  };
  // Over when nothing is leased and either nothing is queued or the run's
  // page budget is spent (the queued rest waits for the next run).
  auto over = [&] {
    bool spent = job->max_pages > 0 && tally.started >= static_cast<uint64_t>(job->max_pages);
    return stats.in_flight == 0 && (stats.queued == 0 || spent);
  };
  Status s = read_run();
  int64_t now = storage::NowMicros();
  // The counters may be stale (a worker died between a frontier script and
  // its index update): only the hosts' own keys may say that a job is over.
  if (s.ok() && (over() || now - job->reconciled_micros >= kReconcileEveryMicros)) {
    s = job->frontier->Reconcile(now);
    if (s.ok()) {
      job->reconciled_micros = now;
      stats = job->frontier->Stats();
    }
  }
  if (!s.ok()) {
    if (log_) log_->Warn("checking a job failed", {{"job", name}, {"error", s.message()}});
    return false;
  }
  if (over()) {
    // Every lease was completed, and a worker completes one only once the
    // records of its page were acked, after sending its counts: they are all
    // stored and counted.
    s = job->frontier->ReadRun(&tally);
    if (s.ok()) s = End(name, *job, stats, tally);
    if (!s.ok() && log_)
      log_->Error("ending a job failed", {{"job", name}, {"error", s.message()}});
    return s.ok();
  }
  // queued counts leased URLs too, so it is below seen once any was completed.
  if (job->phase == v1::JOB_PENDING && (stats.in_flight > 0 || stats.queued < stats.seen)) {
    s = SetPhase(name, v1::JOB_RUNNING, "", nullptr);
    if (s.ok()) job->phase = v1::JOB_RUNNING;
    if (log_) log_->Info("job started by the workers", {{"job", name}});
  }
  return false;
}

Status RedisJobBoard::End(const std::string& name, const Watched& job,
                          const crawler::FrontierStats& stats, const crawler::RunTally& tally) {
  v1::JobPhase phase = v1::JOB_SUCCEEDED;
  v1::CrawlRun::End end = v1::CrawlRun::COMPLETE;
  std::string reason;
  // A URL was tried and none answered: as `gleaner crawl` judges a run.
  if (tally.started > 0 && tally.ok == 0) {
    phase = v1::JOB_FAILED;
    end = v1::CrawlRun::NOTHING_FETCHED;
    reason = "no page fetched" + tally.DescribeFailures();
  } else if (stats.queued > 0) {
    end = v1::CrawlRun::MAX_PAGES;
    reason = "max_pages (" + std::to_string(job.max_pages) + ") reached";
  }
  v1::CrawlRun run;
  {
    // Ingest counted the run's records, 304s and failures in the stored
    // run; the pages the workers started and fetched are the tally's.
    std::lock_guard<std::mutex> lock(write_mu_);
    std::unique_ptr<storage::JobWriter> writer;
    GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store_, name, &writer));
    v1::JobState* state = writer->mutable_state();
    state->set_phase(phase);
    state->set_message(reason);
    v1::CrawlRun* stored = state->mutable_run();
    stored->set_pages_started(tally.started);
    stored->set_pages_ok(tally.ok);
    stored->set_bytes(tally.bytes);
    stored->set_end(end);
    stored->set_end_reason(reason);
    stored->set_end_micros(storage::NowMicros());
    state->mutable_stats()->set_pages_fetched(state->stats().pages_fetched() + tally.ok);
    state->mutable_stats()->set_bytes_fetched(state->stats().bytes_fetched() + tally.bytes);
    run = *stored;
    GLEANER_RETURN_IF_ERROR(writer->Commit());
  }
  GLEANER_RETURN_IF_ERROR(registry_->Retire(name));
  if (log_) {
    std::vector<LogField> fields = {{"job", name},
                                    {"phase", storage::JobPhaseWord(phase)},
                                    {"run", run.number()},
                                    {"urls", stats.seen},
                                    {"pages_started", tally.started},
                                    {"pages_fetched", tally.ok},
                                    {"pages_not_modified", run.pages_not_modified()},
                                    {"pages_failed", run.pages_failed()},
                                    {"records_added", run.records_added()},
                                    {"records_changed", run.records_changed()},
                                    {"records_removed", run.records_removed()}};
    if (!reason.empty()) fields.emplace_back("reason", reason);
    log_->Log(phase == v1::JOB_SUCCEEDED ? LogLevel::kInfo : LogLevel::kError, "job ended", fields);
  }
  return Status::OK();
}

void RedisJobBoard::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!shutting_down_) {
    cv_.wait_for(lock, std::chrono::microseconds(options_.poll_micros));
    if (shutting_down_) break;
    for (auto it = jobs_.begin(); it != jobs_.end();) {
      it = Check(it->first, &it->second) ? jobs_.erase(it) : std::next(it);
    }
  }
}

void RedisJobBoard::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace gleaner::distributed
