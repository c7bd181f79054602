// DatasetServiceImpl: the DatasetService of schema/gleaner.proto. PullDataset
// runs the prepare pipeline (the same code as `gleaner prepare`) over one
// snapshot of the staging store and streams the rows of one split in batches,
// each with a resume token (see pull_cursor.h); a client that goes away or a
// deadline that passes stops the pipeline at its next row. PrepareDataset and
// CheckRules are not built yet: UNIMPLEMENTED. Thread-safe; each stream runs
// on its own gRPC thread.
#pragma once

#include "ingest/service/bearer_token.h"
#include "schema/gleaner_service.grpc.pb.h"
#include "storage/staging_store.h"

namespace gleaner::service {

class DatasetServiceImpl final : public v1::DatasetService::Service {
 public:
  DatasetServiceImpl(storage::StagingStore* store, const BearerTokenCheck* auth)
      : store_(store), auth_(auth) {}

  grpc::Status PullDataset(grpc::ServerContext* context, const v1::PullDatasetRequest* request,
                           grpc::ServerWriter<v1::PullDatasetResponse>* writer) override;

 private:
  storage::StagingStore* store_;
  const BearerTokenCheck* auth_;
};

}  // namespace gleaner::service
