#include "crawler/engine/backoff.h"

#include <algorithm>
#include <cmath>

namespace gleaner::crawler {

int64_t BackoffMicros(const RetryPolicy& policy, int attempt, double jitter) {
  double d = policy.backoff_ms * std::pow(2.0, std::max(0, attempt - 1));
  d = std::min<double>(d, policy.max_backoff_ms);
  jitter = std::clamp(jitter, 0.0, 1.0);
  return static_cast<int64_t>((d / 2 + jitter * d / 2) * 1000);
}

}  // namespace gleaner::crawler
