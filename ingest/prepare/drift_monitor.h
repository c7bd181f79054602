// The rules' `monitor:` applied to a prepared dataset before it is published:
// the drift (ingest/drift/profile_drift.h) from the baseline's profile.json —
// the dataset being replaced (`previous`) or a version its history keeps
// (dataset_history.h) — to the new one's, judged with the monitor's verdict
// options. PrepareDataset (dataset_export.h) runs it and acts on the outcome;
// the outcome is what callers report. Functions over their arguments.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/drift/field_verdict.h"
#include "ingest/rules/rules_config.h"

namespace gleaner::prepare {

// The drift report of a published dataset, beside its manifest.
inline constexpr const char* kDriftFile = "drift.json";

struct MonitorOutcome {
  bool compared = false;
  std::string not_compared;      // why not, when !compared: "first version at OUT"
  std::string baseline_version;  // when compared
  drift::FieldVerdict verdict = drift::FieldVerdict::kNone;  // the report's (schema included)
  std::vector<std::string> drift_fields;     // fields judged drift, then schema changes
  std::vector<std::string> possible_fields;  // fields judged possible
  // gleaner-drift/1 (profile_drift_json.h) plus "monitor": {baseline,
  // baseline_version, current_version, on_drift, published}.
  nlohmann::ordered_json report;
  // Set by the publisher: whether the dataset was published or refused for
  // its drift (neither: it failed otherwise), and where the report went
  // (OUT/drift.json, or RejectedReportPath(OUT), dataset_publish.h, when refused).
  bool published = false;
  bool refused = false;
  std::string report_path;
};

// Compares the new dataset in `new_dir` (its profile.json written), whose
// version is `new_version`, with the monitor's baseline for `out_dir`. No
// dataset at `out_dir` (baseline previous), or one without profile.json, is
// not compared (outcome.not_compared says why). A pinned version out_dir does
// not hold is InvalidArgument "RULES:LINE:COL: monitor.baseline: ...".
Status CompareWithBaseline(const rules::RulesConfig& rules, const std::string& out_dir,
                           const std::string& new_dir, const std::string& new_version,
                           MonitorOutcome* outcome);

// Whether the outcome refuses publishing: a drift verdict under on_drift: fail.
bool RefusesPublish(const rules::MonitorRule& monitor, const MonitorOutcome& outcome);

// "drift against VERSION: drift in 2 fields (price, reviews), possible in 1 (title)",
// or why nothing was compared.
std::string MonitorSummary(const MonitorOutcome& outcome);

// {compared, verdict, baseline_version, counts {drift, possible, none},
// drift_fields, possible_fields, published, report} or {compared: false, reason}.
nlohmann::ordered_json MonitorSummaryJson(const MonitorOutcome& outcome);

}  // namespace gleaner::prepare
