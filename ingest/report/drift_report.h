// The HTML report of the drift between two versions of a dataset: the
// verdict and a table of every field on top — verdict, test, sizes,
// statistic, p and adjusted p, effect sizes with their thresholds, null
// rates, the reason — sorted by severity (drift, possible, none), then by
// effect (the largest effect size over its drift threshold); then schema
// changes and rows per split; then per field every raw score and its two
// distributions overlaid: a numeric field's rows over common bins, a
// categorical field's value shares in pairs, values that appeared or vanished
// marked. Built from `gleaner drift --json`'s document (ProfileDriftJson), so
// its size depends on the fields, bins and values listed, never on the rows.
// Pure function; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "ingest/report/report_page.h"

namespace gleaner::report {

// Categorical values drawn per field (the largest shares on either side; the
// rest as one "(other values)" pair), and values named per appeared or
// vanished list in the scores.
inline constexpr size_t kReportCategories = 12;

// InvalidArgument when `drift` is not a drift document (its "fields" missing)
// or a field's histogram or categories do not add up.
Status BuildDriftReport(const nlohmann::ordered_json& drift, ReportPage* page);

}  // namespace gleaner::report
