#include "crawler/engine/crawl_engine.h"

#include <xxhash.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "common/coding.h"
#include "common/curl_library.h"
#include "crawler/engine/backoff.h"
#include "crawler/engine/page_processor.h"
#include "crawler/engine/store_crawl_output.h"
#include "crawler/fetch/fetch_thread.h"
#include "crawler/fetch/validators.h"
#include "crawler/frontier/run_tally.h"
#include "crawler/robots/robots_rules.h"
#include "crawler/url/url_normalizer.h"
#include "storage/job_writer.h"  // NowMicros

namespace gleaner::crawler {
namespace asio = boost::asio;

namespace {

// RFC 9309 section 2.4: robots.txt may be cached for up to 24 hours.
constexpr int64_t kRobotsTtlMicros = 24LL * 3600 * 1000000;

int64_t NowMicros() { return storage::NowMicros(); }

uint64_t ContentHash(const std::vector<v1::Field>& fields) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::string buf;
  for (const auto& f : fields) {
    f.SerializeToString(&buf);
    XXH3_64bits_update(state, buf.data(), buf.size());
  }
  uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

// What a page extracted, as a whole: the hash of its records' content hashes
// in order. Never 0, which a FrontierItem holds for "not known".
uint64_t PageSignature(const std::vector<v1::Record>& records) {
  std::string hashes;
  for (const auto& record : records) PutFixed64BE(&hashes, record.content_hash());
  const uint64_t h = XXH3_64bits(hashes.data(), hashes.size());
  return h == 0 ? 1 : h;
}

// A lease that expired and was claimed again (a frontier shared by workers)
// belongs to another worker now: giving it back is moot, not a failure.
bool LeaseLost(const Status& s) { return s.code() == Status::Code::kAborted; }

bool LooksLikeHtml(const std::string& content_type) {
  return content_type.empty() || content_type.find("html") != std::string::npos ||
         content_type.find("xml") != std::string::npos;
}

}  // namespace

class CrawlEngine::Impl {
 public:
  Impl(storage::StagingStore* store, Frontier* frontier, CrawlOutput* output, JobConfig job,
       CrawlOptions options)
      : store_(store),
        frontier_(frontier),
        output_(output),
        job_(std::move(job)),
        options_(options),
        pump_timer_(io_),
        progress_timer_(io_),
        lease_timer_(io_),
        rng_(std::random_device{}()) {}

  Status Run(CrawlSummary* summary);
  void Stop() {
    asio::post(io_, [this] {
      summary_.stopped = true;
      stopping_ = true;
      MaybeFinish();
    });
  }

 private:
  struct HostRobots {
    enum class State { kUnknown, kFetching, kReady } state = State::kUnknown;
    RobotsRules rules = RobotsRules::AllowAll();
    std::vector<Lease> parked;  // leases waiting for robots.txt
  };

  Status Prepare();
  void Pump();
  void ArmPump(int64_t at_micros);
  void Dispatch(Lease lease);
  // The least time between two request starts on a host: the job's delay, or
  // its robots.txt Crawl-delay when longer.
  int64_t HostDelayMicros(const RobotsRules& rules) const;
  // The politeness fields of a request to `host_key`: the fetcher starts it
  // no sooner than the host's delay after the last request to that host.
  void SpaceStarts(const std::string& host_key, FetchRequest* req);
  void FetchRobots(const std::string& host_key);
  void OnRobots(const std::string& host_key, FetchResult r);
  void Fetch(Lease lease);
  void OnFetched(Lease lease, FetchResult r);
  // A 304 to the conditional request: nothing to extract; the output gets
  // the page, marked not modified, so the URL's stored records stand.
  void OnNotModified(Lease lease, FetchResult r);
  // The page `r` answered for `lease`, at `page_url`, without its body.
  v1::Page PageOf(const Lease& lease, const FetchResult& r, const std::string& page_url,
                  int64_t fetched_at) const;
  // The page's own URL: where its redirects ended, normalized, or the item's.
  std::string PageUrl(const Lease& lease, const std::string& final_url) const;
  // Hands `page` to the output; a refusal stops the run and abandons `lease`.
  bool AddPage(const Lease& lease, v1::Page page);
  // A fetched page waiting for the parse pool, shared with the pool's task.
  struct ParseJob {
    std::shared_ptr<FetchResult> result;
    std::shared_ptr<Lease> lease;
  };
  void ParseWhenBudgetAllows(ParseJob job);
  // Whether a body of `bytes` may start parsing now. The first page always
  // may, or a page over the budget would wait forever.
  bool ParseFits(size_t bytes) const {
    return parse_bytes_ == 0 || parse_bytes_ + bytes <= options_.parse_budget_bytes;
  }
  void OnProcessed(Lease lease, const FetchResult& r, PageOutcome outcome);
  void Retry(Lease lease, const FetchResult& r);
  void Fail(const Lease& lease, v1::ErrorKind kind, const FetchResult* r,
            const std::string& message);
  void Finish(const Lease& lease);  // the output completes it; then the next
  // The run stops on an error and will not finish `lease`: nothing may keep
  // it alive (another run or worker takes it once it expires).
  void Abandon(const Lease& lease);
  void Commit();
  void Poll();
  void MaybeFinish();
  void ReportProgress(bool final_line);
  void KeepLeases();
  // Whether robots.txt lets the crawl follow a redirect to `url`; thread-safe.
  bool Allowed(const NormalizedUrl& url);
  // `host_key`'s robots.txt is known now: its rules decide its pages.
  void RobotsReady(const std::string& host_key, HostRobots& hr);
  void EndRun();
  // Gives back `leases` untried: the run may not start them.
  void GiveBack(std::vector<Lease> leases);
  // The output's run, or this call's own when the output keeps none.
  v1::CrawlRun* run() {
    v1::CrawlRun* kept = output_->run();
    return kept != nullptr ? kept : &own_run_;
  }

  storage::StagingStore* store_;  // null when the caller gave a frontier and an output
  std::unique_ptr<StoreCrawlOutput> store_output_;
  Frontier* frontier_;
  CrawlOutput* output_;
  JobConfig job_;
  CrawlOptions options_;
  asio::io_context io_;
  std::unique_ptr<asio::thread_pool> pool_;
  // Body bytes being parsed now, and pages waiting for the parse budget
  // (CrawlOptions::parse_budget_bytes). Touched on io_ only.
  size_t parse_bytes_ = 0;
  std::deque<ParseJob> parse_waiting_;
  asio::steady_timer pump_timer_;
  int64_t pump_at_ = 0;
  asio::steady_timer progress_timer_;
  asio::steady_timer lease_timer_;  // when the frontier wants KeepLeases
  std::unique_ptr<PageProcessor> processor_;
  // Fetches run on a thread of their own; their callbacks come back to io_.
  std::unique_ptr<FetchThread> fetcher_;
  std::map<std::string, HostRobots> robots_;
  // The rules of each host whose robots.txt is known, for the redirect
  // policies, which run on the fetch thread (robots_ is io_'s alone).
  std::mutex ready_robots_mu_;
  std::unordered_map<std::string, std::shared_ptr<const RobotsRules>> ready_robots_;
  std::vector<std::vector<std::string>> source_headers_;
  size_t active_ = 0;  // leases being fetched, parked or processed
  v1::CrawlRun own_run_;
  bool max_pages_reached_ = false;
  // Permanent failures of this call by kind: how many, and the first message.
  RunTally failures_;
  bool stopping_ = false;
  bool finished_ = false;
  Status fatal_;
  CrawlSummary summary_;
  std::mt19937_64 rng_;
  int64_t started_micros_ = 0;
  int64_t last_progress_micros_ = 0;
  uint64_t last_progress_pages_ = 0;
};

CrawlEngine::CrawlEngine(storage::StagingStore* store, JobConfig job, CrawlOptions options)
    : impl_(std::make_unique<Impl>(store, nullptr, nullptr, std::move(job), options)) {}
CrawlEngine::CrawlEngine(Frontier* frontier, CrawlOutput* output, JobConfig job,
                         CrawlOptions options)
    : impl_(std::make_unique<Impl>(nullptr, frontier, output, std::move(job), options)) {}
CrawlEngine::~CrawlEngine() = default;
Status CrawlEngine::Run(CrawlSummary* summary) { return impl_->Run(summary); }
void CrawlEngine::Stop() { impl_->Stop(); }

Status CrawlEngine::Impl::Prepare() {
  // Without libcurl nothing can be parsed or fetched: the run fails with why.
  GLEANER_RETURN_IF_ERROR(SharedCurl(nullptr));
  GLEANER_RETURN_IF_ERROR(PageProcessor::Build(job_, &processor_));
  for (const auto& src : job_.sources) {
    std::vector<std::string> headers;
    for (const auto& [k, v] : src.headers) headers.push_back(k + ": " + v);
    if (!src.bearer_token_env.empty()) {
      const char* token = std::getenv(src.bearer_token_env.c_str());
      if (token == nullptr || *token == '\0') {
        return Status::InvalidArgument("environment variable " + src.bearer_token_env +
                                       " (the bearer token of " + src.url + ") is not set");
      }
      headers.push_back(std::string("Authorization: Bearer ") + token);
    }
    source_headers_.push_back(std::move(headers));
  }
  if (store_ != nullptr) {
    GLEANER_RETURN_IF_ERROR(
        StoreCrawlOutput::Open(store_, job_, options_.revisit_clock, &store_output_));
    frontier_ = store_output_->frontier();
    output_ = store_output_.get();
  }
  CurlAsioDriver::Limits limits;
  limits.max_total_connections = job_.politeness.concurrency;
  limits.max_host_connections = job_.politeness.per_host;
  HttpFetcher::Options fetch_options;
  fetch_options.ca_file = options_.ca_file;
  fetch_options.public_networks_only = options_.public_networks_only;
  fetcher_ = std::make_unique<FetchThread>(io_.get_executor(), limits, std::move(fetch_options));
  return Status::OK();
}

Status CrawlEngine::Impl::Run(CrawlSummary* summary) {
  started_micros_ = NowMicros();
  GLEANER_RETURN_IF_ERROR(Prepare());
  std::vector<v1::FrontierItem> seeds;
  GLEANER_RETURN_IF_ERROR(processor_->SeedItems(&seeds));
  GLEANER_RETURN_IF_ERROR(output_->Begin(seeds).Annotate("starting the crawl"));

  int threads = options_.worker_threads > 0 ? options_.worker_threads
                                            : std::max(1u, std::thread::hardware_concurrency());
  pool_ = std::make_unique<asio::thread_pool>(threads);
  output_->SetWakeup([this] { asio::post(io_, [this] { Poll(); }); });
  last_progress_micros_ = started_micros_;
  ReportProgress(false);
  asio::post(io_, [this] { Pump(); });
  KeepLeases();
  // io_ runs until MaybeFinish stops it. While every page in flight is being
  // parsed on the pool, io_ has no handler of its own pending and would
  // return early without this.
  auto keep_running = asio::make_work_guard(io_);
  io_.run();
  output_->SetWakeup(nullptr);
  pool_->join();

  summary_.duration_s = (NowMicros() - started_micros_) / 1e6;
  if (fatal_.ok()) {
    EndRun();
    Status s = output_->End(summary_.duration_s);
    if (!s.ok()) fatal_ = s.Annotate("committing crawl results");
  }
  ReportProgress(true);
  summary_.run = *run();
  *summary = summary_;
  return fatal_;
}

void CrawlEngine::Impl::Commit() {
  if (!fatal_.ok()) return;
  Status s = output_->Commit();
  if (!s.ok()) {
    fatal_ = s.Annotate("committing crawl results");
    stopping_ = true;
  }
}

void CrawlEngine::Impl::Poll() {
  if (finished_) return;
  Status s = output_->Poll();
  if (!s.ok() && fatal_.ok()) {
    fatal_ = s;
    stopping_ = true;
  }
  Pump();
}

void CrawlEngine::Impl::ArmPump(int64_t at_micros) {
  if (pump_at_ != 0 && pump_at_ <= at_micros) return;  // an earlier wake-up is already set
  pump_at_ = at_micros;
  pump_timer_.expires_after(
      std::chrono::microseconds(std::max<int64_t>(0, at_micros - NowMicros())));
  pump_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    pump_at_ = 0;
    Pump();
  });
}

void CrawlEngine::Impl::Pump() {
  // After an error no new URL is taken on: the ones under way end, then the run.
  if (stopping_ || finished_ || !fatal_.ok()) return MaybeFinish();
  const size_t limit = static_cast<size_t>(job_.politeness.concurrency);
  bool flushed = false;
  while (active_ < limit && !output_->Full()) {
    size_t wanted = limit - active_;
    if (job_.max_pages > 0) {
      const uint64_t started = run()->pages_started();
      if (started >= static_cast<uint64_t>(job_.max_pages)) {
        max_pages_reached_ = true;
        stopping_ = true;
        break;
      }
      wanted = std::min<uint64_t>(wanted, job_.max_pages - started);
    }
    std::vector<Lease> leases;
    int64_t next_ready = 0;
    Status s = frontier_->Claim(wanted, NowMicros(), &leases, &next_ready);
    if (s.ok() && leases.size() < wanted && !flushed) {
      // Links the output still holds back cannot be claimed: commit them, then claim again.
      bool items_released = false;
      s = output_->Flush(&items_released);
      flushed = true;
      if (s.ok() && items_released && leases.empty()) continue;
    }
    if (!s.ok()) {
      fatal_ = s;
      stopping_ = true;
      break;
    }
    if (next_ready) ArmPump(next_ready);
    if (leases.empty()) break;
    // A retry is the same page: max_pages counts the pages a run takes on.
    // Retries go first, so that any refused below are fresh ones.
    std::stable_partition(leases.begin(), leases.end(),
                          [](const Lease& l) { return l.item.attempts() > 0; });
    const uint64_t fresh = std::count_if(leases.begin(), leases.end(),
                                         [](const Lease& l) { return l.item.attempts() == 0; });
    uint64_t granted = fresh;
    if (fresh > 0) {
      s = output_->GrantPages(fresh, static_cast<uint64_t>(std::max<int64_t>(0, job_.max_pages)), &granted);
      if (!s.ok()) {
        fatal_ = s;
        granted = 0;
      }
    }
    if (granted < fresh) {
      GiveBack(std::vector<Lease>(std::make_move_iterator(leases.end() - (fresh - granted)),
                                  std::make_move_iterator(leases.end())));
      leases.resize(leases.size() - (fresh - granted));
      // The run's budget is spent where the output counts it (job-wide).
      if (fatal_.ok()) max_pages_reached_ = true;
      stopping_ = true;
    }
    run()->set_pages_started(run()->pages_started() + granted);
    for (auto& lease : leases) {
      ++active_;
      Dispatch(std::move(lease));
    }
    if (stopping_) break;
  }
  MaybeFinish();
}

void CrawlEngine::Impl::Dispatch(Lease lease) {
  if (!job_.politeness.robots) return Fetch(std::move(lease));
  std::string host = lease.item.host_key();
  HostRobots& hr = robots_[host];
  if (hr.state == HostRobots::State::kUnknown) {
    std::string cached;
    if (output_->GetRobots(host, kRobotsTtlMicros, &cached).ok() &&
        RobotsRules::Deserialize(cached, &hr.rules).ok()) {
      RobotsReady(host, hr);
      if (hr.rules.crawl_delay_seconds()) frontier_->SetHostDelay(host, HostDelayMicros(hr.rules));
    } else {
      hr.state = HostRobots::State::kFetching;
      hr.parked.push_back(std::move(lease));
      return FetchRobots(host);
    }
  }
  if (hr.state == HostRobots::State::kFetching) {
    hr.parked.push_back(std::move(lease));
    return;
  }
  if (!hr.rules.IsAllowed(PathAndQuery(lease.item.url()))) {
    summary_.robots_blocked++;
    output_->stats()->set_robots_blocked(output_->stats()->robots_blocked() + 1);
    return Fail(lease, v1::ERROR_ROBOTS_BLOCKED, nullptr, "disallowed by robots.txt");
  }
  Fetch(std::move(lease));
}

int64_t CrawlEngine::Impl::HostDelayMicros(const RobotsRules& rules) const {
  const int64_t delay = job_.politeness.delay_ms * 1000LL;
  const auto crawl_delay = rules.crawl_delay_seconds();
  return crawl_delay ? std::max<int64_t>(delay, static_cast<int64_t>(*crawl_delay * 1e6)) : delay;
}

void CrawlEngine::Impl::SpaceStarts(const std::string& host_key, FetchRequest* req) {
  const auto robots = robots_.find(host_key);
  req->host_key = host_key;
  req->start_gap = std::chrono::microseconds(robots == robots_.end()
                                                 ? job_.politeness.delay_ms * 1000LL
                                                 : HostDelayMicros(robots->second.rules));
}

void CrawlEngine::Impl::FetchRobots(const std::string& host_key) {
  FetchRequest req;
  SpaceStarts(host_key, &req);
  req.url = host_key + "/robots.txt";
  req.user_agent = job_.politeness.user_agent;
  req.limits = job_.limits;
  // RFC 9309 2.5: a longer robots.txt is read up to the cap, not refused. The
  // wire cap leaves room for encoding overhead, so only the decoded one ends
  // an ordinary file.
  req.keep_body_prefix = true;
  req.limits.max_decompressed_bytes = kRobotsFetchBytes;
  req.limits.max_body_bytes = 2 * kRobotsFetchBytes;
  fetcher_->Fetch(std::move(req),
                  [this, host_key](FetchResult r) { OnRobots(host_key, std::move(r)); });
}

void CrawlEngine::Impl::OnRobots(const std::string& host_key, FetchResult r) {
  HostRobots& hr = robots_[host_key];
  std::vector<Lease> parked = std::move(hr.parked);
  hr.parked.clear();
  int64_t now = NowMicros();
  // RFC 9309 2.3.1: 4xx means no rules; 5xx or unreachable means assume
  // complete disallow for now, so the waiting pages are retried later, unless
  // asking again cannot help (e.g. a private address this crawl may not reach).
  bool unreachable = r.curl_code != CURLE_OK || r.status >= 500;
  if (unreachable) {
    hr.state = HostRobots::State::kUnknown;
    for (auto& lease : parked) {
      FetchResult why = r;
      if (why.error.empty()) why.error = "unreachable";
      why.error = "robots.txt: " + why.error;
      if (r.retryable() && static_cast<int>(lease.item.attempts()) + 1 < job_.retry.attempts) {
        Retry(std::move(lease), why);
      } else {
        lease.item.set_attempts(lease.item.attempts() + 1);
        // A host that cannot be reached fails its pages for that reason (the
        // page itself would fail the same way); one that answers 5xx for
        // robots.txt keeps its pages unavailable, which is not a disallow.
        Fail(lease, r.curl_code == CURLE_OK ? v1::ERROR_ROBOTS_UNAVAILABLE : r.error_kind, &why,
             why.error);
      }
    }
    return;
  }
  hr.rules = (r.status >= 200 && r.status < 300)
                 ? RobotsRules::Parse(r.body, job_.politeness.user_agent)
                 : RobotsRules::AllowAll();
  RobotsReady(host_key, hr);
  size_t added = 0;
  Status pushed =
      frontier_->Push(processor_->RobotsSitemapItems(host_key, hr.rules.sitemaps()), &added);
  if (!pushed.ok()) fatal_ = pushed;
  Status cached = output_->PutRobots(host_key, hr.rules.Serialize(), kRobotsTtlMicros);
  if (!cached.ok()) fatal_ = cached;
  const int64_t delay = HostDelayMicros(hr.rules);
  if (hr.rules.crawl_delay_seconds()) frontier_->SetHostDelay(host_key, delay);
  // The robots.txt request used this host's politeness slot.
  frontier_->PauseHost(host_key, now + delay);
  for (auto& lease : parked) {
    Status s = frontier_->Release(lease, now);
    if (!s.ok() && !LeaseLost(s)) fatal_ = s;
    --active_;
    // Given back untried, it counts toward max_pages when claimed again.
    if (lease.item.attempts() == 0) {
      run()->set_pages_started(run()->pages_started() - 1);
      output_->UngrantPages(1);
    }
  }
  Commit();
  Pump();
}

void CrawlEngine::Impl::RobotsReady(const std::string& host_key, HostRobots& hr) {
  hr.state = HostRobots::State::kReady;
  auto rules = std::make_shared<const RobotsRules>(hr.rules);
  std::lock_guard<std::mutex> lock(ready_robots_mu_);
  ready_robots_[host_key] = std::move(rules);
}

bool CrawlEngine::Impl::Allowed(const NormalizedUrl& url) {
  if (!job_.politeness.robots) return true;
  std::shared_ptr<const RobotsRules> rules;
  {
    std::lock_guard<std::mutex> lock(ready_robots_mu_);
    auto it = ready_robots_.find(url.host_key);
    if (it == ready_robots_.end()) return true;
    rules = it->second;
  }
  return rules->IsAllowed(url.path_and_query);
}

void CrawlEngine::Impl::Fetch(Lease lease) {
  FetchRequest req;
  SpaceStarts(lease.item.host_key(), &req);
  req.url = lease.item.url();
  req.user_agent = job_.politeness.user_agent;
  req.limits = job_.limits;
  uint32_t source = lease.item.source();
  if (source < source_headers_.size()) req.headers = source_headers_[source];
  req.validators.etag = lease.item.etag();
  req.validators.last_modified = lease.item.last_modified();
  const CrawlScope* scope = processor_->scope(source);
  uint32_t depth = lease.item.depth();
  NormalizeOptions norm;
  norm.strip_tracking_params = job_.strip_tracking_params;
  // Runs on the fetch thread: it reads nothing io_ changes but ready_robots_.
  req.redirect_policy = [this, scope, depth, norm](const std::string& next) -> std::string {
    NormalizedUrl normalized;
    Status s = NormalizeUrl(next, norm, &normalized);
    if (!s.ok()) return s.message();
    if (scope) {
      std::string why = scope->Check(normalized, depth);
      if (!why.empty()) return why;
    }
    if (!Allowed(normalized)) return "disallowed by robots.txt";
    return "";
  };
  fetcher_->Fetch(std::move(req), [this, lease = std::move(lease)](FetchResult r) mutable {
    OnFetched(std::move(lease), std::move(r));
  });
}

void CrawlEngine::Impl::OnFetched(Lease lease, FetchResult r) {
  v1::JobStats* stats = output_->stats();
  if (r.status > 0) {
    ++summary_.pages_fetched;
    ++summary_.status_counts[static_cast<int>(r.status)];
    ++summary_.http_versions[r.http_version];
    stats->set_pages_fetched(stats->pages_fetched() + 1);
    (*stats->mutable_status_counts())[static_cast<int>(r.status)]++;
  }
  summary_.bytes_fetched += r.wire_bytes;
  stats->set_bytes_fetched(stats->bytes_fetched() + r.wire_bytes);
  run()->set_bytes(run()->bytes() + r.wire_bytes);
  if (r.ok()) run()->set_pages_ok(run()->pages_ok() + 1);
  output_->CountFetch(r.ok(), r.wire_bytes);

  if (!r.ok()) {
    if (r.retryable() && static_cast<int>(lease.item.attempts()) + 1 < job_.retry.attempts) {
      return Retry(std::move(lease), r);
    }
    lease.item.set_attempts(lease.item.attempts() + 1);
    return Fail(lease, r.error_kind, &r, r.error);
  }
  lease.item.set_attempts(lease.item.attempts() + 1);
  if (r.not_modified) return OnNotModified(std::move(lease), std::move(r));
  bool is_json = job_.sources[lease.item.source()].kind == SourceSpec::Kind::kJson;
  if (!is_json && !lease.item.is_sitemap() && !LooksLikeHtml(r.content_type)) {
    return Finish(lease);  // an image or a PDF behind a link: fetched, nothing to extract
  }
  ParseWhenBudgetAllows(ParseJob{std::make_shared<FetchResult>(std::move(r)),
                                 std::make_shared<Lease>(std::move(lease))});
}

void CrawlEngine::Impl::OnNotModified(Lease lease, FetchResult r) {
  ++summary_.pages_not_modified;
  v1::JobStats* stats = output_->stats();
  stats->set_pages_not_modified(stats->pages_not_modified() + 1);
  run()->set_pages_not_modified(run()->pages_not_modified() + 1);
  v1::Page page = PageOf(lease, r, PageUrl(lease, r.final_url), NowMicros());
  page.set_not_modified(true);
  if (AddPage(lease, std::move(page))) Finish(lease);
}

std::string CrawlEngine::Impl::PageUrl(const Lease& lease, const std::string& final_url) const {
  // Without a redirect the page is at its item's URL, already in normal form.
  std::string page_url = lease.item.url();
  if (final_url != page_url &&
      !NormalizeUrl(final_url, {job_.strip_tracking_params}, &page_url).ok()) {
    page_url = lease.item.url();
  }
  return page_url;
}

v1::Page CrawlEngine::Impl::PageOf(const Lease& lease, const FetchResult& r,
                                   const std::string& page_url, int64_t fetched_at) const {
  v1::Page page;
  page.set_job(job_.name);
  page.set_url(lease.item.url());
  page.set_final_url(page_url);
  for (const auto& hop : r.redirects) page.add_redirects(hop);
  page.set_status(static_cast<int32_t>(r.status));
  for (const auto& h : r.headers) *page.add_headers() = h;
  *page.mutable_timings() = r.timings;
  page.set_fetch_time_micros(fetched_at);
  page.set_depth(lease.item.depth());
  return page;
}

bool CrawlEngine::Impl::AddPage(const Lease& lease, v1::Page page) {
  if (!fatal_.ok()) {
    Abandon(lease);
    return false;
  }
  const std::string page_url = page.final_url();
  // A page the output refuses leaves its writer unable to commit: stop now,
  // with the cause, as for a record.
  Status added = output_->AddPage(std::move(page));
  if (added.ok()) return true;
  fatal_ = added.Annotate("storing page " + page_url);
  stopping_ = true;
  Abandon(lease);
  return false;
}

void CrawlEngine::Impl::ParseWhenBudgetAllows(ParseJob job) {
  size_t bytes = job.result->body.size();
  if (!ParseFits(bytes)) {
    parse_waiting_.push_back(std::move(job));
    return;
  }
  parse_bytes_ += bytes;
  summary_.peak_parse_bytes = std::max<uint64_t>(summary_.peak_parse_bytes, parse_bytes_);
  asio::post(*pool_, [this, result = job.result, held = job.lease, bytes] {
    std::string page_url = PageUrl(*held, result->final_url);
    auto outcome =
        std::make_shared<PageOutcome>(processor_->Process(held->item, page_url, result->body));
    result->final_url = page_url;
    asio::post(io_, [this, result, held, outcome, bytes] {
      parse_bytes_ -= bytes;
      while (!parse_waiting_.empty() && ParseFits(parse_waiting_.front().result->body.size())) {
        ParseJob next = std::move(parse_waiting_.front());
        parse_waiting_.pop_front();
        ParseWhenBudgetAllows(std::move(next));
      }
      OnProcessed(std::move(*held), *result, std::move(*outcome));
    });
  });
}

void CrawlEngine::Impl::OnProcessed(Lease lease, const FetchResult& r, PageOutcome outcome) {
  if (!fatal_.ok()) return Abandon(lease);
  if (!outcome.parse_error.empty()) {
    return Fail(lease, v1::ERROR_PARSE, &r, outcome.parse_error);
  }
  if (outcome.links_over_cap > 0) {
    summary_.links_over_cap += outcome.links_over_cap;
    v1::JobStats* stats = output_->stats();
    stats->set_links_over_cap(stats->links_over_cap() + outcome.links_over_cap);
  }
  const std::string& page_url = r.final_url;
  bool duplicate = false;
  Status s;
  // Content reached through a redirect is extracted once, at the address the
  // redirect ended on.
  if (page_url != lease.item.url()) s = frontier_->MarkSeen(page_url, &duplicate);
  // The seen mark may be this page's own, left by a worker that died before
  // its records were durable: an output that keeps each record once takes
  // them again rather than risk losing them.
  if (output_->records_idempotent()) duplicate = false;
  size_t added = 0;
  if (s.ok() && !duplicate) s = frontier_->Push(outcome.links, &added);
  if (s.ok() && !duplicate) s = output_->AddPageLinks(page_url, outcome.links);
  if (!s.ok()) {
    fatal_ = s;
    stopping_ = true;
    return Abandon(lease);
  }
  int64_t fetched_at = NowMicros();
  if (!duplicate) {
    // A page naming another canonical URL leaves its records to that URL
    // (queued among its links); it is stored with none, so later runs still
    // revisit it and see if it stops being a copy.
    if (!outcome.canonical.empty()) outcome.records.clear();
    std::vector<v1::Record> records(outcome.records.size());
    for (size_t i = 0; i < outcome.records.size(); ++i) {
      v1::Record& rec = records[i];
      rec.set_job(job_.name);
      rec.set_source_url(page_url);
      rec.set_fetch_time_micros(fetched_at);
      rec.set_index_in_page(static_cast<uint32_t>(i));
      rec.set_content_hash(ContentHash(outcome.records[i]));
      for (auto& f : outcome.records[i]) *rec.add_fields() = std::move(f);
    }
    // The URL as the next run queues it: with this response's validators and
    // what it extracted, so a revisit asks conditionally and can tell a page
    // whose records are all the same.
    v1::FrontierItem fetched = lease.item;
    const Validators validators = ValidatorsOf(r.headers);
    fetched.set_etag(validators.etag);
    fetched.set_last_modified(validators.last_modified);
    fetched.set_signature(PageSignature(records));
    fetched.set_record_count(static_cast<uint32_t>(records.size()));
    Status added_records = output_->AddPageRecords(fetched, page_url, records);
    if (!added_records.ok()) {
      fatal_ = added_records;
      stopping_ = true;
      return Abandon(lease);
    }
    summary_.records += records.size();
  }
  if (job_.store_pages) {
    v1::Page page = PageOf(lease, r, page_url, fetched_at);
    page.set_body(r.body);
    if (!AddPage(lease, std::move(page))) return;
  }
  Finish(lease);
}

void CrawlEngine::Impl::Retry(Lease lease, const FetchResult& r) {
  int64_t now = NowMicros();
  lease.item.set_attempts(lease.item.attempts() + 1);
  int64_t delay = BackoffMicros(job_.retry, static_cast<int>(lease.item.attempts()),
                                std::uniform_real_distribution<double>(0, 1)(rng_));
  if (r.status == 429 || r.status == 503) {
    double after = ParseRetryAfter(r.retry_after, now / 1000000);
    if (after >= 0) {
      delay = static_cast<int64_t>(after * 1e6);
      frontier_->PauseHost(lease.item.host_key(), now + delay);
    }
  }
  ++summary_.retries;
  v1::JobStats* stats = output_->stats();
  stats->set_retries(stats->retries() + 1);
  Status s = frontier_->Release(lease, now + delay);
  if (!s.ok() && !LeaseLost(s)) fatal_ = s;
  --active_;
  Commit();
  ArmPump(now + delay);
  Pump();
}

void CrawlEngine::Impl::Fail(const Lease& lease, v1::ErrorKind kind, const FetchResult* r,
                             const std::string& message) {
  v1::FetchError e;
  e.set_job(job_.name);
  e.set_url(lease.item.url());
  e.set_kind(kind);
  if (r) {
    e.set_http_status(static_cast<int32_t>(r->status));
    e.set_curl_code(static_cast<int32_t>(r->curl_code));
  }
  e.set_message(message);
  e.set_attempts(lease.item.attempts());
  e.set_time_micros(NowMicros());
  Status s = output_->AddError(lease.item, e);
  if (!s.ok()) fatal_ = s;
  ++summary_.errors;
  failures_.AddFailures(kind, 1, message);
  Finish(lease);
}

void CrawlEngine::Impl::Finish(const Lease& lease) {
  if (!fatal_.ok()) return Abandon(lease);
  // Refused, the lease stays the output's: a worker's completes it later.
  Status s = output_->Finish(lease);
  if (!s.ok()) {
    fatal_ = s.Annotate("committing crawl results");
    stopping_ = true;
  }
  --active_;
  Pump();
}

void CrawlEngine::Impl::Abandon(const Lease& lease) {
  frontier_->Abandon(lease);
  --active_;
  MaybeFinish();
}

void CrawlEngine::Impl::GiveBack(std::vector<Lease> leases) {
  const int64_t now = NowMicros();
  for (const auto& lease : leases) {
    Status s = frontier_->Release(lease, now);
    if (!s.ok() && !LeaseLost(s)) fatal_ = s;
  }
}

void CrawlEngine::Impl::EndRun() {
  // Stopped, the run goes on at the next call; else the frontier is empty or
  // max_pages was reached.
  if (summary_.stopped || (!max_pages_reached_ && !frontier_->Done())) return;
  v1::CrawlRun* r = run();
  // A run that asked for nothing (every known URL carried over) did not fail.
  if (output_->run() != nullptr && r->pages_ok() == 0 &&
      (r->pages_started() > 0 || r->pages_carried_over() == 0)) {
    summary_.failed = true;
    summary_.end_reason = "no page fetched" + failures_.DescribeFailures();
    r->set_end(v1::CrawlRun::NOTHING_FETCHED);
  } else if (!frontier_->Done()) {
    summary_.max_pages_reached = true;
    summary_.end_reason = "max_pages (" + std::to_string(job_.max_pages) + ") reached";
    r->set_end(v1::CrawlRun::MAX_PAGES);
  } else {
    r->set_end(v1::CrawlRun::COMPLETE);
  }
  r->set_end_reason(summary_.end_reason);
}

void CrawlEngine::Impl::MaybeFinish() {
  if (finished_ || active_ > 0) return;
  bool over = stopping_ || !fatal_.ok() || frontier_->Done();
  if (!over) return;
  finished_ = true;
  pump_timer_.cancel();
  progress_timer_.cancel();
  lease_timer_.cancel();
  io_.stop();
}

void CrawlEngine::Impl::ReportProgress(bool final_line) {
  if (options_.progress == nullptr) return;
  int64_t now = NowMicros();
  double dt = (now - last_progress_micros_) / 1e6;
  double rate = dt > 0 ? (summary_.pages_fetched - last_progress_pages_) / dt : 0;
  if (final_line) rate = summary_.pages_fetched / std::max(1e-6, (now - started_micros_) / 1e6);
  last_progress_micros_ = now;
  last_progress_pages_ = summary_.pages_fetched;
  FrontierStats fs = frontier_ ? frontier_->Stats() : FrontierStats{};
  char line[256];
  snprintf(line, sizeof line, "%s: %llu done, %llu queued, %.1f pages/s, %llu errors, %.1f MiB",
           job_.name.c_str(), static_cast<unsigned long long>(summary_.pages_fetched),
           static_cast<unsigned long long>(fs.queued), rate,
           static_cast<unsigned long long>(summary_.errors), summary_.bytes_fetched / 1048576.0);
  if (options_.progress_is_tty) {
    *options_.progress << "\r\033[K" << line << (final_line ? "\n" : "") << std::flush;
  } else if (!final_line) {
    *options_.progress << line << '\n' << std::flush;
  }
  if (final_line) return;
  progress_timer_.expires_after(std::chrono::milliseconds(options_.progress_is_tty ? 500 : 5000));
  progress_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) ReportProgress(false);
  });
}

void CrawlEngine::Impl::KeepLeases() {
  // A failed renewal is not the crawl's failure: at worst a lease expires and
  // another worker fetches that page again (its records are stored once).
  int64_t next = 0;
  Status kept = frontier_->KeepLeases(NowMicros(), &next);
  if (!kept.ok() && options_.progress != nullptr && !options_.progress_is_tty) {
    *options_.progress << "renewing leases failed: " << kept.message() << '\n' << std::flush;
  }
  if (next == 0) return;
  lease_timer_.expires_after(std::chrono::microseconds(std::max<int64_t>(0, next - NowMicros())));
  lease_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) KeepLeases();
  });
}

}  // namespace gleaner::crawler
