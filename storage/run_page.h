// How a finished page of a job's current run lands in the store, the same
// whoever crawled it: a crawl in this process (StoreCrawlOutput) or a worker
// whose pages arrive through IngestService. Each stages the page's rows in
// `writer`'s batch, at the run in writer->state().run(), and adds its record
// counts (added, changed, unchanged, removed) to that run; the caller counts
// the pages themselves and commits. Not thread-safe (the writer's rules).
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "schema/gleaner.pb.h"
#include "storage/job_writer.h"

namespace gleaner::storage {

// The records extracted from the page at `url`, compared with those of
// earlier runs (JobWriter::PutPageRecords); `queued_as` may be null.
// `update` (may be null) changes the URL's state as well, told the page's own
// counts.
Status PutRunPage(JobWriter* writer, std::string_view url, const std::vector<v1::Record>& records,
                  const v1::FrontierItem* queued_as,
                  const std::function<void(const RecordCounts&, v1::UrlState*)>& update = nullptr);
// The page at `url` answered 304: its records stand, unchanged; `update`
// (may be null) changes the URL's state as well.
Status KeepRunPage(JobWriter* writer, std::string_view url,
                   const std::function<void(v1::UrlState*)>& update = nullptr);
// The page failed for good: stored with the job's errors; gone (404, 410),
// its records are removed in the run.
Status AddRunError(JobWriter* writer, const v1::FetchError& error);
// The URL left the job in the run (gone, or no longer linked): its records
// are removed (JobWriter::CloseUrl).
Status CloseRunUrl(JobWriter* writer, std::string_view url);

}  // namespace gleaner::storage
