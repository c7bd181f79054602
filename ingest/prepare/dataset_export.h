// PrepareDataset: the whole of `gleaner prepare` below the command line. It
// mends what a killed earlier publish into the output directory left, runs
// the pipeline over one job of a staging store into a temporary sibling of the
// output directory, profiling the kept rows on the way (profile.json,
// ingest/profile/), writes manifest.json, and only then swaps it into place
// (dataset_publish.h), so a reader — or a kill -9 — sees the old dataset or the
// new one, never a half-written one; on any failure the temporary directory is
// removed and an existing dataset is left as it was. Every dataset carries the
// history of the versions published before it at that path
// (dataset_history.h); with the rules' `monitor:`, the new dataset is compared
// with its baseline before publishing (drift_monitor.h) and, under
// `on_drift: fail`, a drifted one is not published. Safe to call from any
// thread with its own arguments (one call per output directory at a time).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/prepare/dataset_pipeline.h"
#include "ingest/prepare/dataset_writer.h"
#include "ingest/prepare/drift_monitor.h"
#include "ingest/rules/rules_config.h"
#include "storage/staging_store.h"

namespace gleaner::prepare {

// The profile of the kept rows, beside manifest.json.
inline constexpr const char* kProfileFile = "profile.json";

struct ExportOptions {
  std::optional<shards::Format> format;  // overrides the rules' output.format
  // Written to the manifest to identify where the data came from.
  std::string rules_path;
  // The job's run whose records to prepare; 0: the latest succeeded run
  // (storage::StoreReader::ResolveRun). An unknown run is NotFound.
  uint32_t run = 0;
};

struct ExportResult {
  PrepareReport report;
  std::array<std::vector<ShardInfo>, 4> shards;  // by ShardSet
  std::string version;                           // dataset version (hex content hash)
  std::string manifest_path;
  // With the rules' monitor: the comparison with the baseline and what came
  // of it (also when the publish was refused).
  MonitorOutcome monitor;
};

// Fails, before doing any work, with FailedPrecondition when `out_dir` exists
// and is neither empty nor a Gleaner dataset (it has no manifest.json), and
// with InvalidArgument when it is not a place a dataset may be published to
// (dataset_location.h, CheckPublishTarget). A monitor refusing a drifted
// dataset is Aborted, as a `fail` check's refusal is (result->monitor.refused
// tells them apart), naming the fields and the report's path
// (RejectedReportPath(out_dir)), with out_dir untouched; a pinned baseline
// version out_dir does not hold is InvalidArgument.
Status PrepareDataset(const storage::StagingStore* store, const std::string& job,
                      const rules::RulesConfig& rules, const std::string& out_dir,
                      const ExportOptions& options, ExportResult* result);

}  // namespace gleaner::prepare
