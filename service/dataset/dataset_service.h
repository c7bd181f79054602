// DatasetServiceImpl: the DatasetService of schema/gleaner_service.proto, the
// prepare stage over the network with the same code as the command line.
// PullDataset runs the pipeline over one snapshot of the staging store and
// streams the rows of one split in batches, each with a resume token (see
// pull_cursor.h); a client that goes away or a deadline that passes stops the
// pipeline at its next row. PrepareDataset is `gleaner prepare` into a
// directory below the server's data directory (the store's own; see
// output_path.h). CheckRules is `gleaner rules check [--job]`: the problems of
// the rules as data, and dry-run counts per rule; nothing is written.
// GetProfile and GetDrift read back a published dataset's profile and its
// last drift report.
// Thread-safe; each call runs on its own gRPC thread.
#pragma once

#include <string>

#include "schema/gleaner_service.grpc.pb.h"
#include "service/dataset/output_claims.h"
#include "service/metrics/metrics_registry.h"
#include "service/security/bearer_token.h"
#include "storage/staging_store.h"

namespace gleaner::service {

class DatasetServiceImpl final : public v1::DatasetService::Service {
 public:
  // `records_pulled` counts the rows streamed; it and `claims` (the dataset
  // directories being written, shared with the preparations after runs) must
  // outlive the service.
  DatasetServiceImpl(storage::StagingStore* store, const BearerTokenCheck* auth,
                     Counter* records_pulled, OutputClaims* claims)
      : store_(store), auth_(auth), records_pulled_(records_pulled), claims_(claims) {}

  grpc::Status PullDataset(grpc::ServerContext* context, const v1::PullDatasetRequest* request,
                           grpc::ServerWriter<v1::PullDatasetResponse>* writer) override;
  // INVALID_ARGUMENT for rules that do not parse (naming line and column), a
  // bad format, or an `out` that leaves the data directory; NOT_FOUND for an
  // unknown job; ABORTED while another call writes the same `out`.
  grpc::Status PrepareDataset(grpc::ServerContext* context,
                              const v1::PrepareDatasetRequest* request,
                              v1::PrepareDatasetResponse* response) override;
  // Rules that do not parse or cannot apply are an OK response with
  // `problems`; only an unknown or malformed job is an error.
  grpc::Status CheckRules(grpc::ServerContext* context, const v1::CheckRulesRequest* request,
                          v1::CheckRulesResponse* response) override;
  // `dataset` is resolved as PrepareDataset's `out` (INVALID_ARGUMENT when it
  // leaves DATA/datasets/). GetProfile: NOT_FOUND when no dataset with a
  // profile is published there. GetDrift: the refused report
  // (OUT.drift-rejected.json) when the last version prepared there was
  // refused, else the published drift.json; NOT_FOUND when neither exists.
  grpc::Status GetProfile(grpc::ServerContext* context, const v1::DatasetRequest* request,
                          v1::GetProfileResponse* response) override;
  grpc::Status GetDrift(grpc::ServerContext* context, const v1::DatasetRequest* request,
                        v1::GetDriftResponse* response) override;

 private:
  // Where a GetProfile or GetDrift `dataset` lives, resolved as PrepareDataset's `out`.
  Status ResolveDataset(const std::string& name, std::string* dir) const;

  storage::StagingStore* store_;
  const BearerTokenCheck* auth_;
  Counter* records_pulled_;
  OutputClaims* claims_;
};

}  // namespace gleaner::service
