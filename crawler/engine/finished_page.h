// FinishedPage: what a page a run finished does to the job's store, the same
// whoever crawled it -- a crawl in this process (StoreCrawlOutput) or a
// `gleaner worker` whose pages reach the server as PageDone (IngestService).
// A page that answered (200 or 304) moves its URL's revisit schedule
// (revisit_schedule.h) by `now_micros` and ends its failures; a 304 keeps the
// validators it came with; a transient failure keeps the URL, its failures
// counted, so the next run retries it. Each stages its rows in `writer`'s
// batch at the writer's current run; the caller counts the page and commits.
// Not thread-safe (the writer's rules).
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "crawler/fetch/validators.h"
#include "crawler/job/job_config.h"
#include "schema/gleaner.pb.h"
#include "storage/job_writer.h"

namespace gleaner::crawler {

// A failure that asking again later may mend: DNS, connect, TLS, timeout,
// robots.txt unavailable, HTTP 5xx.
bool TransientFailure(const v1::FetchError& error);

// The page at `url`, queued as `item`, answered 200 with `records` (compared
// with earlier runs: storage::PutRunPage).
Status StoreFetchedPage(storage::JobWriter* writer, const RecrawlPolicy& policy,
                        int64_t now_micros, const v1::FrontierItem& item, std::string_view url,
                        const std::vector<v1::Record>& records);
// The page at `url` answered 304 with `sent` (RFC 9110 15.4.5: the
// validators a 200 would carry; the safe non-empty ones replace the stored):
// its records stand, unchanged.
Status StoreNotModifiedPage(storage::JobWriter* writer, const RecrawlPolicy& policy,
                            int64_t now_micros, std::string_view url, const Validators& sent);
// The page queued as `item` failed for good with `error`: stored with the
// job's errors (a 404 or 410 removes its records); a transient failure
// keeps the URL for the next run, as queued (when the URL has no state yet).
Status StoreFailedPage(storage::JobWriter* writer, const v1::FrontierItem& item,
                       const v1::FetchError& error);

}  // namespace gleaner::crawler
