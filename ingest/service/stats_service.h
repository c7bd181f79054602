// StatsServiceImpl: the IngestService of schema/gleaner.proto. Stats sums the
// store's job states and the runner's queue; Ingest is not implemented yet
// and answers UNIMPLEMENTED (from the generated base class). Thread-safe.
#pragma once

#include "ingest/service/bearer_token.h"
#include "ingest/service/job_runner.h"
#include "schema/gleaner_service.grpc.pb.h"
#include "storage/staging_store.h"

namespace gleaner::service {

class StatsServiceImpl final : public v1::IngestService::Service {
 public:
  StatsServiceImpl(storage::StagingStore* store, JobRunner* runner, const BearerTokenCheck* auth)
      : store_(store), runner_(runner), auth_(auth) {}

  grpc::Status Stats(grpc::ServerContext* context, const v1::StatsRequest* request,
                     v1::StatsResponse* response) override;

 private:
  storage::StagingStore* store_;
  JobRunner* runner_;
  const BearerTokenCheck* auth_;
};

}  // namespace gleaner::service
