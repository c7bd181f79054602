// manifest.json of a prepared dataset: what a user (or training code) needs to
// trust and reproduce the shards — schema, rows per split and per shard, rows
// dropped per rule, the outlier bounds used, the split config, the source job
// and staging state, warnings (empty or starved splits), and the dataset
// version: a content hash of the schema and every shard's bytes, so two
// exports with equal version hold equal data. Pure functions over their arguments.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/prepare/dataset_pipeline.h"
#include "ingest/prepare/dataset_writer.h"
#include "ingest/rules/rules_config.h"
#include "schema/gleaner.pb.h"

namespace gleaner::prepare {

struct ManifestInputs {
  const rules::RulesConfig* rules = nullptr;
  std::string rules_path;
  std::string format;  // "parquet" | "jsonl" | "csv"
  std::string compression;
  const v1::JobState* job = nullptr;  // as the staging snapshot saw it
  uint32_t run = 0;                   // the job's run read; 0: a job that keeps no runs
  std::string store_dir;
  const PrepareReport* report = nullptr;
  const std::array<std::vector<ShardInfo>, 4>* shards = nullptr;
};

// Hex XXH3-128 over the output schema and, in manifest order, each shard's
// relative path and bytes (read back from `dataset_dir`).
Status DatasetVersion(const std::string& dataset_dir,
                      const std::vector<shards::ColumnSpec>& columns,
                      const std::array<std::vector<ShardInfo>, 4>& shards, std::string* version);

nlohmann::ordered_json BuildManifest(const ManifestInputs& in, const std::string& version);

// Parts of the manifest that dry runs and refusals print too: the per-rule
// counts [{rule, severity, evaluated, failed}] and [{kind, message}].
nlohmann::ordered_json RulesReportJson(const PrepareReport& report);
nlohmann::ordered_json WarningsJson(const std::vector<PrepareWarning>& warnings);

}  // namespace gleaner::prepare
