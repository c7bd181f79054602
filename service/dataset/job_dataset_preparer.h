// JobDatasetPreparer: the PrepareAfterRun of `gleaner serve` (jobs/
// prepare_after_run.h). After a run of a job with a `prepare:` block succeeds,
// it prepares that run's records with the rules text the client sent into
// DATA/datasets/<dataset>, <dataset> being the rules' `dataset:` name (by
// default the rules file's stem, as `gleaner prepare` names it; the job's
// `prepare.out`, a client's path, is not used) — the same export as
// PrepareDataset, so the rules' `monitor:` compares it with the version it
// replaces and may refuse it. Thread-safe; the store and the claims must
// outlive it.
#pragma once

#include <string>

#include "ingest/rules/rules_config.h"
#include "service/dataset/output_claims.h"
#include "service/jobs/prepare_after_run.h"
#include "storage/staging_store.h"

namespace gleaner::service {

class JobDatasetPreparer final : public PrepareAfterRun {
 public:
  JobDatasetPreparer(const storage::StagingStore* store, OutputClaims* claims)
      : store_(store), claims_(claims) {}

  Status Check(const crawler::JobConfig& job) const override;
  // The outcome's `error` is set when the rules cannot apply to the records,
  // a `fail` check aborts, the directory is being written by a PrepareDataset
  // call, or writing fails; a dataset its monitor refuses is no error
  // (`published` false, `drift.refused`), nor is a run that leaves the job
  // failed — the crawl worked.
  v1::PrepareOutcome Prepare(const crawler::JobConfig& job, uint32_t run) override;

 private:
  // The job's rules and the resolved directory of their dataset.
  Status Resolve(const crawler::JobConfig& job, rules::RulesConfig* rules, std::string* dir) const;

  const storage::StagingStore* store_;
  OutputClaims* claims_;
};

}  // namespace gleaner::service
