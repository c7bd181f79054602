// Warnings about what a prepare produced without refusing it: a job with no
// records, no row kept, and splits (or stratify classes within a split) that
// came out empty or starved — under a tenth of their configured fraction.
// They go to the CLI summary, to `--json` and to manifest.json's `warnings`.
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ingest/rules/rules_config.h"

namespace gleaner::prepare {

struct PrepareWarning {
  // "no_records", "no_rows_kept", "empty_split", "starved_split", "starved_class".
  std::string kind;
  std::string message;  // one line a user can act on
};

// Rows of one stratify class per split (train, validation, test).
struct ClassSplitRows {
  std::string name;  // the class as displayed; "null" for a null value
  std::array<int64_t, 3> rows{};
};

// At most this many classes get a warning of their own; one more warning
// counts the rest.
inline constexpr size_t kMaxClassWarnings = 20;

// `split_rows` by split::Split; `classes` empty unless the split stratifies.
std::vector<PrepareWarning> SplitWarnings(const rules::SplitRule& split, int64_t records_scanned,
                                          const std::array<int64_t, 3>& split_rows,
                                          const std::vector<ClassSplitRows>& classes);

}  // namespace gleaner::prepare
