// crawl_bench: crawls the fixture site (configs/jobs/demo.yaml, robots on, no
// delay; the site serves pages it gzipped before listening, as a static server
// would, unless --gzip-per-request) into a temporary store and reports pages/s,
// CPU per page and peak RSS; then times HtmlExtractor::Extract alone over the
// same pages held in memory on as many threads as the crawler's worker pool,
// and pushes a million URLs into a RocksDbFrontier to see what a deep queue
// costs in RAM. With --dir DIR it crawls a directory of real pages instead,
// served by the fixture's static mode from a copy holding FILE.gz beside each
// page (nginx's gzip_static), and its bare parse is Gumbo's alone, parse and
// free, as a user would write it. Each measured phase is a callgrind dump of
// its own when run under valgrind --tool=callgrind. Not a test; run by hand
// (see bench/README.md).
#include <gumbo.h>
#include <malloc.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label)
#endif

#include "bench/support/demo_job.h"
#include "bench/support/resource_usage.h"
#include "crawler/engine/crawl_engine.h"
#include "crawler/extract/html_extractor.h"
#include "crawler/frontier/rocksdb_frontier.h"
#include "crawler/job/job_parser.h"
#include "demo/fixture_site.h"
#include "demo/gzip.h"
#include "demo/site_catalog.h"
#include "storage/job_writer.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::bench {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

struct Flags {
  int pages = 20000;
  int threads = 0;  // crawler workers and parse threads; 0 = hardware concurrency
  int connections = 16;
  int fixture_threads = 1;
  bool external_fixture = false;  // serve the site from a gleaner-fixture child
  // The site gzips each response as it goes instead of serving pages it
  // compressed before listening; zlib then takes ~0.3 ms CPU a page from the
  // cores the crawler under test runs on.
  bool gzip_per_request = false;
  std::string fixture_binary = GLEANER_FIXTURE_BINARY;
  std::string job_path;  // default: GLEANER_DEMO_JOB, or GLEANER_REAL_PAGES_JOB with --dir
  // Real pages: crawl the files below this directory instead of the shop.
  std::string dir;
  std::string served_dir;  // the copy of `dir` with FILE.gz copies that the site serves
  int frontier_urls = 1000000;
  int frontier_batch = 10000;
  bool skip_crawl = false;
  bool skip_parse = false;
  bool skip_frontier = false;
  int rounds = 1;  // crawl + parse pairs
};


// The fixture site, served either by threads of this process or by a
// gleaner-fixture child, so the crawler's own CPU time can be read apart.
class Site {
 public:
  Status Start(const Flags& flags) {
    if (!flags.external_fixture) {
      std::set<std::string> before = ThreadIds();
      demo::FixtureOptions options;
      options.pages = flags.pages;
      options.page_size = demo::PageSize::kRealistic;
      options.threads = flags.fixture_threads;
      options.pregzip = !flags.gzip_per_request;
      options.static_dir = flags.served_dir;
      GLEANER_RETURN_IF_ERROR(demo::FixtureSite::Start(options, &in_process_));
      for (const auto& tid : ThreadIds()) {
        if (!before.count(tid)) fixture_threads_.push_back(tid);
      }
      base_url_ = in_process_->BaseUrl();
      return Status::OK();
    }
    return Spawn(flags);
  }

  ~Site() {
    if (child_ > 0) {
      kill(child_, SIGTERM);
      waitpid(child_, nullptr, 0);
    }
  }

  const std::string& base_url() const { return base_url_; }
  // CPU the in-process site's serving threads, or the whole child, used so
  // far; read before and after the crawl, so the child's start-up (which
  // pre-compresses the pages) stays out of the difference.
  double ServingCpuSeconds() const {
    if (child_ > 0) return StatCpuSeconds("/proc/" + std::to_string(child_) + "/stat");
    double total = 0;
    for (const auto& tid : fixture_threads_) {
      total += StatCpuSeconds("/proc/self/task/" + tid + "/stat");
    }
    return total;
  }

 private:
  Status Spawn(const Flags& flags) {
    int out[2];
    if (pipe(out) != 0) return Status::IOError("pipe failed");
    std::string pages = std::to_string(flags.pages);
    std::string threads = std::to_string(flags.fixture_threads);
    std::vector<const char*> argv = {flags.fixture_binary.c_str(), "--pages", pages.c_str(),
                                     "--page-size", "realistic", "--threads", threads.c_str()};
    if (!flags.served_dir.empty()) {
      argv.insert(argv.end(), {"--dir", flags.served_dir.c_str()});
    } else if (!flags.gzip_per_request) {
      argv.push_back("--pregzip");
    }
    argv.push_back(nullptr);
    child_ = fork();
    if (child_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execv(flags.fixture_binary.c_str(), const_cast<char* const*>(argv.data()));
      _exit(127);
    }
    close(out[1]);
    // The child prints its line once it listens, which is after it has
    // compressed every page, so no crawl starts during its start-up.
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    const std::string prefix = "listening ";
    if (line.rfind(prefix, 0) != 0) {
      return Status::IOError("no listening line from " + flags.fixture_binary);
    }
    base_url_ = line.substr(prefix.size());
    return Status::OK();
  }

  std::unique_ptr<demo::FixtureSite> in_process_;
  std::vector<std::string> fixture_threads_;
  pid_t child_ = -1;
  std::string base_url_;
};

// The kernel's share since `before`: system time and minor page faults (each
// ~20 us of system time on a VM).
KernelUsage Since(const KernelUsage& before) {
  const KernelUsage now = KernelUsageNow();
  return {now.system_seconds - before.system_seconds, now.minor_faults - before.minor_faults};
}

void PrintKernel(const KernelUsage& kernel, uint64_t pages) {
  std::printf("  of which system CPU %.2f s (%.3f ms/page), %.1f minor page faults/page\n",
              kernel.system_seconds, 1e3 * kernel.system_seconds / pages,
              static_cast<double>(kernel.minor_faults) / pages);
}

struct CrawlResult {
  crawler::CrawlSummary summary;
  double seconds = 0;
  double process_cpu = 0;  // everything this process spent during the crawl
  double serving_cpu = 0;  // of which the in-process site's threads, or the child's total
  KernelUsage kernel;      // of this process during the crawl: system time, page faults
  double peak_rss_mib = 0;
  // The crawler's own CPU: without the in-process site's threads.
  double crawler_cpu(const Flags& flags) const {
    return process_cpu - (flags.external_fixture ? 0 : serving_cpu);
  }
};

Status RunCrawl(const Flags& flags, int threads, CrawlResult* result) {
  Site site;
  GLEANER_RETURN_IF_ERROR(site.Start(flags));
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(LoadDemoJob(flags.job_path, site.base_url(), flags.connections, &job));
  TempDir dir;
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenPrimary(dir.path() + "/store", {}, &store));
  crawler::CrawlOptions options;
  options.worker_threads = threads;
  crawler::CrawlEngine engine(store.get(), job, options);

  double cpu_before = CpuSeconds();
  double serving_before = site.ServingCpuSeconds();
  const KernelUsage kernel_before = KernelUsageNow();
  Clock::time_point start = Clock::now();
  CALLGRIND_ZERO_STATS;
  GLEANER_RETURN_IF_ERROR(engine.Run(&result->summary));
  CALLGRIND_DUMP_STATS_AT("crawl");
  result->seconds = SecondsSince(start);
  result->process_cpu = CpuSeconds() - cpu_before;
  result->kernel = Since(kernel_before);
  result->serving_cpu = site.ServingCpuSeconds() - serving_before;
  result->peak_rss_mib = PeakRssMiB();
  return Status::OK();
}

struct ParseResult {
  uint64_t pages = 0;
  uint64_t bytes = 0;
  uint64_t records = 0;
  double seconds = 0;
  double cpu = 0;
  KernelUsage kernel;
};

// Every page a full crawl fetches (reachable from "/" outside /private/),
// rendered straight from the catalogue: the bytes the site serves, unzipped.
std::vector<std::string> RenderReachablePages(int pages) {
  demo::SiteCatalog catalog(pages, demo::FixtureOptions{}.seed, demo::PageSize::kRealistic);
  std::vector<std::string> html;
  for (const auto& [path, depth] : catalog.ReachablePaths()) {
    if (auto page = catalog.RenderPage(path)) html.push_back(std::move(*page));
  }
  return html;
}

// Runs `parse` over every page on `threads` threads, timed; the phase is one
// callgrind dump named `label`.
template <typename Parse>
void ParseOnThreads(const std::vector<std::string>& pages, int threads, const char* label,
                    const Parse& parse, ParseResult* result) {
  for (const auto& page : pages) result->bytes += page.size();
  result->pages = pages.size();
  std::atomic<size_t> next{0};
  double cpu_before = CpuSeconds();
  const KernelUsage kernel_before = KernelUsageNow();
  Clock::time_point start = Clock::now();
  std::vector<std::thread> workers;
  CALLGRIND_ZERO_STATS;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < pages.size(); i = next++) parse(pages[i]);
    });
  }
  for (auto& worker : workers) worker.join();
  CALLGRIND_DUMP_STATS_AT(label);
  result->seconds = SecondsSince(start);
  result->cpu = CpuSeconds() - cpu_before;
  result->kernel = Since(kernel_before);
}

Status RunParse(const Flags& flags, int threads, ParseResult* result) {
  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(LoadDemoJob(flags.job_path, "http://127.0.0.1:1", flags.connections, &job));
  std::unique_ptr<crawler::HtmlExtractor> extractor;
  GLEANER_RETURN_IF_ERROR(crawler::HtmlExtractor::Compile(job.sources.at(0), &extractor));
  std::atomic<uint64_t> records{0};
  std::atomic<bool> failed{false};
  ParseOnThreads(
      RenderReachablePages(flags.pages), threads, "bare parse",
      [&](const std::string& page) {
        crawler::HtmlExtraction extraction;
        if (!extractor->Extract(page, &extraction).ok()) failed = true;
        records += extraction.records.size();
      },
      result);
  result->records = records;
  if (failed) return Status::Aborted("Extract failed on a fixture page");
  return Status::OK();
}

bool IsHtml(const fs::path& path) {
  return path.extension() == ".html" || path.extension() == ".htm";
}

// Copies `from` to `to` with FILE.gz (gzip level 1, as the shop's pages) beside
// each HTML file, so the site spends no zlib time while the crawler runs.
Status CopyWithGzip(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    fs::path target = to / fs::relative(it->path(), from);
    if (it->is_directory()) {
      fs::create_directories(target, ec);
    } else if (it->is_regular_file()) {
      fs::copy_file(it->path(), target, ec);
      if (!ec && IsHtml(target)) {
        std::string html = testing::ReadFile(target);
        testing::WriteFile(target.string() + ".gz", demo::GzipCompress(html));
      }
    }
    if (ec) break;
  }
  if (ec) return Status::IOError("copying " + from + " to " + to + ": " + ec.message());
  return Status::OK();
}

// Every HTML file below `dir`, read into memory: the pages a crawl from its
// index.html fetches when every page is linked.
std::vector<std::string> ReadHtmlFiles(const std::string& dir) {
  std::vector<std::string> html;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && IsHtml(entry.path())) {
      html.push_back(testing::ReadFile(entry.path()));
    }
  }
  return html;
}

// The bare Gumbo parse of the real pages: parse each into a tree with
// Gumbo's default (malloc) allocator and free it, nothing else.
Status RunBareGumbo(const Flags& flags, int threads, ParseResult* result) {
  std::vector<std::string> pages = ReadHtmlFiles(flags.dir);
  if (pages.empty()) return Status::InvalidArgument("no .html files below " + flags.dir);
  ParseOnThreads(
      pages, threads, "bare gumbo parse",
      [](const std::string& page) {
        GumboOutput* output =
            gumbo_parse_with_options(&kGumboDefaultOptions, page.data(), page.size());
        gumbo_destroy_output(&kGumboDefaultOptions, output);
      },
      result);
  return Status::OK();
}

struct FrontierResult {
  uint64_t queued = 0;
  double rss_before_mib = 0;
  double rss_after_mib = 0;
  double seconds = 0;
  // What RocksDB itself holds for the frontier family at the end, to tell
  // its memtables and table readers apart from the frontier's own memory.
  double memtables_mib = 0;
  double table_readers_mib = 0;
  double block_cache_mib = 0;
  double rss_after_trim_mib = 0;  // after malloc_trim: heap freed but kept by malloc is gone
};

double FamilyPropertyMiB(const storage::StagingStore& store, const char* property) {
  uint64_t value = 0;
  store.db()->GetIntProperty(store.handle(storage::Family::kFrontier), property, &value);
  return value / 1048576.0;
}

Status RunFrontier(const Flags& flags, FrontierResult* result) {
  TempDir dir;
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenPrimary(dir.path() + "/store", {}, &store));
  std::unique_ptr<storage::JobWriter> writer;
  GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store.get(), "frontier_bench", &writer));
  std::unique_ptr<crawler::RocksDbFrontier> frontier;
  GLEANER_RETURN_IF_ERROR(crawler::RocksDbFrontier::Open(writer.get(), {}, &frontier));
  result->rss_before_mib = CurrentRssMiB();

  // A realistic spread: a few dozen hosts, URLs of typical length, BFS depths.
  constexpr int kHosts = 32;
  Clock::time_point start = Clock::now();
  std::vector<v1::FrontierItem> items;
  for (int i = 0; i < flags.frontier_urls;) {
    items.clear();
    for (int end = std::min(flags.frontier_urls, i + flags.frontier_batch); i < end; ++i) {
      std::string host = "http://shop-" + std::to_string(i % kHosts) + ".example";
      v1::FrontierItem& item = items.emplace_back();
      item.set_url(host + "/catalogue/product-" + std::to_string(i) + "/index.html");
      item.set_host_key(host + ":80");
      item.set_depth(1 + i % 6);
    }
    size_t added = 0;
    GLEANER_RETURN_IF_ERROR(frontier->Push(items, &added));
    result->queued += added;
    GLEANER_RETURN_IF_ERROR(frontier->Commit());
  }
  result->seconds = SecondsSince(start);
  result->rss_after_mib = CurrentRssMiB();
  result->memtables_mib = FamilyPropertyMiB(*store, "rocksdb.cur-size-all-mem-tables");
  result->table_readers_mib = FamilyPropertyMiB(*store, "rocksdb.estimate-table-readers-mem");
  result->block_cache_mib = FamilyPropertyMiB(*store, "rocksdb.block-cache-usage");
  malloc_trim(0);
  result->rss_after_trim_mib = CurrentRssMiB();
  return Status::OK();
}

void PrintCrawl(const Flags& flags, const CrawlResult& crawl) {
  const auto& s = crawl.summary;
  std::printf("\ncrawl: %llu pages (%.1f MB), %llu records, %llu errors, %llu robots-blocked\n",
              static_cast<unsigned long long>(s.pages_fetched), s.bytes_fetched / 1e6,
              static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.errors),
              static_cast<unsigned long long>(s.robots_blocked));
  std::printf("  wall %.2f s, %.0f pages/s\n", crawl.seconds, s.pages_fetched / crawl.seconds);
  std::printf("  process CPU %.2f s (%.3f ms/page)%s\n", crawl.process_cpu,
              1e3 * crawl.process_cpu / s.pages_fetched,
              flags.external_fixture ? "" : ", serving threads included");
  std::printf("  site CPU %.2f s (%s), crawler CPU %.2f s = %.3f ms/page\n", crawl.serving_cpu,
              flags.external_fixture ? "child process" : "its threads in this process",
              crawl.crawler_cpu(flags), 1e3 * crawl.crawler_cpu(flags) / s.pages_fetched);
  std::printf("  peak RSS %.1f MiB (the process's high-water mark so far)\n", crawl.peak_rss_mib);
  PrintKernel(crawl.kernel, s.pages_fetched);
}

void PrintParse(const Flags& flags, int threads, const ParseResult& parse) {
  std::printf("\n%s: %llu pages (%.1f MB), %llu records, %d threads\n",
              flags.dir.empty() ? "bare parse (HtmlExtractor)" : "bare Gumbo parse and free",
              static_cast<unsigned long long>(parse.pages), parse.bytes / 1e6,
              static_cast<unsigned long long>(parse.records), threads);
  std::printf("  wall %.2f s, %.0f pages/s, CPU %.2f s (%.3f ms/page)\n", parse.seconds,
              parse.pages / parse.seconds, parse.cpu, 1e3 * parse.cpu / parse.pages);
  PrintKernel(parse.kernel, parse.pages);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

Status Run(const Flags& flags) {
  int threads =
      flags.threads > 0 ? flags.threads : std::max(1u, std::thread::hardware_concurrency());
  std::printf(
      "crawl_bench: %s, %d worker threads, %d connections, fixture %s (%d thread%s, "
      "%s), %d round%s\n",
      flags.dir.empty() ? (std::to_string(flags.pages) + " products").c_str() : flags.dir.c_str(),
      threads, flags.connections,
      flags.external_fixture ? flags.fixture_binary.c_str() : "in-process", flags.fixture_threads,
      flags.fixture_threads == 1 ? "" : "s",
      flags.gzip_per_request && flags.dir.empty() ? "gzip per request"
                                                  : "pages gzipped before serving",
      flags.rounds,
      flags.rounds == 1 ? "" : "s");
  // Crawl and parse alternate, so that both phases of a round see much the
  // same load on a shared machine; each round gives its own ratios.
  CrawlResult first_crawl;
  FrontierResult frontier;
  std::vector<double> wall_ratios, cpu_ratios;
  for (int round = 1; round <= flags.rounds; ++round) {
    if (flags.rounds > 1) std::printf("\n## round %d\n", round);
    CrawlResult crawl;
    if (!flags.skip_crawl) {
      GLEANER_RETURN_IF_ERROR(RunCrawl(flags, threads, &crawl));
      PrintCrawl(flags, crawl);
      if (round == 1) first_crawl = crawl;  // later peaks include the parse phase's pages
    }
    // Before the first parse phase, so its 200 MB of pages are not in the heap measured.
    if (round == 1 && !flags.skip_frontier) {
      GLEANER_RETURN_IF_ERROR(RunFrontier(flags, &frontier));
      std::printf("\nfrontier: %llu URLs queued in %.2f s, RSS %.1f -> %.1f MiB (+%.1f MiB)\n",
                  static_cast<unsigned long long>(frontier.queued), frontier.seconds,
                  frontier.rss_before_mib, frontier.rss_after_mib,
                  frontier.rss_after_mib - frontier.rss_before_mib);
      std::printf(
          "  of which RocksDB frontier family: memtables %.1f MiB, table readers %.1f MiB, "
          "block cache %.1f MiB; RSS after malloc_trim %.1f MiB\n",
          frontier.memtables_mib, frontier.table_readers_mib, frontier.block_cache_mib,
          frontier.rss_after_trim_mib);
    }
    if (flags.skip_parse) continue;
    ParseResult parse;
    GLEANER_RETURN_IF_ERROR(flags.dir.empty() ? RunParse(flags, threads, &parse)
                                              : RunBareGumbo(flags, threads, &parse));
    PrintParse(flags, threads, parse);
    if (flags.skip_crawl) continue;
    double pages = static_cast<double>(crawl.summary.pages_fetched);
    wall_ratios.push_back((pages / crawl.seconds) / (parse.pages / parse.seconds));
    cpu_ratios.push_back((parse.cpu / parse.pages) / (crawl.crawler_cpu(flags) / pages));
    std::printf(
        "\ncrawl / parse: %.0f %% of the pages per second, %.0f %% per CPU-second "
        "(crawler CPU per page %.2fx the parse's)\n",
        100 * wall_ratios.back(), 100 * cpu_ratios.back(), 1 / cpu_ratios.back());
  }

  std::printf("\n| measure | value | goal |\n| --- | --- | --- |\n");
  if (!flags.skip_crawl) {
    double pages = static_cast<double>(first_crawl.summary.pages_fetched);
    std::printf("| crawl pages/s (round 1) | %.0f | |\n", pages / first_crawl.seconds);
    std::printf("| crawler CPU ms/page (round 1) | %.3f | |\n",
                1e3 * first_crawl.crawler_cpu(flags) / pages);
    std::printf("| crawl peak RSS | %.1f MiB | <= 256 MiB |\n", first_crawl.peak_rss_mib);
  }
  if (!wall_ratios.empty()) {
    const char* of = flags.rounds > 1 ? "median of rounds" : "one round";
    std::printf("| crawl / parse, pages per second (%s) | %.0f %% | >= 70 %% |\n", of,
                100 * Median(wall_ratios));
    std::printf("| crawl / parse, pages per CPU-second (%s) | %.0f %% | >= 70 %% |\n", of,
                100 * Median(cpu_ratios));
    std::vector<double> cpu_multiples;
    for (double ratio : cpu_ratios) cpu_multiples.push_back(1 / ratio);
    std::printf("| crawler CPU per page / parse CPU per page (%s) | %.2fx | %s |\n", of,
                Median(cpu_multiples), flags.dir.empty() ? "" : "<= 1.0x");
  }
  if (!flags.skip_frontier) {
    std::printf("| RSS added by %d queued URLs | %.1f MiB | <= 64 MiB |\n", flags.frontier_urls,
                frontier.rss_after_mib - frontier.rss_before_mib);
  }
  return Status::OK();
}

}  // namespace
}  // namespace gleaner::bench

int main(int argc, char** argv) {
  gleaner::bench::Flags flags;
  CLI::App app{"Crawl rate, bare parse rate and frontier RAM on the fixture site"};
  app.add_option("--pages", flags.pages, "fixture products")->check(CLI::Range(1, 10000000));
  app.add_option("--threads", flags.threads, "crawler worker and parse threads (0: cores)");
  app.add_option("--connections", flags.connections, "concurrency and per-host limit")
      ->check(CLI::Range(1, 1024));
  app.add_option("--fixture-threads", flags.fixture_threads, "site serving threads")
      ->check(CLI::Range(1, 64));
  app.add_flag("--external-fixture", flags.external_fixture,
               "serve the site from a gleaner-fixture process, so the crawler's CPU stands alone");
  app.add_flag("--gzip-per-request", flags.gzip_per_request,
               "the site gzips every response instead of serving pages compressed at start-up");
  app.add_option("--fixture-binary", flags.fixture_binary, "the gleaner-fixture to run");
  app.add_option("--job", flags.job_path, "job spec; {{site}} becomes the site's base URL");
  app.add_option("--dir", flags.dir,
                 "crawl the pages below this directory (served with FILE.gz copies) instead of "
                 "the shop; the bare parse is then Gumbo's alone")
      ->check(CLI::ExistingDirectory);
  app.add_option("--frontier-urls", flags.frontier_urls, "URLs pushed in the frontier phase");
  app.add_option("--rounds", flags.rounds, "crawl and parse phases, alternating")
      ->check(CLI::Range(1, 100));
  app.add_flag("--skip-crawl", flags.skip_crawl);
  app.add_flag("--skip-parse", flags.skip_parse);
  app.add_flag("--skip-frontier", flags.skip_frontier);
  CLI11_PARSE(app, argc, argv);
  if (flags.job_path.empty()) flags.job_path = flags.dir.empty() ? GLEANER_DEMO_JOB : GLEANER_REAL_PAGES_JOB;
  gleaner::testing::TempDir served;  // holds the copy of --dir for the whole run
  gleaner::Status status;
  if (!flags.dir.empty()) {
    flags.served_dir = served / "site";
    status = gleaner::bench::CopyWithGzip(flags.dir, flags.served_dir);
  }
  if (status.ok()) status = gleaner::bench::Run(flags);
  if (!status.ok()) {
    std::fprintf(stderr, "crawl_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
