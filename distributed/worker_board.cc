#include "distributed/worker_board.h"

#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "crawler/job/job_parser.h"
#include "distributed/redis_job_registry.h"
#include "storage/job_writer.h"

namespace gleaner::distributed {

namespace {

constexpr int64_t kHeartbeatMicros = 1000000;
// How long an idle worker waits before it looks at the board again; also the
// pause after a job, by which the server has retired it.
constexpr int64_t kIdleMicros = 1000000;
// After a crawl failed: the cause (an ingest service away too long, a
// missing token) may last, so retry slowly.
constexpr int64_t kFailedMicros = 5000000;

std::string WorkerId() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

// Reports the worker's counters every second and stops the crawl of a job
// the server paused or cancelled, until the slot stops.
void Heartbeat(const std::string& redis_url, CrawlSlot* slot, Logger* log) {
  const std::string id = WorkerId();
  const int64_t started = storage::NowMicros();
  std::unique_ptr<RedisJobRegistry> registry;
  bool failing = false;
  auto beat = [&]() -> Status {
    if (registry == nullptr) GLEANER_RETURN_IF_ERROR(RedisJobRegistry::Open(redis_url, &registry));
    v1::WorkerStats stats = slot->Snapshot();
    stats.set_id(id);
    stats.set_started_micros(started);
    stats.set_last_seen_micros(storage::NowMicros());
    GLEANER_RETURN_IF_ERROR(registry->Report(stats));
    if (stats.job().empty()) return Status::OK();
    bool active = true;
    GLEANER_RETURN_IF_ERROR(registry->IsActive(stats.job(), &active));
    if (!active) {
      log->Info("job paused or cancelled; stopping it", {{"job", stats.job()}});
      slot->StopJob(stats.job());
    }
    return Status::OK();
  };
  while (!slot->stopping()) {
    Status s = beat();
    // One line per outage, not one per second.
    if (!s.ok() && !failing) log->Warn("heartbeat failed", {{"error", s.message()}});
    failing = !s.ok();
    slot->Wait(kHeartbeatMicros);
  }
}

}  // namespace

CrawlSlot::JobScope::JobScope(CrawlSlot* slot, const std::string& job,
                              const WorkerCrawlOutput* output, const service::IngestClient* client)
    : slot_(slot) {
  std::lock_guard<std::mutex> lock(slot->mu_);
  slot->job_ = job;
  slot->output_ = output;
  slot->client_ = client;
}

CrawlSlot::JobScope::~JobScope() {
  v1::WorkerStats now = slot_->Snapshot();
  std::lock_guard<std::mutex> lock(slot_->mu_);
  slot_->totals_ = now;
  slot_->totals_.clear_job();
  slot_->job_.clear();
  slot_->output_ = nullptr;
  slot_->client_ = nullptr;
}

bool CrawlSlot::Attach(crawler::CrawlEngine* engine) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return false;
  engine_ = engine;
  return true;
}

void CrawlSlot::Detach() {
  std::lock_guard<std::mutex> lock(mu_);
  engine_ = nullptr;
}

void CrawlSlot::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  if (engine_ != nullptr) engine_->Stop();
  cv_.notify_all();
}

void CrawlSlot::StopJob(const std::string& job) {
  std::lock_guard<std::mutex> lock(mu_);
  if (engine_ != nullptr && job_ == job) engine_->Stop();
}

bool CrawlSlot::stopping() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

void CrawlSlot::Wait(int64_t micros) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::microseconds(micros), [&] { return stopping_; });
}

std::string CrawlSlot::job() const {
  std::lock_guard<std::mutex> lock(mu_);
  return job_;
}

v1::WorkerStats CrawlSlot::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  v1::WorkerStats stats = totals_;
  stats.set_job(job_);
  if (output_ != nullptr) {
    stats.set_pages(stats.pages() + output_->pages());
    stats.set_errors(stats.errors() + output_->errors());
  }
  if (client_ != nullptr) {
    service::IngestClient::Counters c = client_->counters();
    stats.set_records(stats.records() + c.records_stored + c.duplicates);
  }
  return stats;
}

Status RunBoardWorker(const std::string& redis_url, CrawlSlot* slot, Logger* log,
                      const CrawlJobFn& crawl) {
  std::unique_ptr<RedisJobRegistry> registry;
  GLEANER_RETURN_IF_ERROR(RedisJobRegistry::Open(redis_url, &registry).Annotate(redis_url));
  std::thread heartbeat([&] { Heartbeat(redis_url, slot, log); });
  log->Info("waiting for jobs", {{"redis", redis_url}});

  bool redis_away = false;
  while (!slot->stopping()) {
    std::vector<RedisJobRegistry::Job> jobs;
    Status s = registry->List(&jobs);
    if (!s.ok()) {
      if (!redis_away) log->Warn("reading the jobs failed", {{"error", s.message()}});
      redis_away = true;
      slot->Wait(kIdleMicros);
      continue;
    }
    redis_away = false;
    crawler::JobConfig job;
    bool found = false;
    for (const auto& entry : jobs) {
      if (!entry.active) continue;
      // The server parsed it already: a failure here is a version mismatch.
      Status parsed = crawler::ParseJobYaml(entry.yaml, entry.name, &job);
      if (parsed.ok()) {
        found = true;
        break;
      }
      log->Warn("skipping job", {{"job", entry.name}, {"error", parsed.message()}});
    }
    if (!found) {
      slot->Wait(kIdleMicros);
      continue;
    }
    log->Info("crawling job", {{"job", job.name}});
    s = crawl(job, slot);
    if (!s.ok()) log->Error("crawl failed", {{"job", job.name}, {"error", s.message()}});
    slot->Wait(s.ok() ? kIdleMicros : kFailedMicros);
  }

  // Only slot->Stop() ends the loop: the heartbeat is done or about to be.
  heartbeat.join();
  log->Info("stopped");
  return Status::OK();
}

}  // namespace gleaner::distributed
