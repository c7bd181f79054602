#include "service/jobs/job_queue.h"

#include <memory>

#include "crawler/job/job_parser.h"
#include "storage/job_writer.h"

namespace gleaner::service {

v1::JobSpec JobSpecOf(const crawler::JobConfig& job, const std::string& yaml) {
  v1::JobSpec spec;
  spec.set_name(job.name);
  spec.set_yaml(yaml);
  spec.set_source_path(job.source_path);
  spec.set_prepare_rules_yaml(job.prepare_rules_yaml);
  return spec;
}

Status ParseJobSpec(const v1::JobSpec& spec, crawler::JobConfig* job) {
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobYaml(spec.yaml(), spec.source_path(), job));
  job->prepare_rules_yaml = spec.prepare_rules_yaml();
  return Status::OK();
}

Status WriteJobPhase(storage::StagingStore* store, const std::string& name, v1::JobPhase phase,
                     const std::string& message, const v1::JobSpec* spec,
                     const v1::CrawlRun* run) {
  std::unique_ptr<storage::JobWriter> writer;
  GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store, name, &writer));
  v1::JobState* state = writer->mutable_state();
  state->set_phase(phase);
  state->set_message(message);
  if (spec != nullptr) *state->mutable_spec() = *spec;
  if (run != nullptr) *state->mutable_run() = *run;
  return writer->Commit();
}

}  // namespace gleaner::service
