// DatasetWriter: the DatasetSink that writes a prepared dataset's shards into
// a directory — train/, validation/, test/ and quarantine/, each holding
// part-00000.EXT, part-00001.EXT, … of at most shard_rows rows. A set with no
// rows still gets one empty shard, so every reader sees its schema. The
// directory is written in place; publication (temp dir + rename) is the
// caller's. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/prepare/dataset_sink.h"
#include "ingest/shards/shard_writer.h"

namespace gleaner::prepare {

// The four shard sets of a dataset, in manifest order.
enum class ShardSet { kTrain = 0, kValidation = 1, kTest = 2, kQuarantine = 3 };
const char* ShardSetName(ShardSet set);  // also the set's directory name

struct ShardInfo {
  std::string path;  // relative to the dataset directory: "train/part-00000.parquet"
  shards::ShardStats stats;
};

struct DatasetWriterOptions {
  shards::Format format = shards::Format::kParquet;
  shards::WriterOptions writer;
  int64_t shard_rows = 250000;
};

class DatasetWriter : public DatasetSink {
 public:
  DatasetWriter(std::string dir, std::vector<shards::ColumnSpec> columns,
                DatasetWriterOptions options);
  ~DatasetWriter() override;

  Status Write(split::Split split, uint64_t /*key_hash*/,
               const std::vector<v1::Value>& row) override;
  Status Quarantine(const QuarantinedRow& row) override;
  // Closes the open shards (writing the empty ones). Call once, after the last row.
  Status Finish();

  const std::vector<ShardInfo>& shards(ShardSet set) const {
    return sets_[static_cast<int>(set)].done;
  }

 private:
  struct Set {
    std::vector<shards::ColumnSpec> columns;
    std::unique_ptr<shards::ShardWriter> open;
    int64_t open_rows = 0;
    std::vector<ShardInfo> done;
  };
  Status Append(ShardSet set, const std::vector<v1::Value>& row);
  Status OpenShard(ShardSet set);
  Status CloseShard(ShardSet set);

  std::string dir_;
  DatasetWriterOptions options_;
  std::array<Set, 4> sets_;
  std::vector<v1::Value> quarantine_row_;
};

}  // namespace gleaner::prepare
