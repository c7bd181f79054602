// The HTML report of a dataset's profile: a header (the dataset's name,
// version and source from its manifest, rows per split), then per column a
// table of its figures (count, nulls, distinct, and as they apply min, max,
// mean, sd, quantiles, string lengths) and a chart — numbers: their histogram
// with the missing values beside; strings and categories: their top values,
// the rest as "(other values)" and the missing values as a last bar. Built
// from `gleaner profile --json`'s document (DatasetProfile::SummaryJson), so
// its size depends on the columns and the summaries' bins and top values,
// never on the rows. Pure function; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "ingest/report/report_page.h"

namespace gleaner::report {

// `manifest` is the dataset's manifest.json (null when there is none);
// `dataset_dir` names the dataset when the manifest does not. InvalidArgument
// when `profile` is not a profile summary (its "columns" missing).
Status BuildProfileReport(const nlohmann::json& profile, const nlohmann::json& manifest,
                          const std::string& dataset_dir, ReportPage* page);

}  // namespace gleaner::report
