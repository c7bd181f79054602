// What a job with `recrawl: {remove_unlinked: true}` does about the known URLs
// no page links to any more. The crawl keeps each page's links in the store
// (JobWriter::PutPageLinks, replaced by each 200, dropped with the page when
// it is gone); they stand for a page that answered 304, was carried over or
// failed, as its records do. When a run completes, SweepUnlinked marks every
// URL a kept page links to, then removes in the run the records of every
// known URL that is neither a seed, a sitemap nor marked, and drops it from
// the revisits (a link queues it again). Memory stays bounded: the marks are
// rows of the store, both passes stream and commit as they go. Not
// thread-safe (the JobWriter's rules).
#pragma once

#include <functional>
#include <string_view>

#include "common/status.h"
#include "storage/job_writer.h"

namespace gleaner::crawler {

// Before a run that keeps links is planned: each known URL whose links the
// store does not have (or all of them, when `kept_before` is false: the last
// run did not keep them, so those stored may be stale) is made due and loses
// its validators, so the run fetches its body and keeps its links. Commits
// through `commit` as it goes; idempotent.
Status RequireLinks(storage::JobWriter* writer, bool kept_before,
                    const std::function<Status()>& commit);

// At the end of a run that completed: removes, in writer's current run, what
// that run no longer links to (see above). Commits through `commit` as it
// goes, and the caller keeps the run open until the last commit: a crash
// mid-way then continues the run and the same call finishes the sweep with
// the same counts (the marks are written once, CrawlRun.links_marked).
Status SweepUnlinked(storage::JobWriter* writer,
                     const std::function<bool(std::string_view url)>& is_seed,
                     const std::function<Status()>& commit);

}  // namespace gleaner::crawler
