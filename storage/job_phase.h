// The words a user reads for a job's phase: `queued`, `running`, `paused`,
// `succeeded`, `failed`, `cancelled`. Every place that shows a phase (CLI
// tables and JSON, manifest.json, metrics labels, service stats) goes through
// JobPhaseWord, so the proto's enum names (JOB_SUCCEEDED) never reach a user.
// Pure function; thread-safe.
#pragma once

#include "schema/gleaner.pb.h"

namespace gleaner::storage {

// JOB_PENDING is "queued": a pending job waits in the queue for its turn.
const char* JobPhaseWord(v1::JobPhase phase);

}  // namespace gleaner::storage
