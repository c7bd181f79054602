// FetchLimits: what one fetch may cost -- bytes on the wire and after
// decompression, timeouts, redirect hops -- as HttpFetcher enforces it. Plain
// copyable data owned by this stage; a job's YAML sets it (crawler/job's
// JobConfig holds one).
#pragma once

#include <cstdint>

namespace gleaner::crawler {

struct FetchLimits {
  int64_t max_body_bytes = 10 << 20;          // on the wire
  int64_t max_decompressed_bytes = 50 << 20;  // after Content-Encoding
  int connect_timeout_ms = 10000;
  int total_timeout_ms = 30000;
  int low_speed_bytes_per_s = 1000;  // abort when slower than this ...
  int low_speed_time_s = 10;         // ... for this long
  int max_redirects = 5;
};

}  // namespace gleaner::crawler
