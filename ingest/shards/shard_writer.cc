#include "ingest/shards/shard_writer.h"

#include "ingest/shards/csv_writer.h"
#include "ingest/shards/jsonl_writer.h"
#include "ingest/shards/parquet_writer.h"

namespace gleaner::shards {

Status ParseFormat(std::string_view name, Format* out) {
  if (ValueOf(kFormatWords, name, out)) return Status::OK();
  return Status::InvalidArgument("unknown format '" + std::string(name) + "' (expected " +
                                 WordList(kFormatWords) + ")");
}

const char* FileExtension(Format format) { return WordOf(kFormatWords, format); }

Status OpenShardWriter(Format format, const std::string& path,
                       const std::vector<ColumnSpec>& columns, const WriterOptions& options,
                       std::unique_ptr<ShardWriter>* out) {
  Status status;
  switch (format) {
    case Format::kParquet:
      status = OpenParquetWriter(path, columns, options, out);
      break;
    case Format::kJsonl:
      status = OpenJsonlWriter(path, columns, out);
      break;
    case Format::kCsv:
      status = OpenCsvWriter(path, columns, out);
      break;
  }
  return status.Annotate("opening shard " + path);
}

}  // namespace gleaner::shards
