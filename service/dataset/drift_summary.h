// DriftSummary of a drift report: what GetDrift, `jobs status` and the
// Prometheus gauges show of a gleaner-drift/1 report (with the monitor's
// "monitor" member), read from the report's JSON so that a stored outcome and
// a report read back from disk are summarised by one code. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "schema/gleaner.pb.h"

namespace gleaner::service {

// Verdict, versions, refused (the monitor's `published` false), the drift and
// possible field names (by severity; schema changes as "FIELD (CHANGE)", those
// of ignored fields left out) and
// each field's scores: ks_statistic, normalized_wasserstein, psi,
// jensen_shannon, chi_squared_p, linf_excess, null_rate_change — those the
// report has for it (a null, e.g. Wasserstein over a constant baseline, is
// left out). InvalidArgument when `report` is not a gleaner-drift/1 report.
Status DriftSummaryOf(const nlohmann::ordered_json& report, v1::DriftSummary* out);

}  // namespace gleaner::service
