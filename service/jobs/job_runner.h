// JobRunner: the server's in-process JobQueue. Submitted jobs run one at a
// time, in submission order, with CrawlEngine on a background thread (the engine brings
// its own event loop and worker pool). Each job's phase and YAML are written to
// its JobState in the staging store, so they outlive the process: Start
// re-queues the jobs that were pending or running when the server stopped, and
// they resume where their crawl left off. After a run that succeeds, a job
// with a `prepare:` block has its dataset prepared (PrepareAfterRun) before
// the next job starts, and the outcome is written to its JobState. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/logger.h"
#include "common/status.h"
#include "crawler/engine/crawl_engine.h"
#include "crawler/job/job_config.h"
#include "schema/gleaner_service.pb.h"
#include "service/jobs/job_queue.h"
#include "service/jobs/prepare_after_run.h"
#include "storage/staging_store.h"

namespace gleaner::service {

class JobRunner : public JobQueue {
 public:
  // `log` (may be null) gets a line per job started and ended; every
  // crawl runs with `crawl` (the operator's CA file, whether private networks
  // are off limits). `prepare` (may be null: jobs are only crawled) must
  // outlive the runner.
  JobRunner(storage::StagingStore* store, crawler::CrawlOptions crawl, Logger* log,
            PrepareAfterRun* prepare = nullptr);
  ~JobRunner() override;  // Shutdown()
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Re-queues interrupted jobs (pending or running, with a stored YAML) and
  // starts the worker thread.
  Status Start() override;

  // Queues `job`, whose text is `yaml`, and records it as pending.
  // FailedPrecondition when a job of that name is already queued or running.
  Status Submit(const crawler::JobConfig& job, const std::string& yaml,
                uint32_t* queue_position) override;

  // Cancel drops a queued or paused job, or stops a running crawl, and marks
  // it cancelled; Pause does the same for a queued or running job but marks it
  // paused, and Resume queues a paused job again. A stopped crawl keeps its
  // frontier, so resubmitting or resuming continues it. Both wait (until
  // `deadline`) for a running crawl to commit its in-flight pages; the phase
  // is written when it has. NotFound for an unknown job, FailedPrecondition
  // when the job's phase does not allow the transition.
  Status Cancel(const std::string& name, Deadline deadline) override;
  Status Pause(const std::string& name, Deadline deadline) override;
  Status Resume(const std::string& name) override;

  // Runs `write` while no crawl of `name` can start and no phase of any job is
  // written, so `write` may commit through its own JobWriter for that job
  // (the store allows one writer per job at a time). FailedPrecondition "job
  // X is crawling in this server" when a crawl of `name` runs now. No job is
  // published to workers: `write` gets null.
  Status WriteIdle(const std::string& name, const IdleWrite& write) override;

  // 1-based place in the queue (the running job is not queued); 0 otherwise.
  uint32_t QueuePosition(const std::string& name) const override;
  uint32_t QueueLength() const override;
  std::string RunningJob() const override;  // empty when idle

  // Stops the running crawl so that the next Start resumes it (its phase stays
  // running), keeps the queue in the store, and joins the worker. Idempotent.
  void Shutdown() override;

 private:
  enum class StopReason { kNone, kCancel, kPause, kShutdown };
  struct Entry {
    std::string name;
    crawler::JobConfig config;
  };

  void Work();
  void RunOne(Entry entry);
  // Prepares the job's dataset after its run `run` succeeded and stores the
  // outcome. Called by the worker while the job is still running_, so nothing
  // else writes its state.
  void PrepareDataset(const Entry& entry, uint32_t run);
  Status Stop(const std::string& name, StopReason reason, Deadline deadline);
  // Writes phase, message and (when given) spec of a job that is not running.
  Status WritePhase(const std::string& name, v1::JobPhase phase, const std::string& message,
                    const v1::JobSpec* spec);
  bool IsQueued(const std::string& name) const;  // mu_ held

  storage::StagingStore* store_;
  crawler::CrawlOptions crawl_;
  Logger* log_;
  PrepareAfterRun* prepare_;
  mutable std::mutex mu_;
  std::condition_variable cv_;  // queue changed, a run ended, or shutdown
  std::deque<Entry> queue_;
  std::string running_;
  crawler::CrawlEngine* engine_ = nullptr;  // the running crawl; owned by Work
  StopReason stop_reason_ = StopReason::kNone;
  bool shutting_down_ = false;
  std::thread worker_;
};

}  // namespace gleaner::service
