// The Ingest service's request decoding: the bytes as a serialized
// IngestBatch (what gRPC hands the service), refused over the batch limit as
// Ingest does, then CompleteIngestBatch. Properties of an accepted batch:
// every record carries the batch's job, a source URL without NUL and a fetch
// time, and the store's URL keys tell records apart exactly when their
// (source_url, index_in_page) differ, so idempotence cannot merge or split them.
#include <map>
#include <string>
#include <utility>

#include "service/ingest/ingest_batch.h"
#include "storage/keys.h"
#include "tests/fuzz/fuzz_support.h"

using gleaner::v1::IngestBatch;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  IngestBatch batch;
  if (!batch.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (batch.records_size() > gleaner::service::kMaxIngestBatchRecords) return 0;
  gleaner::Status s = gleaner::service::CompleteIngestBatch(&batch, /*now_micros=*/1);
  if (!s.ok()) {
    FUZZ_CHECK(s.IsInvalidArgument(), "not InvalidArgument: %s", s.ToString().c_str());
    FUZZ_CHECK(s.message().find(gleaner::service::BatchName(batch)) != std::string::npos,
               "the error does not name the batch: %s", s.message().c_str());
    return 0;
  }
  std::map<std::string, std::pair<std::string, uint32_t>> identity_by_key;
  for (const gleaner::v1::Record& r : batch.records()) {
    FUZZ_CHECK(r.job() == batch.job(), "a record of job '%s' in a batch of '%s'", r.job().c_str(),
               batch.job().c_str());
    FUZZ_CHECK(!r.source_url().empty() && r.source_url().find('\0') == std::string::npos,
               "an accepted source_url that the URL index cannot hold");
    FUZZ_CHECK(r.fetch_time_micros() != 0, "a record without a fetch time");
    std::string key = gleaner::storage::UrlRecordKey(r.job(), r.source_url(), r.index_in_page());
    FUZZ_CHECK(key.starts_with(gleaner::storage::JobPrefix(r.job())), "a URL key outside its job");
    auto identity = std::make_pair(r.source_url(), r.index_in_page());
    auto [it, inserted] = identity_by_key.emplace(key, identity);
    FUZZ_CHECK(inserted || it->second == identity, "two records share the URL key of '%s'",
               r.source_url().c_str());
  }
  FUZZ_CHECK(identity_by_key.size() <= static_cast<size_t>(batch.records_size()), "more keys than records");
  return 0;
}
