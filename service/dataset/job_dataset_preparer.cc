#include "service/dataset/job_dataset_preparer.h"

#include "ingest/prepare/dataset_export.h"
#include "ingest/prepare/dataset_location.h"
#include "ingest/prepare/dataset_publish.h"
#include "ingest/rules/rules_parser.h"
#include "service/dataset/drift_summary.h"
#include "service/dataset/output_path.h"
#include "storage/job_writer.h"  // NowMicros

namespace gleaner::service {

Status JobDatasetPreparer::Resolve(const crawler::JobConfig& job, rules::RulesConfig* rules,
                                   std::string* dir) const {
  // Errors name the rules file as the job does (prepare.rules), which the
  // client read for us.
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesYaml(job.prepare_rules_yaml, job.prepare_rules, rules));
  GLEANER_RETURN_IF_ERROR(
      ResolveOutputDir(prepare::DatasetsDir(store_->dir()), rules->dataset, dir)
          .Annotate(job.prepare_rules + ": dataset"));
  // Names publishing keeps for itself (NAME.tmp-N, NAME.drift-rejected.json)
  // are refused at submit time rather than after the first crawl.
  return prepare::CheckPublishTarget(*dir).Annotate(job.prepare_rules + ": dataset");
}

Status JobDatasetPreparer::Check(const crawler::JobConfig& job) const {
  if (job.prepare_rules.empty()) return Status::OK();
  rules::RulesConfig rules;
  std::string dir;
  return Resolve(job, &rules, &dir);
}

v1::PrepareOutcome JobDatasetPreparer::Prepare(const crawler::JobConfig& job, uint32_t run) {
  v1::PrepareOutcome outcome;
  outcome.set_run(run);
  rules::RulesConfig rules;
  std::string dir;
  Status s = Resolve(job, &rules, &dir);
  outcome.set_dataset(rules.dataset);
  prepare::ExportResult result;
  if (s.ok()) s = claims_->Claim(dir, rules.dataset);
  if (s.ok()) {
    prepare::ExportOptions options;
    options.rules_path = job.prepare_rules;
    options.run = run;
    s = prepare::PrepareDataset(store_, job.name, rules, dir, options, &result);
    claims_->Release(dir);
  }
  outcome.set_finished_micros(storage::NowMicros());
  const prepare::MonitorOutcome& monitor = result.monitor;
  if (!s.ok() && !monitor.refused) {
    outcome.set_error(s.message());
    return outcome;
  }
  outcome.set_version(result.version);
  outcome.set_published(monitor.published);
  if (!rules.monitor) return outcome;
  outcome.set_summary(prepare::MonitorSummary(monitor));
  if (!monitor.compared) return outcome;
  outcome.set_compared(true);
  v1::DriftSummary* drift = outcome.mutable_drift();
  if (Status d = DriftSummaryOf(monitor.report, drift); !d.ok()) {
    outcome.set_error("summarising the drift report: " + d.message());
    return outcome;
  }
  // The monitor's own lists leave out the schema changes of ignored fields,
  // which the report does not mark.
  drift->mutable_drift_fields()->Assign(monitor.drift_fields.begin(), monitor.drift_fields.end());
  drift->mutable_possible_fields()->Assign(monitor.possible_fields.begin(),
                                           monitor.possible_fields.end());
  return outcome;
}

}  // namespace gleaner::service
