// The part every line-oriented writer (JSON Lines, CSV) shares: row checks,
// statistics, and the file. A subclass only turns a checked row into text.
// Owned and used by one thread.
#pragma once

#include <string>
#include <vector>

#include "ingest/shards/column_stats.h"
#include "ingest/shards/output_file.h"
#include "ingest/shards/shard_writer.h"

namespace gleaner::shards {

class TextShardWriter : public ShardWriter {
 public:
  explicit TextShardWriter(std::vector<ColumnSpec> columns);

  // Opens the file and writes Header().
  Status Open(const std::string& path);

  Status Append(const std::vector<v1::Value>& row) override;
  Status Close(ShardStats* stats) override;

 protected:
  // Text written once before the first row (may be empty).
  virtual std::string Header() const = 0;
  // Appends the text of one row, already checked against the columns.
  virtual void FormatRow(const std::vector<v1::Value>& row, std::string* out) const = 0;

  const std::vector<ColumnSpec>& columns() const { return columns_; }

 private:
  std::vector<ColumnSpec> columns_;
  std::vector<ColumnStatsTracker> trackers_;
  OutputFile file_;
  int64_t rows_ = 0;
  std::string line_;
};

}  // namespace gleaner::shards
