#include "ingest/prepare/dataset_writer.h"

#include <cstdio>
#include <filesystem>

#include "ingest/prepare/dataset_pipeline.h"
#include "ingest/split/split_assigner.h"

namespace gleaner::prepare {

// The three split sets are named as their splits are.
static_assert(static_cast<int>(ShardSet::kTrain) == static_cast<int>(split::Split::kTrain) &&
              static_cast<int>(ShardSet::kValidation) ==
                  static_cast<int>(split::Split::kValidation) &&
              static_cast<int>(ShardSet::kTest) == static_cast<int>(split::Split::kTest));

const char* ShardSetName(ShardSet set) {
  if (set == ShardSet::kQuarantine) return "quarantine";
  return split::SplitName(static_cast<split::Split>(set));
}

DatasetWriter::DatasetWriter(std::string dir, std::vector<shards::ColumnSpec> columns,
                             DatasetWriterOptions options)
    : dir_(std::move(dir)), options_(std::move(options)) {
  for (int i = 0; i < 3; ++i) sets_[i].columns = columns;
  sets_[3].columns = QuarantineColumns();
  quarantine_row_.resize(sets_[3].columns.size());
}

DatasetWriter::~DatasetWriter() = default;

Status DatasetWriter::OpenShard(ShardSet set) {
  Set& s = sets_[static_cast<int>(set)];
  const std::string subdir = ShardSetName(set);
  std::error_code ec;
  std::filesystem::create_directories(dir_ + "/" + subdir, ec);
  if (ec) return Status::IOError("creating " + dir_ + "/" + subdir + ": " + ec.message());
  char name[64];
  std::snprintf(name, sizeof name, "/part-%05zu.%s", s.done.size(),
                shards::FileExtension(options_.format));
  ShardInfo info;
  info.path = subdir + name;
  s.done.push_back(info);
  s.open_rows = 0;
  return shards::OpenShardWriter(options_.format, dir_ + "/" + info.path, s.columns,
                                 options_.writer, &s.open);
}

Status DatasetWriter::CloseShard(ShardSet set) {
  Set& s = sets_[static_cast<int>(set)];
  Status status = s.open->Close(&s.done.back().stats);
  s.open.reset();
  return status.Annotate(dir_ + "/" + s.done.back().path);
}

Status DatasetWriter::Append(ShardSet set, const std::vector<v1::Value>& row) {
  Set& s = sets_[static_cast<int>(set)];
  if (s.open == nullptr) GLEANER_RETURN_IF_ERROR(OpenShard(set));
  GLEANER_RETURN_IF_ERROR(s.open->Append(row));
  if (++s.open_rows >= options_.shard_rows) GLEANER_RETURN_IF_ERROR(CloseShard(set));
  return Status::OK();
}

Status DatasetWriter::Write(split::Split split, uint64_t /*key_hash*/,
                            const std::vector<v1::Value>& row) {
  return Append(static_cast<ShardSet>(static_cast<int>(split)), row);
}

Status DatasetWriter::Quarantine(const QuarantinedRow& row) {
  quarantine_row_[0].set_string_value(row.source_url);
  quarantine_row_[1].set_timestamp_micros(row.fetch_time_micros);
  quarantine_row_[2].set_string_value(row.rule);
  quarantine_row_[3].set_string_value(row.reason);
  quarantine_row_[4].set_string_value(row.record_json);
  return Append(ShardSet::kQuarantine, quarantine_row_);
}

Status DatasetWriter::Finish() {
  for (int i = 0; i < 4; ++i) {
    const ShardSet set = static_cast<ShardSet>(i);
    if (sets_[i].open == nullptr && sets_[i].done.empty()) GLEANER_RETURN_IF_ERROR(OpenShard(set));
    if (sets_[i].open != nullptr) GLEANER_RETURN_IF_ERROR(CloseShard(set));
  }
  return Status::OK();
}

}  // namespace gleaner::prepare
