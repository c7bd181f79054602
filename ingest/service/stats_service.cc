#include "ingest/service/stats_service.h"

#include "ingest/service/grpc_status.h"
#include "storage/store_reader.h"

namespace gleaner::service {

grpc::Status StatsServiceImpl::Stats(grpc::ServerContext* context, const v1::StatsRequest*,
                                     v1::StatsResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  std::vector<v1::JobState> jobs;
  {
    storage::StoreReader reader(store_);
    if (Status s = reader.ListJobs(&jobs); !s.ok()) return ToGrpc(s);
  }
  auto& by_phase = *response->mutable_jobs_by_phase();
  for (const auto& j : jobs) {
    ++by_phase[v1::JobPhase_Name(j.phase())];
    response->set_records(response->records() + j.record_count());
    response->set_pages(response->pages() + j.page_count());
    response->set_errors(response->errors() + j.error_count());
  }
  response->set_queued(runner_->QueueLength());
  response->set_running(runner_->RunningJob());
  return grpc::Status::OK;
}

}  // namespace gleaner::service
