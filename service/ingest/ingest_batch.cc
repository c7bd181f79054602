#include "service/ingest/ingest_batch.h"

#include "storage/keys.h"

namespace gleaner::service {

std::string BatchName(const v1::IngestBatch& batch) {
  return "batch " + std::to_string(batch.batch_id());
}

Status CompleteIngestBatch(v1::IngestBatch* batch, int64_t now_micros) {
  if (Status s = storage::ValidateJobName(batch->job()); !s.ok()) {
    return s.Annotate(BatchName(*batch));
  }
  for (int i = 0; i < batch->records_size(); ++i) {
    v1::Record* r = batch->mutable_records(i);
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument(BatchName(*batch) + ", record " + std::to_string(i) + ": " +
                                     why);
    };
    if (r->job().empty()) {
      r->set_job(batch->job());
    } else if (r->job() != batch->job()) {
      return bad("job '" + r->job() + "' is not the batch's job '" + batch->job() + "'");
    }
    if (r->source_url().empty()) return bad("no source_url");
    // The URL index separates a key's parts with NUL.
    if (r->source_url().find('\0') != std::string::npos) return bad("NUL byte in source_url");
    if (r->fetch_time_micros() == 0) r->set_fetch_time_micros(now_micros);
  }
  return Status::OK();
}

}  // namespace gleaner::service
