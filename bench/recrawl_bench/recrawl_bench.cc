// recrawl_bench: what a re-crawl costs against the first crawl. Serves the
// fixture site in this process (so that it can change between runs), crawls
// it with configs/jobs/demo.yaml into one store (run 1), crawls it again with
// nothing changed (run 2: conditional requests, 304s), changes a fraction of
// its products (FixtureSite::Change) and crawls once more (run 3). For each
// run: wall time, bytes on the wire, the crawler's CPU per page (the site's
// serving threads left out), pages answered 304 and the records the run
// counted added / changed / unchanged / removed. With --rounds N it does that
// N times, each round with a site and store of its own, and ends with the
// medians of the runs' shares of run 1's time. Not a test; run by hand (see
// bench/README.md).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "bench/support/demo_job.h"
#include "bench/support/resource_usage.h"
#include "crawler/engine/crawl_engine.h"
#include "demo/fixture_site.h"
#include "storage/store_reader.h"
#include "tests/support/temp_dir.h"

namespace gleaner::bench {
namespace {

struct Flags {
  int pages = 20000;
  double changed_fraction = 0.10;
  int threads = 0;  // crawler workers; 0 = hardware concurrency
  int connections = 16;
  int rounds = 1;
  std::string job_path = GLEANER_DEMO_JOB;
};

struct RunFigures {
  std::string label;
  crawler::CrawlSummary summary;
  v1::CrawlRun run;
  int site_not_modified = 0;  // 304s in the site's own request log
  double seconds = 0;
  // From the run's start to the first request the site received, and from
  // the end of the last response to the run's end: the run's start (its
  // plan) and end (its last commit), which no request overlaps.
  double before_first_request = 0;
  double after_last_response = 0;
  double crawler_cpu = 0;    // this process without the site's serving threads
  double io_thread_cpu = 0;  // the engine's io thread (this one) alone
  double site_cpu = 0;       // the site's serving threads
};

class Bench {
 public:
  explicit Bench(const Flags& flags) : flags_(flags) {}

  Status Start() {
    const std::set<std::string> before = ThreadIds();
    demo::FixtureOptions options;
    options.pages = flags_.pages;
    options.page_size = demo::PageSize::kRealistic;
    options.pregzip = true;  // as a static server with precompressed files
    GLEANER_RETURN_IF_ERROR(demo::FixtureSite::Start(options, &site_));
    for (const auto& tid : ThreadIds()) {
      if (!before.count(tid)) site_threads_.push_back(tid);
    }
    GLEANER_RETURN_IF_ERROR(
        LoadDemoJob(flags_.job_path, site_->BaseUrl(), flags_.connections, &job_));
    return storage::StagingStore::OpenPrimary(dir_.path() + "/store", {}, &store_);
  }

  demo::FixtureSite* site() { return site_.get(); }

  Status Crawl(const std::string& label, RunFigures* figures) {
    figures->label = label;
    site_->ClearRequestLog();
    crawler::CrawlOptions options;
    options.worker_threads = flags_.threads;
    crawler::CrawlEngine engine(store_.get(), job_, options);
    const double cpu_before = CpuSeconds();
    const double serving_before = ServingCpu();
    const double io_before = CpuSeconds(RUSAGE_THREAD);
    const Clock::time_point start = Clock::now();
    GLEANER_RETURN_IF_ERROR(engine.Run(&figures->summary));
    figures->seconds = SecondsSince(start);
    figures->io_thread_cpu = CpuSeconds(RUSAGE_THREAD) - io_before;
    figures->site_cpu = ServingCpu() - serving_before;
    figures->crawler_cpu = (CpuSeconds() - cpu_before) - figures->site_cpu;
    const Clock::time_point end = Clock::now();
    figures->site_not_modified = site_->NotModifiedCount();
    const std::vector<demo::RequestLogEntry> log = site_->RequestLog();
    if (!log.empty()) {
      Clock::time_point first = log.front().start, last = log.front().end;
      for (const demo::RequestLogEntry& entry : log) {
        first = std::min(first, entry.start);
        last = std::max(last, entry.end);
      }
      figures->before_first_request = std::chrono::duration<double>(first - start).count();
      figures->after_last_response = std::chrono::duration<double>(end - last).count();
    }
    std::vector<v1::CrawlRun> runs;
    storage::StoreReader reader(store_.get());
    GLEANER_RETURN_IF_ERROR(reader.ListRuns(job_.name, &runs));
    if (runs.empty()) return Status::FailedPrecondition("the crawl left no run");
    figures->run = runs.back();
    return Status::OK();
  }

 private:
  double ServingCpu() const {
    double total = 0;
    for (const auto& tid : site_threads_)
      total += StatCpuSeconds("/proc/self/task/" + tid + "/stat");
    return total;
  }

  const Flags& flags_;
  std::unique_ptr<demo::FixtureSite> site_;
  std::vector<std::string> site_threads_;
  crawler::JobConfig job_;
  testing::TempDir dir_;
  std::unique_ptr<storage::StagingStore> store_;
};

void Print(const RunFigures& r, const RunFigures& first) {
  const double pages = static_cast<double>(r.summary.pages_fetched);
  std::printf(
      "%-10s run %u: %6.2f s (%5.1f %% of run 1)  %8.2f MB (%5.2f %%)  %6.1f us CPU/page  "
      "%6llu pages, %6llu not modified (site: %d)  records +%llu ~%llu =%llu -%llu  "
      "(%.2f s before the first request, %.2f s after the last; CPU/page: io thread %.1f us, "
      "site %.1f us)\n",
      r.label.c_str(), r.run.number(), r.seconds, 100.0 * r.seconds / first.seconds,
      r.summary.bytes_fetched / 1e6,
      100.0 * static_cast<double>(r.summary.bytes_fetched) /
          static_cast<double>(first.summary.bytes_fetched),
      pages > 0 ? 1e6 * r.crawler_cpu / pages : 0.0,
      static_cast<unsigned long long>(r.summary.pages_fetched),
      static_cast<unsigned long long>(r.summary.pages_not_modified), r.site_not_modified,
      static_cast<unsigned long long>(r.run.records_added()),
      static_cast<unsigned long long>(r.run.records_changed()),
      static_cast<unsigned long long>(r.run.records_unchanged()),
      static_cast<unsigned long long>(r.run.records_removed()), r.before_first_request,
      r.after_last_response, pages > 0 ? 1e6 * r.io_thread_cpu / pages : 0.0,
      pages > 0 ? 1e6 * r.site_cpu / pages : 0.0);
}

// One round: the three runs against a site and store of their own. Sets
// *unchanged_share and *changed_share to runs 2 and 3's time over run 1's.
Status Round(const Flags& flags, double* unchanged_share, double* changed_share) {
  Bench bench(flags);
  GLEANER_RETURN_IF_ERROR(bench.Start());
  RunFigures first, unchanged, changed;
  GLEANER_RETURN_IF_ERROR(bench.Crawl("first", &first));
  Print(first, first);
  GLEANER_RETURN_IF_ERROR(bench.Crawl("unchanged", &unchanged));
  Print(unchanged, first);
  demo::SiteChange change;
  change.changed_fraction = flags.changed_fraction;
  GLEANER_RETURN_IF_ERROR(bench.site()->Change(change, nullptr));
  GLEANER_RETURN_IF_ERROR(bench.Crawl("changed", &changed));
  Print(changed, first);
  *unchanged_share = unchanged.seconds / first.seconds;
  *changed_share = changed.seconds / first.seconds;
  return Status::OK();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

Status Run(const Flags& flags) {
  std::vector<double> unchanged_shares, changed_shares;
  for (int round = 1; round <= flags.rounds; ++round) {
    if (flags.rounds > 1) std::printf("round %d\n", round);
    double unchanged = 0, changed = 0;
    GLEANER_RETURN_IF_ERROR(Round(flags, &unchanged, &changed));
    unchanged_shares.push_back(100 * unchanged);
    changed_shares.push_back(100 * changed);
  }
  if (flags.rounds > 1) {
    std::printf("median over %d rounds: unchanged run %.1f %% of run 1, changed run %.1f %%\n",
                flags.rounds, Median(unchanged_shares), Median(changed_shares));
  }
  return Status::OK();
}

}  // namespace
}  // namespace gleaner::bench

int main(int argc, char** argv) {
  gleaner::bench::Flags flags;
  CLI::App app{"Re-crawl cost: unchanged and partly changed second runs against the first"};
  app.add_option("--pages", flags.pages, "Product pages of the fixture site");
  app.add_option("--changed", flags.changed_fraction, "Fraction of products changed for run 3");
  app.add_option("--threads", flags.threads, "Crawler worker threads (0: one per core)");
  app.add_option("--connections", flags.connections, "Requests at once");
  app.add_option("--job", flags.job_path, "Job file with {{site}} placeholders");
  app.add_option("--rounds", flags.rounds, "Rounds of the three runs, each on a new site and store")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  gleaner::Status status = gleaner::bench::Run(flags);
  if (!status.ok()) {
    std::cerr << "recrawl_bench: " << status.ToString() << '\n';
    return 1;
  }
  return 0;
}
