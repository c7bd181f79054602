// DatasetSink: where prepare delivers its rows — shard files (DatasetWriter),
// a gRPC stream, or a counter for dry runs. The pipeline calls it from one
// thread, in a deterministic order: quarantined rows of coerce/validate during
// the first pass, then kept and later-quarantined rows in staging order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/split/split_assigner.h"
#include "schema/gleaner.pb.h"

namespace gleaner::prepare {

// A dropped row as the quarantine keeps it: which rule dropped it, why, and
// the rules' fields as they stood (staged values if coerce or validate dropped
// it, cleaned values if a later step did), with the rules' redactions applied.
struct QuarantinedRow {
  std::string source_url;
  int64_t fetch_time_micros = 0;
  std::string rule;
  std::string reason;
  std::string record_json;  // one JSON object: field name → value
};

class DatasetSink {
 public:
  virtual ~DatasetSink() = default;
  // `row` holds one value per output column (OutputColumns in dataset_pipeline.h);
  // `key_hash` is split::KeyHash of its split key (its group's value with a
  // split group), the same for every row of that key in any dataset.
  virtual Status Write(split::Split split, uint64_t key_hash,
                       const std::vector<v1::Value>& row) = 0;
  virtual Status Quarantine(const QuarantinedRow& row) = 0;
};

// Keeps nothing: a dry run wants only the pipeline's PrepareReport.
class DiscardingSink : public DatasetSink {
 public:
  Status Write(split::Split, uint64_t, const std::vector<v1::Value>&) override {
    return Status::OK();
  }
  Status Quarantine(const QuarantinedRow&) override { return Status::OK(); }
};

}  // namespace gleaner::prepare
