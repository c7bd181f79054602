#include "tests/distributed/worker_cluster.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "schema/gleaner_service.grpc.pb.h"
#include "tests/crawl/crawl_test_util.h"

namespace gleaner::testing {

const char* kFastPoliteness = "{concurrency: 2, per_host: 8, delay_ms: 0}";
const char* kSlowPoliteness = "{concurrency: 2, per_host: 8, delay_ms: 20}";

std::string SiteJob(const demo::FixtureSite& site, const std::string& politeness) {
  std::string seeds;
  for (int host = 0; host < site.host_count(); ++host) {
    seeds += (host > 0 ? ", \"" : "\"") + site.BaseUrl(host) + "/\"";
  }
  return "name: shop\nsources:\n  - kind: html\n    seeds: [" + seeds +
         "]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml + "politeness: " + politeness +
         "\nretry: {attempts: 2, backoff_ms: 10}\n";
}

ShopCluster::ShopCluster(const Options& options) : redis(options.redis_aof) {
  demo::FixtureOptions site_options;
  site_options.pages = options.pages;
  site_options.hosts = options.hosts;
  site_options.threads = options.site_threads;
  REQUIRE(demo::FixtureSite::Start(site_options, &site).ok());
  job = WriteJob(dir, "shop.yaml", SiteJob(*site, options.politeness) + options.extra_yaml);
}

std::unique_ptr<ChildProcess> StartWorker(const RedisServer& redis, const std::string& ingest,
                                          const std::string& job, int lease_s) {
  auto worker = std::make_unique<ChildProcess>();
  worker->Start({GLEANER_BINARY, "worker", "--redis", redis.url(), "--ingest", ingest, "--job", job,
                 "--lease-s", std::to_string(lease_s)});
  return worker;
}

ProcessResult ExpectExit0(ChildProcess& worker) {
  ProcessResult r = worker.Wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  return r;
}

v1::StatsResponse WaitForStats(const std::string& address, const std::string& what,
                               const std::function<bool(const v1::StatsResponse&)>& done) {
  auto stub =
      v1::IngestService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  v1::StatsResponse stats;
  for (int i = 0; i < 1200; ++i) {
    grpc::ClientContext context;
    stats.Clear();
    if (stub->Stats(&context, v1::StatsRequest(), &stats).ok() && done(stats)) return stats;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("the server's stats never showed " << what << "; last seen " << stats.ShortDebugString());
  return stats;
}

void WaitForRecords(const std::string& address, uint64_t n) {
  WaitForStats(address, std::to_string(n) + " records",
               [n](const v1::StatsResponse& stats) { return stats.records() >= n; });
}

std::unique_ptr<BackgroundProcess> StartServeAt(int port, const std::string& data) {
  auto server = std::make_unique<BackgroundProcess>(std::vector<std::string>{
      GLEANER_BINARY, "serve", "--listen", "127.0.0.1:" + std::to_string(port), "--data", data});
  while (auto line = server->ReadLine()) {
    if (line->rfind("listening on ", 0) == 0) return server;
  }
  FAIL("gleaner serve did not start");
  return nullptr;
}

std::map<std::string, std::vector<std::string>> RecordsByUrl(const std::string& data) {
  std::map<std::string, std::vector<std::string>> out;
  for (auto rec : DumpRecords(data, "shop")) {
    rec.erase("fetch_time");
    out[rec["source_url"]].push_back(rec.dump());
  }
  for (auto& [url, records] : out) std::sort(records.begin(), records.end());
  return out;
}

void ExpectRecordsOfOneCrawl(const std::string& job, const std::string& served,
                             const std::string& crawled, size_t min_urls) {
  // The job without its delay between requests: the delay paces the workers
  // so that a test can act mid-crawl, and changes nothing the crawl stores.
  static const std::regex kDelay(R"(delay_ms: *[0-9]+)");
  const std::string reference =
      (std::filesystem::path(job).parent_path() / "reference.yaml").string();
  WriteFile(reference, std::regex_replace(ReadFile(job), kDelay, "delay_ms: 0"));
  ProcessResult crawl = Gleaner({"crawl", reference, "--data", crawled});
  INFO(crawl.err);
  REQUIRE(crawl.exit_code == 0);
  auto one_crawl = RecordsByUrl(crawled);
  CHECK(one_crawl.size() > min_urls);
  CHECK(RecordsByUrl(served) == one_crawl);
}

}  // namespace gleaner::testing
