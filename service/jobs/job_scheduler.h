// JobScheduler: cron schedules of crawl jobs. Each schedule is a v1.Schedule
// stored in the staging store's meta family under "schedule\0<job>", so it
// survives a restart; a run that fell due while the server was down runs once
// at Start (not once per missed period). A thread sleeps until the earliest
// due schedule and hands the job to `submit` (the JobRunner); a job still
// queued or running then skips that run. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/logger.h"
#include "common/status.h"
#include "crawler/job/cron_expression.h"
#include "crawler/job/job_config.h"
#include "schema/gleaner_service.pb.h"
#include "storage/staging_store.h"

namespace gleaner::service {

class JobScheduler {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  using SubmitFn = std::function<Status(const crawler::JobConfig& job, const std::string& yaml)>;

  // `clock` defaults to the system clock. Tests pass their own and call
  // RunDue, or Start: since a clock set by hand jumps, the thread then
  // rereads it every kSetClockRecheck instead of sleeping to the next run.
  JobScheduler(storage::StagingStore* store, SubmitFn submit, Logger* log, Clock clock = nullptr);
  static constexpr std::chrono::milliseconds kSetClockRecheck{100};
  ~JobScheduler();  // Shutdown()
  JobScheduler(const JobScheduler&) = delete;
  JobScheduler& operator=(const JobScheduler&) = delete;

  // Loads the stored schedules, runs the ones that fell due, and starts the thread.
  Status Start();
  // Loads the stored schedules without starting the thread.
  Status Load();

  // Adds or replaces the schedule of `job`. `cron` empty = the job's own
  // `schedule:`; InvalidArgument when neither is a valid 5-field cron.
  Status Add(const crawler::JobConfig& job, const std::string& yaml, const std::string& cron,
             v1::Schedule* added);
  Status Remove(const std::string& name);  // NotFound when there is none
  std::vector<v1::Schedule> List() const;  // by job name

  // Submits every schedule due at the clock's now and moves it to its next
  // run. Called by the thread; public for tests with their own clock.
  void RunDue();
  void Shutdown();

 private:
  struct Entry {
    v1::Schedule schedule;
    crawler::CronExpression cron;
  };
  Status Persist(const v1::Schedule& schedule);  // mu_ held
  void Loop();

  storage::StagingStore* store_;
  SubmitFn submit_;
  Logger* log_;
  Clock clock_;
  std::chrono::milliseconds recheck_;  // longest sleep between two reads of clock_
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> entries_;
  bool shutting_down_ = false;
  std::thread thread_;
};

}  // namespace gleaner::service
