#include "ingest/prepare/dataset_export.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ingest/prepare/manifest.h"
#include "storage/store_reader.h"

namespace gleaner::prepare {
namespace {

namespace fs = std::filesystem;

const char* FormatName(shards::Format f) { return shards::FileExtension(f); }

const char* CompressionName(shards::Format f, shards::Compression c) {
  if (f != shards::Format::kParquet) return "none";
  switch (c) {
    case shards::Compression::kNone:
      return "none";
    case shards::Compression::kSnappy:
      return "snappy";
    case shards::Compression::kZstd:
      return "zstd";
  }
  return "?";
}

// An existing output directory may be replaced only when it is empty or holds
// a dataset of ours: anything else is the user's data.
Status CheckReplaceable(const std::string& out_dir) {
  std::error_code ec;
  if (!fs::exists(out_dir, ec)) return Status::OK();
  if (!fs::is_directory(out_dir, ec)) {
    return Status::FailedPrecondition("output " + out_dir + " exists and is not a directory");
  }
  if (fs::is_empty(out_dir, ec) || fs::exists(fs::path(out_dir) / "manifest.json", ec)) {
    return Status::OK();
  }
  return Status::FailedPrecondition("refusing to replace " + out_dir +
                                    ": it is not empty and not a Gleaner dataset (no "
                                    "manifest.json); choose another --out");
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IOError("writing " + path);
  return Status::OK();
}

// Swaps the finished temporary directory into place. The old dataset is
// moved aside first and removed last, so a crash leaves one complete copy.
Status Publish(const std::string& tmp, const std::string& out_dir) {
  std::error_code ec;
  const std::string old = out_dir + ".old-" + std::to_string(getpid());
  const bool had_old = fs::exists(out_dir, ec);
  if (had_old) {
    fs::rename(out_dir, old, ec);
    if (ec) return Status::IOError("moving aside " + out_dir + ": " + ec.message());
  }
  fs::rename(tmp, out_dir, ec);
  if (ec) {
    std::error_code ignored;
    if (had_old) fs::rename(old, out_dir, ignored);
    return Status::IOError("renaming " + tmp + " to " + out_dir + ": " + ec.message());
  }
  if (had_old) fs::remove_all(old, ec);
  return Status::OK();
}

}  // namespace

Status PrepareDataset(const storage::StagingStore* store, const std::string& job,
                      const rules::RulesConfig& rules, const std::string& out_dir,
                      const ExportOptions& options, ExportResult* result) {
  GLEANER_RETURN_IF_ERROR(CheckReplaceable(out_dir));
  std::string target = fs::path(out_dir).lexically_normal().string();
  while (target.size() > 1 && target.back() == '/') target.pop_back();
  const std::string tmp = target + ".tmp-" + std::to_string(getpid());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return Status::IOError("creating " + tmp + ": " + ec.message());

  DatasetWriterOptions writer_options;
  writer_options.format = options.format.value_or(rules.output.format);
  writer_options.writer.compression = rules.output.compression;
  writer_options.shard_rows = rules.output.shard_rows;
  const std::vector<shards::ColumnSpec> columns = OutputColumns(rules);

  Status status = [&]() -> Status {
    storage::StoreReader reader(store);
    v1::JobState state;
    GLEANER_RETURN_IF_ERROR(reader.GetJob(job, &state));
    DatasetWriter writer(tmp, columns, writer_options);
    PipelineOptions pipeline_options;
    pipeline_options.spill_dir = tmp;
    GLEANER_RETURN_IF_ERROR(
        RunPipeline(&reader, job, rules, pipeline_options, &writer, &result->report));
    GLEANER_RETURN_IF_ERROR(writer.Finish());
    for (int i = 0; i < 4; ++i) result->shards[i] = writer.shards(static_cast<ShardSet>(i));
    GLEANER_RETURN_IF_ERROR(DatasetVersion(tmp, columns, result->shards, &result->version));

    ManifestInputs in;
    in.rules = &rules;
    in.rules_path = options.rules_path.empty() ? rules.file : options.rules_path;
    in.format = FormatName(writer_options.format);
    in.compression = CompressionName(writer_options.format, writer_options.writer.compression);
    in.job = &state;
    in.store_dir = store->dir();
    in.report = &result->report;
    in.shards = &result->shards;
    return WriteFile(tmp + "/manifest.json", BuildManifest(in, result->version).dump(2) + "\n");
  }();
  if (!status.ok()) {
    fs::remove_all(tmp, ec);
    return status;
  }
  GLEANER_RETURN_IF_ERROR(Publish(tmp, target));
  result->manifest_path = target + "/manifest.json";
  return Status::OK();
}

}  // namespace gleaner::prepare
