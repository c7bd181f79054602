// CrawlEngine: runs one crawl job until its frontier is empty (or it is
// stopped). Fetching runs on a thread of its own (libcurl multi on Asio,
// fetch_thread.h); the crawl's bookkeeping and its writes to the output run on
// an io thread, parsing and extraction on a worker pool sized to the cores. By default it
// crawls into the staging store, resuming from whatever an earlier run of the
// same job left: every fetched page is committed in one atomic batch with its
// records, its discovered links and its frontier entry, so `kill -9` at any
// moment loses and duplicates nothing. Given a Frontier and a CrawlOutput
// instead (a worker of a multi-machine crawl), it crawls those. Run blocks;
// Stop may be called from any thread. The engine installs no signal handler:
// the program running it decides what SIGINT or SIGTERM do (`gleaner crawl`
// calls Stop, common/stop_signals.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>

#include "common/status.h"
#include "crawler/engine/crawl_output.h"
#include "crawler/job/job_config.h"
#include "storage/staging_store.h"

namespace gleaner::crawler {

struct CrawlOptions {
  // Where progress goes: one live line on a terminal, plain lines otherwise.
  std::ostream* progress = nullptr;
  bool progress_is_tty = false;
  int worker_threads = 0;  // 0 = hardware concurrency
  // Parsing holds memory in proportion to the body (a Gumbo tree takes about
  // 25 times the HTML), so a page starts parsing only while the bodies being
  // parsed stay within this many bytes; one page is always let through. Parse
  // memory is then bounded by the budget (or the largest page allowed by
  // limits.max_decompressed_bytes), not by the thread count.
  size_t parse_budget_bytes = 64 << 20;
  // A PEM file of CA certificates trusted for https besides the system's. An
  // operator's setting, never a job's: a submitted job must not choose whom
  // the server trusts.
  std::string ca_file;
  // Refuse to connect to loopback, private and link-local addresses, on every
  // hop and for robots.txt: such pages fail with ERROR_OUT_OF_SCOPE. An
  // operator's setting, set for jobs that came over the network.
  bool public_networks_only = false;
  // The time (Unix micros) revisits go by when crawling into the store: which
  // known URLs a new run finds due, and each fetch's time in its URL's
  // schedule. Null: the system clock. Tests set it to let days pass at once.
  std::function<int64_t()> revisit_clock;
};

struct CrawlSummary {
  uint64_t pages_fetched = 0;  // responses received, any status, this run
  uint64_t pages_not_modified = 0;  // of those, 304s to conditional requests
  uint64_t bytes_fetched = 0;
  uint64_t records = 0;  // records stored this run
  uint64_t errors = 0;   // permanent failures recorded this run
  uint64_t retries = 0;
  uint64_t robots_blocked = 0;
  uint64_t peak_parse_bytes = 0;  // the most body bytes parsed at once
  uint64_t links_over_cap = 0;  // links not followed: their page had more than kMaxLinksPerPage
  std::map<int, uint64_t> status_counts;
  std::map<std::string, uint64_t> http_versions;  // responses per protocol, e.g. "http/2"
  double duration_s = 0;
  bool stopped = false;  // Stop() was called before the frontier emptied
  // The run ended without fetching any page (every URL failed); the job is
  // failed and end_reason names the causes. Judged only when the output
  // keeps runs (CrawlOutput::run).
  bool failed = false;
  // The run took on max_pages URLs (counted job-wide for a worker) and left
  // the rest of its frontier for the next run.
  bool max_pages_reached = false;
  // Why the run ended, when not by emptying its frontier: "max_pages (N)
  // reached", or when failed "no page fetched: ...".
  std::string end_reason;
  // The run as the output keeps it (number, record counts), or this call's.
  v1::CrawlRun run;
};

class CrawlEngine {
 public:
  CrawlEngine(storage::StagingStore* store, JobConfig job, CrawlOptions options);
  // Both must outlive the engine.
  CrawlEngine(Frontier* frontier, CrawlOutput* output, JobConfig job, CrawlOptions options);
  ~CrawlEngine();

  Status Run(CrawlSummary* summary);
  // Finishes in-flight work, commits, and makes Run return with
  // summary->stopped set; resumable later. Thread-safe, and safe to call
  // before Run starts (Run then stops at once) or after it returned (no-op).
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gleaner::crawler
