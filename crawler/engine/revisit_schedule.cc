#include "crawler/engine/revisit_schedule.h"

#include <algorithm>
#include <cmath>

namespace gleaner::crawler {

void ScheduleNextVisit(const RecrawlPolicy& policy, bool changed, int64_t fetch_micros,
                       v1::UrlState* state) {
  state->set_last_fetch_micros(fetch_micros);
  if (changed) state->set_last_change_micros(fetch_micros);
  if (!policy.adaptive) return;
  double interval = static_cast<double>(policy.min_interval_micros);
  if (state->interval_micros() > 0) {
    interval = static_cast<double>(state->interval_micros()) *
               (changed ? policy.decrease : policy.increase);
  }
  interval = std::clamp(interval, static_cast<double>(policy.min_interval_micros),
                        static_cast<double>(policy.max_interval_micros));
  const int64_t micros = std::llround(interval);
  state->set_interval_micros(micros);
  state->set_next_due_micros(fetch_micros + micros);
}

bool DueForRevisit(const RecrawlPolicy& policy, const v1::UrlState& state, int64_t now_micros) {
  return !policy.adaptive || state.failures() > 0 || state.next_due_micros() <= now_micros;
}

}  // namespace gleaner::crawler
