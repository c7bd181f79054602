#include "ingest/shards/text_shard_writer.h"

#include "ingest/shards/row_validation.h"

namespace gleaner::shards {

TextShardWriter::TextShardWriter(std::vector<ColumnSpec> columns)
    : columns_(std::move(columns)), trackers_(columns_.size()) {}

Status TextShardWriter::Open(const std::string& path) {
  GLEANER_RETURN_IF_ERROR(file_.Open(path));
  return file_.Append(Header());
}

Status TextShardWriter::Append(const std::vector<v1::Value>& row) {
  GLEANER_RETURN_IF_ERROR(CheckRow(columns_, row));
  line_.clear();
  FormatRow(row, &line_);
  GLEANER_RETURN_IF_ERROR(file_.Append(line_));
  v1::Value scratch;
  for (size_t i = 0; i < row.size(); ++i) trackers_[i].Add(WithValidUtf8(row[i], &scratch));
  ++rows_;
  return Status::OK();
}

Status TextShardWriter::Close(ShardStats* stats) {
  GLEANER_RETURN_IF_ERROR(file_.Close());
  if (stats != nullptr) {
    stats->rows = rows_;
    stats->bytes = file_.size();
    stats->columns.clear();
    for (const ColumnStatsTracker& tracker : trackers_) stats->columns.push_back(tracker.stats());
  }
  return Status::OK();
}

}  // namespace gleaner::shards
