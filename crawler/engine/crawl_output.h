// CrawlOutput: where the crawl engine puts what it fetched (records, pages,
// errors, the robots cache, the job's counters) and the point at which a page
// is done for good. The engine calls it from its io thread only. A page's
// lease is Completed in the frontier by the output, once the records added
// before it are durable: at once and atomically with them in the staging
// store (StoreCrawlOutput), or when the ingest service acks them (a worker).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "crawler/frontier/frontier.h"
#include "schema/gleaner.pb.h"

namespace gleaner::crawler {

class CrawlOutput {
 public:
  virtual ~CrawlOutput() = default;

  // Starts the job's run: continues an open one, or starts the next, queuing
  // `seeds` (and, for an output that keeps runs, the URLs earlier runs
  // fetched) as it needs.
  virtual Status Begin(const std::vector<v1::FrontierItem>& seeds) = 0;
  // Ends a call of Run that took `duration_s`: makes everything durable,
  // waiting for it if need be, and records how the run ended (run()).
  virtual Status End(double duration_s) = 0;

  virtual Status AddRecord(const v1::Record& record) = 0;
  // All the records extracted from the page at `url`, in page order; possibly
  // none. `item` is how the URL was queued, with this response's validators
  // (etag, last_modified) and what it extracted (signature, record_count): how
  // a later run queues it. An output that keeps runs compares the records
  // with the page's earlier ones; the default adds each.
  virtual Status AddPageRecords(const v1::FrontierItem& /*item*/, const std::string& /*url*/,
                                const std::vector<v1::Record>& records) {
    for (const auto& record : records) GLEANER_RETURN_IF_ERROR(AddRecord(record));
    return Status::OK();
  }
  // The links the page at `url` was queued with (normalised, in scope), as
  // the records of that page were added: an output that judges which known
  // URLs are still linked (recrawl.remove_unlinked) keeps them.
  virtual Status AddPageLinks(const std::string& /*url*/,
                              const std::vector<v1::FrontierItem>& /*links*/) {
    return Status::OK();
  }
  // A fetched page, body included, when the job stores pages; and always a
  // page answered 304 to a conditional GET (Page.not_modified, no body): the
  // output keeps that URL's records as they were.
  virtual Status AddPage(v1::Page page) = 0;
  // A permanent failure of the URL queued as `item` (attempts included); an
  // output that keeps runs queues a transient one again in the next run.
  virtual Status AddError(const v1::FrontierItem& item, const v1::FetchError& error) = 0;
  // True when a record added again (same source_url and index_in_page) is
  // stored once: the engine may then add a page's records more than once.
  virtual bool records_idempotent() const { return false; }
  // The job's counters, kept with its output.
  virtual v1::JobStats* stats() = 0;
  // The job's current run, kept with its output: the engine counts its pages
  // and sets how it ended before End, which records it. Null for an output
  // that keeps no runs (a worker's: the job's runs are the server's); the
  // engine then counts one call of Run as the run and judges no outcome.
  virtual v1::CrawlRun* run() { return nullptr; }
  // For an output whose run several engines share (a worker's, counted
  // job-wide in Redis): `fresh` URLs were just taken on, under the job's
  // `max_pages` (0: no limit); *granted is how many of them the run may still
  // start, and they count as started. The
  // engine gives the rest back untried and ends its call as max_pages
  // reached. UngrantPages returns URLs granted before and given back untried;
  // CountFetch counts a fetch's bytes on the wire, and its response when
  // `answered` (not an error). The defaults grant everything and count
  // nothing: the engine's run() is then the count.
  virtual Status GrantPages(uint64_t fresh, uint64_t /*max_pages*/, uint64_t* granted) {
    *granted = fresh;
    return Status::OK();
  }
  virtual void UngrantPages(uint64_t /*count*/) {}
  virtual void CountFetch(bool /*answered*/, uint64_t /*wire_bytes*/) {}

  // The serialized robots rules of a host cached less than `ttl_micros` ago
  // (NotFound otherwise), and caching them.
  virtual Status GetRobots(const std::string& host_key, int64_t ttl_micros, std::string* rules) = 0;
  virtual Status PutRobots(const std::string& host_key, const std::string& rules,
                           int64_t ttl_micros) = 0;

  // The page of `lease` is done: Completes it in the frontier once the
  // records added before this call are durable.
  virtual Status Finish(const Lease& lease) = 0;
  // Makes the frontier changes made since the last call durable.
  virtual Status Commit() = 0;
  // An output may hold several finished pages back to commit them together.
  // The engine calls this when a claim came back short: it commits whatever
  // is held back and sets *items_released when that made queued URLs
  // claimable (the frontier hands out only committed entries).
  virtual Status Flush(bool* items_released) {
    *items_released = false;
    return Status::OK();
  }

  // An output that becomes durable later (in another thread) calls `wake`,
  // from any thread, when Poll has leases to complete or Full changed; the
  // engine then calls Poll on its io thread. Null: stop calling.
  virtual void SetWakeup(std::function<void()> /*wake*/) {}
  virtual Status Poll() { return Status::OK(); }
  // True while the output holds as much as it may: the engine claims no new
  // URL until a wake-up.
  virtual bool Full() const { return false; }
};

}  // namespace gleaner::crawler
