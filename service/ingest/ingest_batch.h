// What IngestService does to a decoded IngestBatch before storing it: checks
// the batch's job name and each record (no source_url, another job's, NUL in
// the URL are refused) and fills in what a producer may leave out. Kept apart
// from the service so it can be tested and fuzzed without a server or store.
// A pure function of its arguments; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "schema/gleaner_service.pb.h"

namespace gleaner::service {

// Larger batches fail the Ingest stream with RESOURCE_EXHAUSTED; so do
// messages over gRPC's default 4 MiB receive limit, which the server keeps.
inline constexpr int kMaxIngestBatchRecords = 10000;

// "batch <id>", how errors and logs name a batch.
std::string BatchName(const v1::IngestBatch& batch);

// The batch's records by page: page_records[i] are those of pages(i), in
// order; loose are those of no page. Pointers into the batch.
struct IngestPages {
  std::vector<std::vector<const v1::Record*>> page_records;
  std::vector<const v1::Record*> loose;
};

// On success every record carries the batch's job and a non-zero
// fetch_time_micros (`now_micros` where the producer gave none), every
// page's error the batch's job, and *pages (when not null) says which records
// are whose: a page's are the next record_count of the batch's records from
// its URL. Otherwise InvalidArgument naming the batch and, for a bad record
// or page, its index (a page whose URL has fewer records than it counts, a
// failed or not-modified page with records); the batch may then be partly
// filled in.
Status CompleteIngestBatch(v1::IngestBatch* batch, int64_t now_micros,
                           IngestPages* pages = nullptr);

}  // namespace gleaner::service
