// JobQueue: where `gleaner serve` sends the crawl jobs it accepts, and what
// JobService, IngestService and the scheduler know of them. Two
// implementations: JobRunner crawls them in this process, one at a time;
// RedisJobBoard (serve --redis) publishes them to Redis for `gleaner worker`
// processes on any machine and watches them complete. Both record each job's
// phase in its JobState in the staging store. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "crawler/job/job_config.h"
#include "schema/gleaner_service.pb.h"
#include "storage/staging_store.h"

namespace gleaner::service {

class JobQueue {
 public:
  using Deadline = std::chrono::system_clock::time_point;

  virtual ~JobQueue() = default;

  // Takes over the jobs an earlier run of the server left pending or running.
  virtual Status Start() = 0;
  // Accepts `job`, whose text is `yaml`, and records it as pending.
  // FailedPrecondition when a job of that name is already queued or running.
  virtual Status Submit(const crawler::JobConfig& job, const std::string& yaml,
                        uint32_t* queue_position) = 0;
  // Phase transitions as JobService describes them; NotFound for an unknown
  // job, FailedPrecondition when its phase does not allow the transition.
  virtual Status Cancel(const std::string& name, Deadline deadline) = 0;
  virtual Status Pause(const std::string& name, Deadline deadline) = 0;
  virtual Status Resume(const std::string& name) = 0;
  // Runs `write` while nothing else writes `name`'s JobState, so `write` may
  // commit through its own JobWriter for that job (one writer per job at a
  // time); `write` gets the job as this queue last published it to crawl
  // workers (null when it did not). FailedPrecondition when this server
  // crawls `name` itself.
  using IdleWrite = std::function<Status(const crawler::JobConfig* published)>;
  virtual Status WriteIdle(const std::string& name, const IdleWrite& write) = 0;

  // 1-based place among the jobs waiting to be crawled; 0 otherwise.
  virtual uint32_t QueuePosition(const std::string& name) const = 0;
  virtual uint32_t QueueLength() const = 0;
  virtual std::string RunningJob() const = 0;  // empty when idle; comma-separated if several
  // The crawl workers on other machines, as they last reported (none in-process).
  virtual std::vector<v1::WorkerStats> Workers() const { return {}; }

  // Stops taking work; interrupted jobs stay resumable by the next Start. Idempotent.
  virtual void Shutdown() = 0;
};

// The JobSpec the store keeps for `job`, whose text is `yaml`: the job as
// submitted, its prepare rules' text included.
v1::JobSpec JobSpecOf(const crawler::JobConfig& job, const std::string& yaml);
// The job a stored spec describes (JobSpecOf's inverse).
Status ParseJobSpec(const v1::JobSpec& spec, crawler::JobConfig* job);

// Writes phase, message and (when given) spec and run of job `name` in one
// commit. The caller makes sure nothing else writes that job meanwhile.
Status WriteJobPhase(storage::StagingStore* store, const std::string& name, v1::JobPhase phase,
                     const std::string& message, const v1::JobSpec* spec,
                     const v1::CrawlRun* run = nullptr);

}  // namespace gleaner::service
