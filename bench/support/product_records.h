// The staged data of prepare_bench and pull_bench: N product records of 10
// scraped text fields with the dirt a real shop has, and the rules that clean
// them (dedup key, two outlier fields, an 80/10/10 split). Not thread-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace gleaner::bench {

// Coerces all 10 fields, dedups on the SKU, drops price outliers by IQR per
// category and weight outliers by MAD, splits by SKU, writes zstd Parquet.
extern const char kProductRules[];

// Stages `count` records into job `job` of the store at `dir` (replacing the
// job), then flushes, as a finished crawl leaves the store: table files and
// no WAL for readers to replay. The records are numbers first..first+count-1
// of one endless catalogue, so two ranges hold other products drawn from the
// same distributions.
Status StageProductRecords(const std::string& dir, const std::string& job, uint64_t count,
                           uint64_t first = 0);

// The work directory of a benchmark over staged product records, with its
// flags: --records, --dir, --keep, --skip-stage.
class ProductBenchDir {
 public:
  // `name` names the default temporary directory; `count` is --records' default.
  ProductBenchDir(std::string name, uint64_t count) : name_(std::move(name)), count_(count) {}
  ~ProductBenchDir();  // removes the directory unless --keep

  void AddFlags(CLI::App* app);
  // After parsing: stages the records into job `job` of store() in a measured
  // child process, unless --skip-stage; false when that failed.
  bool Stage(const std::string& job);

  std::string store() const { return dir_ + "/store"; }
  std::string dataset() const { return dir_ + "/dataset"; }

 private:
  std::string name_;
  uint64_t count_;
  std::string dir_;
  bool keep_ = false;
  bool skip_stage_ = false;
};

}  // namespace gleaner::bench
