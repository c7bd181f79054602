// The drift between two dataset profiles (profile.json of a baseline and a
// current dataset): for every field both have with the same type, the scores
// of field_comparison.h — a numeric field's KLL sketches as weighted samples,
// a string field's frequent-item counts as categories, every field's nulls —
// judged together (field_verdict.h, Benjamini–Hochberg across all fields);
// plus schema drift (a field added, removed or retyped: each one a finding),
// the rows per split, and the rows by split key (key_changes.h: reported,
// never a verdict — a live site's rows change between crawls without the
// data drifting). Computed from the profiles alone, so its cost
// depends on the columns and the sketches, never on the rows. Pure function;
// thread-safe; the result owns its data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/drift/field_verdict.h"
#include "ingest/drift/key_changes.h"
#include "ingest/profile/dataset_profile.h"

namespace gleaner::drift {

// The category standing for the values a frequent-items summary that is no
// longer exact did not keep on both sides (FieldInputs).
inline constexpr const char* kOtherValues = "(other values)";

// How a field was compared, and how exact its inputs were.
struct FieldInputs {
  std::string type;  // "int64", "double", "timestamp", "bool", "string" or "category"
  // Numeric: whether each side's KLL sketch still held every value (exact:
  // the statistics are those of the raw values; otherwise of the sketch, within
  // its rank error). Categorical: whether each side's frequent items still
  // counted every value exactly. When both are, every value is compared with
  // its count; otherwise only the values both summaries kept, each count a
  // lower bound (short by at most *_max_error), and the rest of each side's
  // rows as one category, kOtherValues (a value named so is counted there) —
  // so a value dropped by a summary is not taken for a vanished one.
  bool baseline_exact = true, current_exact = true;
  int64_t baseline_max_error = 0, current_max_error = 0;  // categorical only
  // Numeric, when both sides hold values: each side's rows over the same
  // profile::kHistogramBins equal-width bins between the smaller min and the
  // larger max (what a report overlays), from the sketches.
  std::vector<double> histogram_edges;
  std::vector<uint64_t> baseline_histogram, current_histogram;
};

struct SchemaChange {
  enum class Kind { kAdded, kRemoved, kTypeChanged };
  Kind kind = Kind::kAdded;
  std::string field;
  std::string baseline_type, current_type;  // "" on the side without the field
};
const char* SchemaChangeKindName(SchemaChange::Kind kind);  // "added" | "removed" | "type_changed"

struct RowCount {
  std::string split;  // "train", "validation", "test" or "total"
  int64_t baseline = 0, current = 0;
};

struct ProfileDrift {
  // Fields present in both with the same type, in the baseline's column order;
  // fields[i], inputs[i] and judgements[i] are about one field.
  std::vector<FieldComparison> fields;
  std::vector<FieldInputs> inputs;
  std::vector<FieldJudgement> judgements;
  std::vector<SchemaChange> schema;  // baseline's order (removed, retyped), then added
  std::vector<RowCount> rows;        // kProfileSplits, then "total"
  KeyChanges keys;
};

// InvalidArgument only for a profile whose sketches break the statistics'
// invariants (which ReadFile does not let through).
Status CompareProfiles(const profile::DatasetProfile& baseline,
                       const profile::DatasetProfile& current, const VerdictOptions& options,
                       ProfileDrift* out);

}  // namespace gleaner::drift
