#include "crawler/engine/backoff.h"

#include <catch2/catch.hpp>

using gleaner::crawler::BackoffMicros;
using gleaner::crawler::RetryPolicy;

TEST_CASE("backoff doubles per attempt within half to full of the base delay") {
  RetryPolicy p;
  p.backoff_ms = 200;
  p.max_backoff_ms = 30000;
  // attempt 1: d = 200 ms -> [100, 200] ms
  CHECK(BackoffMicros(p, 1, 0.0) == 100000);
  CHECK(BackoffMicros(p, 1, 1.0) == 200000);
  // attempt 3: d = 800 ms -> half jitter gives 600 ms
  CHECK(BackoffMicros(p, 3, 0.5) == 600000);
}

TEST_CASE("backoff never exceeds the configured maximum") {
  RetryPolicy p;
  p.backoff_ms = 1000;
  p.max_backoff_ms = 5000;
  // attempt 10 would be 512 s uncapped; capped at 5 s -> [2.5, 5] s
  CHECK(BackoffMicros(p, 10, 0.0) == 2500000);
  CHECK(BackoffMicros(p, 10, 0.999999) <= 5000000);
}
