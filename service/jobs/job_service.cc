#include "service/jobs/job_service.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <chrono>

#include "crawler/job/job_parser.h"
#include "service/client/grpc_status.h"
#include "service/security/network_policy.h"
#include "storage/keys.h"
#include "storage/store_reader.h"

namespace gleaner::service {

namespace {

// How long Cancel/Pause wait for a crawl to stop when the client set no deadline.
constexpr auto kDefaultStopWait = std::chrono::seconds(60);

// Environment variables a submitted job may use as bearer tokens.
constexpr const char* kJobSecretPrefix = "GLEANER_JOB_";

JobQueue::Deadline StopDeadline(const grpc::ServerContext& context) {
  auto cap = std::chrono::system_clock::now() + kDefaultStopWait;
  return std::min(context.deadline(), cap);
}

}  // namespace

Status JobSourceText(const v1::JobSource& source, std::string* yaml, std::string* display_name) {
  *display_name = source.display_name().empty() ? "job" : source.display_name();
  switch (source.job_case()) {
    case v1::JobSource::kYaml:
      *yaml = source.yaml();
      return Status::OK();
    case v1::JobSource::kDocument: {
      yaml->clear();
      auto s = google::protobuf::util::MessageToJsonString(source.document(), yaml);
      if (!s.ok()) return Status::InvalidArgument("job.document: " + std::string(s.message()));
      return Status::OK();
    }
    default:
      return Status::InvalidArgument("job: expected yaml or document, got neither");
  }
}

Status JobServiceImpl::TakePrepareRules(const v1::JobSource& source,
                                        crawler::JobConfig* job) const {
  if (job->prepare_rules.empty()) {
    if (source.prepare_rules_yaml().empty()) return Status::OK();
    return Status::InvalidArgument(
        "job.prepare_rules_yaml: the job has no prepare: block for these rules");
  }
  if (options_.prepare == nullptr) {
    return Status::InvalidArgument(
        "prepare: this server (serve --redis) prepares no dataset after a run; drop the block "
        "and call DatasetService.PrepareDataset after the run");
  }
  // The server never reads a client's path: the rules travel as text.
  if (source.prepare_rules_yaml().empty()) {
    return Status::InvalidArgument("prepare.rules: the job names " + job->prepare_rules +
                                   " but the request carries no job.prepare_rules_yaml (its "
                                   "text; `gleaner jobs submit` sends it)");
  }
  job->prepare_rules_yaml = source.prepare_rules_yaml();
  return options_.prepare->Check(*job);
}

JobServiceImpl::JobServiceImpl(storage::StagingStore* store, JobQueue* runner,
                               JobScheduler* scheduler, const BearerTokenCheck* auth,
                               JobServiceOptions options)
    : store_(store), runner_(runner), scheduler_(scheduler), auth_(auth), options_(options) {}

Status JobServiceImpl::ReadJob(const v1::JobSource& source, crawler::JobConfig* job,
                               std::string* yaml) {
  std::string display_name;
  GLEANER_RETURN_IF_ERROR(JobSourceText(source, yaml, &display_name));
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobYaml(*yaml, display_name, job));
  GLEANER_RETURN_IF_ERROR(TakePrepareRules(source, job));
  if (!options_.allow_private_networks) GLEANER_RETURN_IF_ERROR(CheckJobTargetsPublic(*job));
  if (options_.workers_crawl) GLEANER_RETURN_IF_ERROR(crawler::CheckWorkerCrawlable(*job));
  // The token is read from the server's environment and sent to the job's
  // URL: an arbitrary name would let a client send the server's secrets anywhere.
  for (size_t i = 0; i < job->sources.size(); ++i) {
    const std::string& env = job->sources[i].bearer_token_env;
    if (!env.empty() && env.rfind(kJobSecretPrefix, 0) != 0) {
      return Status::InvalidArgument("sources[" + std::to_string(i) + "].bearer_token_env: " +
                                     "a job sent to the server may only name variables starting " +
                                     "with " + kJobSecretPrefix + ", got " + env);
    }
  }
  return Status::OK();
}

Status JobServiceImpl::Describe(const std::string& name, v1::JobInfo* info) {
  GLEANER_RETURN_IF_ERROR(storage::ValidateJobName(name));
  storage::StoreReader reader(store_);
  GLEANER_RETURN_IF_ERROR(reader.GetJob(name, info->mutable_state()));
  info->set_queue_position(runner_->QueuePosition(name));
  return Status::OK();
}

grpc::Status JobServiceImpl::SubmitJob(grpc::ServerContext* context,
                                       const v1::SubmitJobRequest* request,
                                       v1::SubmitJobResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  std::string yaml;
  crawler::JobConfig job;
  Status s = ReadJob(request->job(), &job, &yaml);
  uint32_t position = 0;
  if (s.ok()) s = runner_->Submit(job, yaml, &position);
  if (!s.ok()) return ToGrpc(s);
  response->set_name(job.name);
  response->set_phase(v1::JOB_PENDING);
  response->set_queue_position(position);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::ScheduleJob(grpc::ServerContext* context,
                                         const v1::ScheduleJobRequest* request,
                                         v1::ScheduleJobResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  std::string yaml;
  crawler::JobConfig job;
  Status s = ReadJob(request->job(), &job, &yaml);
  if (s.ok()) s = scheduler_->Add(job, yaml, request->cron(), response->mutable_schedule());
  return ToGrpc(s);
}

grpc::Status JobServiceImpl::ListSchedules(grpc::ServerContext* context,
                                           const v1::ListSchedulesRequest*,
                                           v1::ListSchedulesResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  for (auto& s : scheduler_->List()) *response->add_schedules() = std::move(s);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::RemoveSchedule(grpc::ServerContext* context,
                                            const v1::RemoveScheduleRequest* request,
                                            v1::RemoveScheduleResponse*) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  return ToGrpc(scheduler_->Remove(request->name()));
}

grpc::Status JobServiceImpl::ListJobs(grpc::ServerContext* context, const v1::ListJobsRequest*,
                                      v1::ListJobsResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  std::vector<v1::JobState> jobs;
  {
    storage::StoreReader reader(store_);
    if (Status s = reader.ListJobs(&jobs); !s.ok()) return ToGrpc(s);
  }
  for (auto& state : jobs) {
    v1::JobInfo* info = response->add_jobs();
    info->set_queue_position(runner_->QueuePosition(state.name()));
    *info->mutable_state() = std::move(state);
  }
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::GetJob(grpc::ServerContext* context, const v1::JobRequest* request,
                                    v1::JobInfo* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  return ToGrpc(Describe(request->name(), response));
}

grpc::Status JobServiceImpl::ListRuns(grpc::ServerContext* context, const v1::JobRequest* request,
                                      v1::ListRunsResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  Status s = storage::ValidateJobName(request->name());
  std::vector<v1::CrawlRun> runs;
  if (s.ok()) {
    storage::StoreReader reader(store_);
    v1::JobState state;  // NOT_FOUND for a job the store has never seen, as GetJob
    s = reader.GetJob(request->name(), &state);
    if (s.ok()) s = reader.ListRuns(request->name(), &runs);
  }
  if (!s.ok()) return ToGrpc(s);
  for (auto& run : runs) *response->add_runs() = std::move(run);
  return grpc::Status::OK;
}

grpc::Status JobServiceImpl::CancelJob(grpc::ServerContext* context, const v1::JobRequest* request,
                                       v1::JobInfo* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  Status s = storage::ValidateJobName(request->name());
  if (s.ok()) s = runner_->Cancel(request->name(), StopDeadline(*context));
  if (s.ok()) s = Describe(request->name(), response);
  return ToGrpc(s);
}

grpc::Status JobServiceImpl::PauseJob(grpc::ServerContext* context, const v1::JobRequest* request,
                                      v1::JobInfo* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  Status s = storage::ValidateJobName(request->name());
  if (s.ok()) s = runner_->Pause(request->name(), StopDeadline(*context));
  if (s.ok()) s = Describe(request->name(), response);
  return ToGrpc(s);
}

grpc::Status JobServiceImpl::ResumeJob(grpc::ServerContext* context, const v1::JobRequest* request,
                                       v1::JobInfo* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  Status s = storage::ValidateJobName(request->name());
  if (s.ok()) s = runner_->Resume(request->name());
  if (s.ok()) s = Describe(request->name(), response);
  return ToGrpc(s);
}

}  // namespace gleaner::service
