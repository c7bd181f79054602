// RevisitSchedule: when a job's known URL is next due (issue #17). Each fetch
// that answered moves the URL's adaptive interval (job `recrawl:`): unchanged
// (304 or the same records) grows it by `increase`, changed shrinks it by
// `decrease`, clamped to [min, max]; the next due time is the fetch time plus
// the interval, so it is never in the past. The interval settles where about
// ln(increase) / (ln(increase) - ln(decrease)) of the fetches find a change:
// with the defaults, a little under the page's change period. Pure functions
// of their arguments; thread-safe.
#pragma once

#include <cstdint>

#include "crawler/job/job_config.h"
#include "schema/gleaner.pb.h"

namespace gleaner::crawler {

// Updates `state` after a fetch at `fetch_micros` that found the URL's records
// `changed` (a first fetch counts as changed) or not. Without an adaptive
// policy only the last fetch and last change times move.
void ScheduleNextVisit(const RecrawlPolicy& policy, bool changed, int64_t fetch_micros,
                       v1::UrlState* state);

// Whether a run starting at `now_micros` revisits the URL: always without an
// adaptive policy; with one, when it is due or its last fetch failed
// transiently (retried in the next run).
bool DueForRevisit(const RecrawlPolicy& policy, const v1::UrlState& state, int64_t now_micros);

}  // namespace gleaner::crawler
