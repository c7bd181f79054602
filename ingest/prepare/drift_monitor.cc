#include "ingest/prepare/drift_monitor.h"

#include <algorithm>
#include <filesystem>

#include "ingest/drift/profile_drift.h"
#include "ingest/drift/profile_drift_json.h"
#include "ingest/prepare/dataset_export.h"
#include "ingest/prepare/dataset_history.h"

namespace gleaner::prepare {
namespace {

namespace fs = std::filesystem;
using drift::FieldVerdict;

std::string ProfileOf(const std::string& dir) { return (fs::path(dir) / kProfileFile).string(); }

// "price, reviews"
std::string Names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string Fields(size_t n) { return std::to_string(n) + (n == 1 ? " field" : " fields"); }

}  // namespace

Status CompareWithBaseline(const rules::RulesConfig& rules, const std::string& out_dir,
                           const std::string& new_dir, const std::string& new_version,
                           MonitorOutcome* outcome) {
  const rules::MonitorRule& monitor = *rules.monitor;
  *outcome = MonitorOutcome();
  std::string baseline_dir;
  if (monitor.baseline.empty()) {
    const Status s = ReadDatasetVersion(out_dir, &outcome->baseline_version);
    if (s.IsNotFound()) {
      outcome->not_compared =
          "no dataset at " + out_dir + " yet: the first version is not compared";
      return Status::OK();
    }
    GLEANER_RETURN_IF_ERROR(s);
    baseline_dir = out_dir;
  } else {
    const Status s = FindVersion(out_dir, monitor.baseline, &baseline_dir);
    if (s.IsNotFound()) {
      return Status::InvalidArgument(rules.file + ":" + std::to_string(monitor.baseline_pos.line) +
                                     ":" + std::to_string(monitor.baseline_pos.column) +
                                     ": monitor.baseline: " + s.message() +
                                     "; nothing was published");
    }
    GLEANER_RETURN_IF_ERROR(s);
    outcome->baseline_version = monitor.baseline;
  }
  profile::DatasetProfile baseline, current;
  const Status read = profile::DatasetProfile::ReadFile(ProfileOf(baseline_dir), &baseline);
  if (read.IsNotFound()) {
    outcome->not_compared = "version " + outcome->baseline_version + " has no " + kProfileFile +
                            " (prepared by an older gleaner): not compared";
    return Status::OK();
  }
  GLEANER_RETURN_IF_ERROR(read);
  GLEANER_RETURN_IF_ERROR(profile::DatasetProfile::ReadFile(ProfileOf(new_dir), &current));

  drift::ProfileDrift result;
  GLEANER_RETURN_IF_ERROR(drift::CompareProfiles(baseline, current, monitor.verdict, &result));
  outcome->compared = true;
  outcome->report = drift::ProfileDriftJson(result, monitor.verdict);
  for (FieldVerdict v : {FieldVerdict::kNone, FieldVerdict::kPossible, FieldVerdict::kDrift}) {
    if (outcome->report["verdict"] == drift::FieldVerdictName(v)) outcome->verdict = v;
  }
  for (size_t i : drift::BySeverity(result)) {
    const drift::FieldJudgement& j = result.judgements[i];
    if (j.verdict == FieldVerdict::kDrift) outcome->drift_fields.push_back(j.field);
    if (j.verdict == FieldVerdict::kPossible) outcome->possible_fields.push_back(j.field);
  }
  for (const drift::SchemaChange& change : result.schema) {
    if (!monitor.verdict.Ignored(change.field)) {
      outcome->drift_fields.push_back(change.field + " (" +
                                      drift::SchemaChangeKindName(change.kind) + ")");
    }
  }
  outcome->report["monitor"] = {{"baseline", monitor.baseline.empty() ? "previous" : "pinned"},
                                {"baseline_version", outcome->baseline_version},
                                {"current_version", new_version},
                                {"on_drift", WordOf(rules::kOnDriftWords, monitor.on_drift)},
                                {"published", false}};
  return Status::OK();
}

bool RefusesPublish(const rules::MonitorRule& monitor, const MonitorOutcome& outcome) {
  return outcome.compared && outcome.verdict == FieldVerdict::kDrift &&
         monitor.on_drift == rules::OnDrift::kFail;
}

std::string MonitorSummary(const MonitorOutcome& outcome) {
  if (!outcome.compared) return outcome.not_compared;
  std::string text = "drift against " + outcome.baseline_version + ": ";
  if (outcome.verdict == FieldVerdict::kNone) return text + "none";
  if (!outcome.drift_fields.empty()) {
    text += "drift in " + Fields(outcome.drift_fields.size()) + " (" + Names(outcome.drift_fields) +
            ")";
  }
  if (!outcome.possible_fields.empty()) {
    text += std::string(outcome.drift_fields.empty() ? "possible in " : ", possible in ") +
            Fields(outcome.possible_fields.size()) + " (" + Names(outcome.possible_fields) + ")";
  }
  return text;
}

nlohmann::ordered_json MonitorSummaryJson(const MonitorOutcome& outcome) {
  if (!outcome.compared) return {{"compared", false}, {"reason", outcome.not_compared}};
  return {{"compared", true},
          {"verdict", drift::FieldVerdictName(outcome.verdict)},
          {"baseline_version", outcome.baseline_version},
          {"counts", outcome.report["counts"]},
          {"drift_fields", outcome.drift_fields},
          {"possible_fields", outcome.possible_fields},
          {"published", outcome.published},
          {"report", outcome.report_path}};
}

}  // namespace gleaner::prepare
