#include "service/jobs/job_queue.h"

#include <memory>

#include "storage/job_writer.h"

namespace gleaner::service {

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
