// Retry delays: exponential backoff with "equal jitter" (half fixed, half
// random) so that many URLs failing together do not retry together. Pure
// functions; thread-safe.
#pragma once

#include <cstdint>

#include "crawler/job/job_config.h"

namespace gleaner::crawler {

// Delay before retry number `attempt` (1 = the first retry). `jitter` is a
// uniform random number in [0, 1). The delay is d/2 + jitter*d/2 where
// d = min(max_backoff_ms, backoff_ms * 2^(attempt-1)).
int64_t BackoffMicros(const RetryPolicy& policy, int attempt, double jitter);

}  // namespace gleaner::crawler
