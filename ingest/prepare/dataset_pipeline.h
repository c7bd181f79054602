// The prepare pipeline: staged records of one job → coerce → validate → dedup
// → outliers → split, delivered to a DatasetSink. Two passes: the first scans
// one staging snapshot, cleans each record and spills the survivors to a
// temporary file while collecting what the global steps need (dedup keys,
// outlier values, stratification classes: a few bytes per row); between the
// passes every dedup, outlier and split decision is made; the second pass
// reads the spill back and delivers rows. Memory is bounded by the spill, not
// by RAM maps that grow with the data. Not thread-safe; one run per object.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/outliers/outlier_bounds.h"
#include "ingest/prepare/dataset_sink.h"
#include "ingest/prepare/split_warnings.h"
#include "ingest/rules/row_cleaner.h"
#include "ingest/rules/rules_config.h"
#include "ingest/shards/shard_writer.h"
#include "storage/store_reader.h"

namespace gleaner::prepare {

// The bounds an outlier rule used, per group: the `by` field's value as
// text, nullopt for the rows where it is null (and for a rule without `by`).
struct OutlierGroupReport {
  std::optional<std::string> group;
  outliers::Bounds bounds;
  int64_t flagged = 0;  // rows outside the bounds (dropped, or clipped)
};
struct OutlierReport {
  const rules::OutlierRule* rule = nullptr;  // points into the RulesConfig
  std::vector<OutlierGroupReport> groups;
};

// What a run did, for the manifest, the CLI summary and dry runs.
struct PrepareReport {
  int64_t records_scanned = 0;
  // Field constraints and checks (from the RowCleaner), then "dedup", then
  // each outlier rule: evaluated and failed (dropped, clipped or warned).
  std::vector<rules::RuleCount> rules;
  std::array<int64_t, 3> split_rows{};  // by split::Split
  int64_t quarantined = 0;
  std::vector<OutlierReport> outliers;
  // Empty or starved splits and classes, an empty job (split_warnings.h).
  std::vector<PrepareWarning> warnings;
  // When a `fail` check refuses the dataset: the first kMaxFailingRows rows,
  // in staging order, that the refusing checks dropped, with their reasons.
  std::vector<QuarantinedRow> failing_rows;
};

inline constexpr size_t kMaxFailingRows = 20;

// The columns every split is written with: the rules' fields in order, then
// source_url and fetch_time unless output.metadata_columns is off.
std::vector<shards::ColumnSpec> OutputColumns(const rules::RulesConfig& rules);
// The quarantine's columns: source_url, fetch_time, rule, reason, record.
std::vector<shards::ColumnSpec> QuarantineColumns();

struct PipelineOptions {
  // Directory for the spill file (it is removed when the run ends).
  std::string spill_dir;
  // The run whose records to read (StoreReader::ScanRecords); 0: the default.
  uint32_t run = 0;
};

// Runs the pipeline over `job` as `reader` sees it. InvalidArgument for rules
// that cannot apply (an output column name clash, a missing redaction salt, a
// field reading a key that none of the job's records has: source_key_census.h),
// NotFound for an unknown job, Aborted when a `fail` check's pass fraction is
// below its `mostly` — before any row reaches the sink. On Aborted the report
// still holds the scan, the per-rule counts and the failing rows.
Status RunPipeline(storage::StoreReader* reader, std::string_view job,
                   const rules::RulesConfig& rules, const PipelineOptions& options,
                   DatasetSink* sink, PrepareReport* report);

}  // namespace gleaner::prepare
