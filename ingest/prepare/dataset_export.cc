#include "ingest/prepare/dataset_export.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/word_table.h"
#include "ingest/prepare/dataset_history.h"
#include "ingest/prepare/dataset_location.h"
#include "ingest/prepare/dataset_publish.h"
#include "ingest/prepare/manifest.h"
#include "ingest/prepare/profiling_sink.h"
#include "storage/store_reader.h"

namespace gleaner::prepare {
namespace {

namespace fs = std::filesystem;

const char* FormatName(shards::Format f) { return shards::FileExtension(f); }

// Only Parquet compresses; text shards are written as they are.
const char* CompressionName(shards::Format f, shards::Compression c) {
  return WordOf(shards::kCompressionWords,
                f == shards::Format::kParquet ? c : shards::Compression::kNone);
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

// Beside a published dataset, where readers (GetDrift) may open it at any
// moment: written whole under another name, then renamed over the old one.
Status ReplaceFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  Status s = WriteFile(tmp, text);
  if (s.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IOError("renaming " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  if (!s.ok()) std::remove(tmp.c_str());
  return s;
}

}  // namespace

Status PrepareDataset(const storage::StagingStore* store, const std::string& job,
                      const rules::RulesConfig& rules, const std::string& out_dir,
                      const ExportOptions& options, ExportResult* result) {
  GLEANER_RETURN_IF_ERROR(CheckPublishTarget(out_dir));
  GLEANER_RETURN_IF_ERROR(CheckOutputLocation(store->dir(), out_dir));
  // Before CheckReplaceable: a dataset stranded by a killed publish is put back first.
  GLEANER_RETURN_IF_ERROR(RecoverPublish(out_dir));
  GLEANER_RETURN_IF_ERROR(CheckReplaceable(out_dir));
  const std::string tmp = PublishTempDir(out_dir);
  std::error_code ec;
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
    uint32_t run = 0;
    GLEANER_RETURN_IF_ERROR(reader.ResolveRun(job, options.run, &run));
    DatasetWriter writer(tmp, columns, writer_options);
    ProfilingSink profiler(rules, &writer);
    PipelineOptions pipeline_options;
    pipeline_options.spill_dir = tmp;
    pipeline_options.run = run;
    GLEANER_RETURN_IF_ERROR(
        RunPipeline(&reader, job, rules, pipeline_options, &profiler, &result->report));
    GLEANER_RETURN_IF_ERROR(writer.Finish());
    GLEANER_RETURN_IF_ERROR(profiler.profile().WriteFile(tmp + "/" + kProfileFile));
    for (int i = 0; i < 4; ++i) result->shards[i] = writer.shards(static_cast<ShardSet>(i));
    GLEANER_RETURN_IF_ERROR(DatasetVersion(tmp, columns, result->shards, &result->version));

    ManifestInputs in;
    in.rules = &rules;
    in.rules_path = options.rules_path.empty() ? rules.file : options.rules_path;
    in.format = FormatName(writer_options.format);
    in.compression = CompressionName(writer_options.format, writer_options.writer.compression);
    in.job = &state;
    in.run = run == storage::StoreReader::kCurrentRecords ? 0 : run;
    in.store_dir = store->dir();
    in.report = &result->report;
    in.shards = &result->shards;
    GLEANER_RETURN_IF_ERROR(
        WriteFile(tmp + "/manifest.json", BuildManifest(in, result->version).dump(2) + "\n"));
    GLEANER_RETURN_IF_ERROR(
        CarryHistory(out_dir, tmp, result->version, rules.monitor ? rules.monitor->baseline : ""));
    if (!rules.monitor) return Status::OK();
    return CompareWithBaseline(rules, out_dir, tmp, result->version, &result->monitor);
  }();
  MonitorOutcome& monitor = result->monitor;
  if (status.ok() && rules.monitor && RefusesPublish(*rules.monitor, monitor)) {
    status = ReplaceFile(RejectedReportPath(out_dir), monitor.report.dump(2) + "\n");
    if (status.ok()) {
      monitor.refused = true;
      monitor.report_path = RejectedReportPath(out_dir);
      status = Status::Aborted(MonitorSummary(monitor) + "; not published (on_drift: fail), " +
                               out_dir + " is unchanged; report: " + monitor.report_path);
    }
  } else if (status.ok() && monitor.compared) {
    monitor.report["monitor"]["published"] = true;
    monitor.report_path = (fs::path(out_dir) / kDriftFile).lexically_normal().string();
    status = WriteFile(tmp + "/" + kDriftFile, monitor.report.dump(2) + "\n");
  }
  if (!status.ok()) {
    fs::remove_all(tmp, ec);
    return status;
  }
  GLEANER_RETURN_IF_ERROR(PublishDir(tmp, out_dir));
  monitor.published = true;
  // A refusal's report is about a dataset that is no longer the latest attempt.
  fs::remove(RejectedReportPath(out_dir), ec);
  result->manifest_path = (fs::path(out_dir) / "manifest.json").lexically_normal().string();
  return Status::OK();
}

}  // namespace gleaner::prepare
