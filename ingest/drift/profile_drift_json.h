// ProfileDrift as JSON: what `gleaner drift --json` prints (and what a report
// or a service hands on). Every raw score is there whatever the verdict, with
// the test, the bins, the sizes and the thresholds used. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "ingest/drift/profile_drift.h"

namespace gleaner::drift {

// {format, verdict (the worst field's; drift when a field not ignored was
// added, removed or retyped), counts {drift, possible, none}, options {alpha,
// small_sample_max, thresholds}, fields [...] (by severity: drift, possible,
// none; profile order within; `ignored` and `thresholds` for the fields
// options.fields names), schema [...], rows {split: {baseline, current, change}},
// rows_by_key {available, key, exact, added, removed, changed, unchanged, columns [...]}}.
// docs/drift.md describes every member.
nlohmann::ordered_json ProfileDriftJson(const ProfileDrift& drift, const VerdictOptions& options);

// The fields' indexes into drift.fields, drift first, then possible, then
// none; the profile's order within each verdict.
std::vector<size_t> BySeverity(const ProfileDrift& drift);

}  // namespace gleaner::drift
