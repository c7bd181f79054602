// The staged data of prepare_bench and pull_bench: N product records of 10
// scraped text fields with the dirt a real shop has, and the rules that clean
// them (dedup key, two outlier fields, an 80/10/10 split). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace gleaner::bench {

// Coerces all 10 fields, dedups on the SKU, drops price outliers by IQR per
// category and weight outliers by MAD, splits by SKU, writes zstd Parquet.
extern const char kProductRules[];

// Stages `count` records into job `job` of the store at `dir` (replacing the
// job), then flushes, as a finished crawl leaves the store: table files and
// no WAL for readers to replay.
Status StageProductRecords(const std::string& dir, const std::string& job, uint64_t count);

}  // namespace gleaner::bench
