// What IngestService does to a decoded IngestBatch before storing it: checks
// the batch's job name and each record (no source_url, another job's, NUL in
// the URL are refused) and fills in what a producer may leave out. Kept apart
// from the service so it can be tested and fuzzed without a server or store.
// A pure function of its arguments; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "schema/gleaner_service.pb.h"

namespace gleaner::service {

// Larger batches fail the Ingest stream with RESOURCE_EXHAUSTED; so do
// messages over gRPC's default 4 MiB receive limit, which the server keeps.
inline constexpr int kMaxIngestBatchRecords = 10000;

// "batch <id>", how errors and logs name a batch.
std::string BatchName(const v1::IngestBatch& batch);

// On success every record carries the batch's job and a non-zero
// fetch_time_micros (`now_micros` where the producer gave none). Otherwise
// InvalidArgument naming the batch and, for a bad record, its index; the
// batch may then be partly filled in.
Status CompleteIngestBatch(v1::IngestBatch* batch, int64_t now_micros);

}  // namespace gleaner::service
