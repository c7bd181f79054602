// RowSpill: a temporary file of typed rows between the two passes of prepare.
// The first pass appends the rows that survived coerce and validate; the
// second reads them back in the same order, once the dedup and outlier
// decisions (which need every row) are made. Keeping rows on disk instead of
// in RAM is what bounds prepare's memory. The file is deleted when the spill
// is destroyed. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/status.h"
#include "schema/gleaner.pb.h"

namespace gleaner::prepare {

// One row as spilled: the cleaned values plus the record's identity. A row
// quarantined in the first pass is spilled too (values: rule, reason, record
// JSON), so that nothing reaches a sink before every decision is made.
struct SpilledRow {
  bool quarantined = false;
  std::string source_url;
  int64_t fetch_time_micros = 0;
  uint32_t index_in_page = 0;
  std::vector<v1::Value> values;
};

class RowSpill {
 public:
  RowSpill() = default;
  ~RowSpill();
  RowSpill(const RowSpill&) = delete;
  RowSpill& operator=(const RowSpill&) = delete;

  // Creates the file `path` (truncating it).
  Status Create(const std::string& path);
  Status Append(const SpilledRow& row);
  // Ends writing and rewinds for reading.
  Status FinishWriting();
  // Reads the next row into *row (reusing its storage); false at the end.
  // A short or malformed file is Corruption in *status.
  bool Next(SpilledRow* row, Status* status);

  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
  std::string buffer_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace gleaner::prepare
