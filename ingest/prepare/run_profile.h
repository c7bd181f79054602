// ProfileRun: the profile a `prepare --run N` of a job would write beside its
// shards (profile.json, its key sample included), computed straight from the
// staging store: the same pipeline (rules applied, records as of the run)
// into a ProfilingSink over a DiscardingSink, so nothing is written but the
// pipeline's spill file, removed when it ends. Memory is the pipeline's and
// the profile's, bounded by columns, not rows. Safe to call from any thread
// with its own arguments.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "ingest/profile/dataset_profile.h"
#include "ingest/rules/rules_config.h"
#include "storage/staging_store.h"

namespace gleaner::prepare {

// `run`: the job's run whose records to profile, 0 for its latest succeeded
// run. NotFound for an unknown job or run (naming the job's runs), the
// pipeline's errors otherwise (Aborted when a `fail` check refuses the data).
// The spill file goes to `spill_dir`.
Status ProfileRun(const storage::StagingStore* store, const std::string& job,
                  const rules::RulesConfig& rules, uint32_t run, const std::string& spill_dir,
                  profile::DatasetProfile* out);

}  // namespace gleaner::prepare
