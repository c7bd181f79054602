// Pieces of a multi-machine crawl for tests, all on 127.0.0.1: the fixture
// shop as a job, `gleaner worker` and `gleaner serve` children, and what a
// server stored, keyed by URL, to compare with a single-process crawl.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "demo/fixture_site.h"
#include "schema/gleaner_service.pb.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/child_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {

// Two requests at a time per worker and eight on a host, so that every
// worker gets some of it.
extern const char* kFastPoliteness;
// 20 ms between requests on a host, job-wide: the 200 pages take seconds, so
// a test can act mid-crawl.
extern const char* kSlowPoliteness;

// The job "shop": product records from the site, seeded with the home page of
// every host, under `politeness` (a YAML flow map).
std::string SiteJob(const demo::FixtureSite& site, const std::string& politeness);

// What every multi-machine test starts from: the fixture shop on 127.0.0.1,
// the job "shop" over it (SiteJob under `politeness`, then `extra_yaml`)
// written as shop.yaml into a temporary directory, and a redis-server.
// Members are destroyed in reverse: Redis stops, then the directory goes.
struct ShopCluster {
  struct Options {
    int pages = 200;
    std::string politeness = kSlowPoliteness;
    std::string extra_yaml = "";  // none: the job is SiteJob alone
    int hosts = 1;
    int site_threads = 1;
    bool redis_aof = false;
  };

  explicit ShopCluster(const Options& options);

  std::unique_ptr<demo::FixtureSite> site;
  TempDir dir;
  std::string job;  // the job file
  RedisServer redis;
};

// `gleaner worker` on `redis`, shipping to `ingest`. A short lease by default:
// the URLs of a killed worker come back within seconds.
std::unique_ptr<ChildProcess> StartWorker(const RedisServer& redis, const std::string& ingest,
                                          const std::string& job, int lease_s = 2);

// Waits for the worker and checks it exited 0 (its output shown otherwise).
ProcessResult ExpectExit0(ChildProcess& worker);

// Polls the server's IngestService.Stats over one channel until `done` holds
// for them and returns them; the bound (60 s) only stops a hung test, which
// then fails naming `what`. A look costs a gRPC call, not a process start.
v1::StatsResponse WaitForStats(const std::string& address, const std::string& what,
                               const std::function<bool(const v1::StatsResponse&)>& done);

// WaitForStats until the server stored `n` records.
void WaitForRecords(const std::string& address, uint64_t n);

// `gleaner serve` on a fixed port, so that it can come back at the same
// address; returns once it listens.
std::unique_ptr<BackgroundProcess> StartServeAt(int port, const std::string& data);

// url -> the records of job "shop" extracted from it, without their fetch
// times, in a fixed order: a duplicate shows as an extra element.
std::map<std::string, std::vector<std::string>> RecordsByUrl(const std::string& data);

// Crawls `job` alone with `gleaner crawl` into the store `crawled` (without
// its politeness delay, which changes nothing stored), and checks
// that the store `served` holds exactly its records (per URL, each once), and
// that the crawl stored records of more than `min_urls` URLs.
void ExpectRecordsOfOneCrawl(const std::string& job, const std::string& served,
                             const std::string& crawled, size_t min_urls);

}  // namespace gleaner::testing
