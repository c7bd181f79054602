// PrepareAfterRun: what the server does with a job's records once a run of it
// succeeds, when the job has a `prepare:` block (docs/drift.md, "Under
// serve"): it prepares and publishes the job's dataset, its monitor judging
// the drift. jobs/ may not include the prepare stage, so JobRunner and
// JobService hold this interface and the dataset service implements it
// (dataset/job_dataset_preparer.h). Implementations are thread-safe.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "crawler/job/job_config.h"
#include "schema/gleaner.pb.h"

namespace gleaner::service {

class PrepareAfterRun {
 public:
  virtual ~PrepareAfterRun() = default;

  // At submit time: InvalidArgument when the job's rules text
  // (job.prepare_rules_yaml) does not parse or names a dataset that cannot be
  // published below DATA/datasets/. A job without prepare_rules is fine.
  virtual Status Check(const crawler::JobConfig& job) const = 0;

  // Prepares the records of `job`'s run `run` (which succeeded) into its
  // dataset. Failures are the outcome's (`error`), not the caller's.
  virtual v1::PrepareOutcome Prepare(const crawler::JobConfig& job, uint32_t run) = 0;
};

}  // namespace gleaner::service
