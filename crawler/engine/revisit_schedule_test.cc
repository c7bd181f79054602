#include "crawler/engine/revisit_schedule.h"

#include <catch2/catch.hpp>

namespace gleaner::crawler {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kHour = 3600 * kSecond;

RecrawlPolicy Adaptive() {
  RecrawlPolicy policy;
  policy.adaptive = true;
  policy.min_interval_micros = 60 * kSecond;
  policy.max_interval_micros = 30 * 24 * kHour;
  return policy;
}

}  // namespace

TEST_CASE("the interval of a page changing every period settles within 20 % of the period") {
  const RecrawlPolicy policy = Adaptive();
  const int64_t period = GENERATE(6 * kHour, 25 * kHour, 7 * 24 * kHour);
  const int64_t phase = GENERATE(0LL, 1234567LL * kSecond / 1000);
  // The page changes at phase + k * period; each fetch sees whether a change
  // happened since the one before, and the next fetch is when the schedule says.
  v1::UrlState state;
  int64_t now = 1'000'000 * kSecond;
  auto changes_before = [&](int64_t t) { return (t - phase) / period; };
  ScheduleNextVisit(policy, /*changed=*/true, now, &state);
  for (int fetch = 0; fetch < 600; ++fetch) {
    REQUIRE(state.next_due_micros() > now);  // never in the past
    const int64_t next = state.next_due_micros();
    const bool changed = changes_before(next) != changes_before(now);
    now = next;
    ScheduleNextVisit(policy, changed, now, &state);
    if (fetch >= 500) {
      INFO("fetch " << fetch << ": interval " << state.interval_micros() / kSecond << " s");
      CHECK(state.interval_micros() >= period * 8 / 10);
      CHECK(state.interval_micros() <= period * 12 / 10);
    }
  }
}

TEST_CASE("the interval stays within min and max however long a page stays still or changes") {
  RecrawlPolicy policy = Adaptive();
  policy.min_interval_micros = kHour;
  policy.max_interval_micros = 4 * kHour;
  v1::UrlState state;
  int64_t now = 1000 * kHour;
  for (int i = 0; i < 50; ++i) {
    ScheduleNextVisit(policy, false, now, &state);
    now = state.next_due_micros();
  }
  CHECK(state.interval_micros() == 4 * kHour);
  for (int i = 0; i < 500; ++i) ScheduleNextVisit(policy, true, now, &state);
  CHECK(state.interval_micros() == kHour);
  CHECK(state.next_due_micros() == now + kHour);
  CHECK(state.last_change_micros() == now);
}

TEST_CASE("a URL is due when its time came, when it failed, or always without a policy") {
  const RecrawlPolicy policy = Adaptive();
  v1::UrlState state;
  state.set_next_due_micros(100);
  CHECK(DueForRevisit(policy, state, 100));
  CHECK_FALSE(DueForRevisit(policy, state, 99));
  CHECK(DueForRevisit(RecrawlPolicy(), state, 99));
  state.set_failures(1);
  CHECK(DueForRevisit(policy, state, 99));
}

}  // namespace gleaner::crawler
