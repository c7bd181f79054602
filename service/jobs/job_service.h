// JobServiceImpl: the JobService of schema/gleaner.proto over a JobQueue (the
// in-process JobRunner, or the RedisJobBoard of workers) and the staging store. Every call is
// authenticated first; jobs are parsed with the same parser as `gleaner crawl` (errors name
// FILE:LINE:COL) and, unless private networks are allowed, refused when they target a non-public
// address.
// Thread-safe (gRPC calls it from its own threads).
#pragma once

#include "schema/gleaner_service.grpc.pb.h"
#include "service/jobs/job_queue.h"
#include "service/jobs/job_scheduler.h"
#include "service/jobs/prepare_after_run.h"
#include "service/security/bearer_token.h"
#include "storage/staging_store.h"

namespace gleaner::service {

struct JobServiceOptions {
  bool allow_private_networks = false;
  bool workers_crawl = false;  // serve --redis: jobs must suit gleaner worker processes
  // Checks the rules of jobs with a `prepare:` block; null: such jobs are
  // refused (serve --redis prepares nothing after runs).
  const PrepareAfterRun* prepare = nullptr;
};

class JobServiceImpl final : public v1::JobService::Service {
 public:
  JobServiceImpl(storage::StagingStore* store, JobQueue* runner, JobScheduler* scheduler,
                 const BearerTokenCheck* auth, JobServiceOptions options);

  grpc::Status SubmitJob(grpc::ServerContext* context, const v1::SubmitJobRequest* request,
                         v1::SubmitJobResponse* response) override;
  grpc::Status ScheduleJob(grpc::ServerContext* context, const v1::ScheduleJobRequest* request,
                           v1::ScheduleJobResponse* response) override;
  grpc::Status ListSchedules(grpc::ServerContext* context, const v1::ListSchedulesRequest* request,
                             v1::ListSchedulesResponse* response) override;
  grpc::Status RemoveSchedule(grpc::ServerContext* context,
                              const v1::RemoveScheduleRequest* request,
                              v1::RemoveScheduleResponse* response) override;
  grpc::Status ListJobs(grpc::ServerContext* context, const v1::ListJobsRequest* request,
                        v1::ListJobsResponse* response) override;
  grpc::Status GetJob(grpc::ServerContext* context, const v1::JobRequest* request,
                      v1::JobInfo* response) override;
  grpc::Status ListRuns(grpc::ServerContext* context, const v1::JobRequest* request,
                        v1::ListRunsResponse* response) override;
  grpc::Status CancelJob(grpc::ServerContext* context, const v1::JobRequest* request,
                         v1::JobInfo* response) override;
  grpc::Status PauseJob(grpc::ServerContext* context, const v1::JobRequest* request,
                        v1::JobInfo* response) override;
  grpc::Status ResumeJob(grpc::ServerContext* context, const v1::JobRequest* request,
                         v1::JobInfo* response) override;

 private:
  // Parses and vets a job from the network: FILE:LINE:COL errors, SSRF policy.
  Status ReadJob(const v1::JobSource& source, crawler::JobConfig* job, std::string* yaml);
  // Moves the rules text of a job with a `prepare:` block into `job` and checks
  // it; InvalidArgument when the text is missing, or sent without the block.
  Status TakePrepareRules(const v1::JobSource& source, crawler::JobConfig* job) const;
  // The stored state and queue place of `name`; NotFound for an unknown job.
  Status Describe(const std::string& name, v1::JobInfo* info);

  storage::StagingStore* store_;
  JobQueue* runner_;
  JobScheduler* scheduler_;
  const BearerTokenCheck* auth_;
  JobServiceOptions options_;
};

// The YAML text and the name errors use for a JobSource: `yaml` as given, or
// the structured document rendered as JSON (which is YAML too).
Status JobSourceText(const v1::JobSource& source, std::string* yaml, std::string* display_name);

}  // namespace gleaner::service
