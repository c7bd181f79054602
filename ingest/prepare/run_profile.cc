#include "ingest/prepare/run_profile.h"

#include "ingest/prepare/dataset_pipeline.h"
#include "ingest/prepare/profiling_sink.h"
#include "storage/store_reader.h"

namespace gleaner::prepare {

Status ProfileRun(const storage::StagingStore* store, const std::string& job,
                  const rules::RulesConfig& rules, uint32_t run, const std::string& spill_dir,
                  profile::DatasetProfile* out) {
  storage::StoreReader reader(store);
  v1::JobState state;
  GLEANER_RETURN_IF_ERROR(reader.GetJob(job, &state));
  PipelineOptions options;
  options.spill_dir = spill_dir;
  GLEANER_RETURN_IF_ERROR(reader.ResolveRun(job, run, &options.run));
  DiscardingSink discard;
  ProfilingSink profiler(rules, &discard);
  PrepareReport report;
  GLEANER_RETURN_IF_ERROR(RunPipeline(&reader, job, rules, options, &profiler, &report));
  *out = profiler.profile();
  return Status::OK();
}

}  // namespace gleaner::prepare
