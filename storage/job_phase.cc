#include "storage/job_phase.h"

namespace gleaner::storage {

const char* JobPhaseWord(v1::JobPhase phase) {
  switch (phase) {
    case v1::JOB_PENDING:
      return "queued";
    case v1::JOB_RUNNING:
      return "running";
    case v1::JOB_PAUSED:
      return "paused";
    case v1::JOB_SUCCEEDED:
      return "succeeded";
    case v1::JOB_FAILED:
      return "failed";
    case v1::JOB_CANCELLED:
      return "cancelled";
    default:  // the proto's open-enum sentinels
      return "unknown";
  }
}

}  // namespace gleaner::storage
