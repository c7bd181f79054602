// DatasetServiceImpl: the DatasetService of schema/gleaner_service.proto, the
// prepare stage over the network with the same code as the command line.
// PullDataset runs the pipeline over one snapshot of the staging store and
// streams the rows of one split in batches, each with a resume token (see
// pull_cursor.h); a client that goes away or a deadline that passes stops the
// pipeline at its next row. PrepareDataset is `gleaner prepare` into a
// directory below the server's data directory (the store's own; see
// output_path.h). CheckRules is `gleaner rules check [--job]`: the problems of
// the rules as data, and dry-run counts per rule; nothing is written.
// Thread-safe; each call runs on its own gRPC thread.
#pragma once

#include <mutex>
#include <set>
#include <string>

#include "schema/gleaner_service.grpc.pb.h"
#include "service/metrics/metrics_registry.h"
#include "service/security/bearer_token.h"
#include "storage/staging_store.h"

namespace gleaner::service {

class DatasetServiceImpl final : public v1::DatasetService::Service {
 public:
  // `records_pulled` counts the rows streamed; it must outlive the service.
  DatasetServiceImpl(storage::StagingStore* store, const BearerTokenCheck* auth,
                     Counter* records_pulled)
      : store_(store), auth_(auth), records_pulled_(records_pulled) {}

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

 private:
  storage::StagingStore* store_;
  const BearerTokenCheck* auth_;
  Counter* records_pulled_;
  std::mutex mu_;
  // Output directories a PrepareDataset is writing: two at once would share
  // the export's temporary directory (named by the process id).
  std::set<std::string> writing_;
};

}  // namespace gleaner::service
