#include "service/client/dataset_puller.h"

#include <grpcpp/grpcpp.h>

#include "schema/gleaner_service.grpc.pb.h"
#include "service/client/grpc_status.h"

namespace gleaner::service {

Status DatasetPuller::Pull(v1::PullDatasetRequest request, const BatchFn& on_batch) {
  auto stub = v1::DatasetService::NewStub(OpenConnectedChannel(options_.config));
  grpc::Status status;
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    grpc::ClientContext context;
    PrepareCall(options_.config, &context);
    auto stream = stub->PullDataset(&context, request);
    v1::PullDatasetResponse batch;
    while (stream->Read(&batch)) {
      Status taken = on_batch(batch);
      if (!taken.ok()) {
        // Tells the server to stop producing rows nobody takes.
        context.TryCancel();
        stream->Finish();
        return taken;
      }
      request.set_resume_token(batch.resume_token());
    }
    status = stream->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    if (options_.on_resume) options_.on_resume(status.error_message());
  }
  if (!status.ok()) return FromGrpc(status).Annotate("server " + options_.config.server);
  return Status::OK();
}

}  // namespace gleaner::service
