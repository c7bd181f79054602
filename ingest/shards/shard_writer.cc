#include "ingest/shards/shard_writer.h"

#include "ingest/shards/csv_writer.h"
#include "ingest/shards/jsonl_writer.h"
#include "ingest/shards/parquet_writer.h"

namespace gleaner::shards {

Status ParseFormat(std::string_view name, Format* out) {
  if (name == "parquet") {
    *out = Format::kParquet;
  } else if (name == "jsonl") {
    *out = Format::kJsonl;
  } else if (name == "csv") {
    *out = Format::kCsv;
  } else {
    return Status::InvalidArgument("unknown format '" + std::string(name) +
                                   "' (expected parquet, jsonl or csv)");
  }
  return Status::OK();
}

Status ParseCompression(std::string_view name, Compression* out) {
  if (name == "none" || name == "uncompressed") {
    *out = Compression::kNone;
  } else if (name == "snappy") {
    *out = Compression::kSnappy;
  } else if (name == "zstd") {
    *out = Compression::kZstd;
  } else {
    return Status::InvalidArgument("unknown compression '" + std::string(name) +
                                   "' (expected none, snappy or zstd)");
  }
  return Status::OK();
}

const char* FileExtension(Format format) {
  switch (format) {
    case Format::kParquet:
      return "parquet";
    case Format::kJsonl:
      return "jsonl";
    case Format::kCsv:
      return "csv";
  }
  return "";
}

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
