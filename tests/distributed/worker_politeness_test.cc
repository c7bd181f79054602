// Politeness across workers as the server saw it: three `gleaner worker`
// processes share a Redis frontier and the fixture's request log holds the
// starts, stamped by the kernel as they arrive (demo/request_log.h).
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <regex>

#include "tests/crawl/crawl_test_util.h"
#include "tests/distributed/worker_cluster.h"
#include "tests/service/serve_process.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

// Pages a worker fetched, summed over the summary lines it printed (one per
// run of its crawl engine).
uint64_t PagesFetched(const std::string& out) {
  static const std::regex kSummary(R"(job 'shop' in [0-9.e+-]+ s: ([0-9]+) pages)");
  uint64_t pages = 0;
  for (std::sregex_iterator it(out.begin(), out.end(), kSummary), end; it != end; ++it) {
    pages += std::stoull((*it)[1]);
  }
  return pages;
}
}  // namespace

TEST_CASE("three workers never break a host's politeness: one request at a time, delay apart") {
  ShopCluster cluster({.pages = 30,
                       .politeness = "{concurrency: 4, per_host: 1, delay_ms: 200}",
                       .hosts = 2,
                       .site_threads = 2});

  std::vector<ProcessResult> results;
  {
    ServeProcess server(cluster.dir, cluster.dir / "served", {});
    std::vector<std::unique_ptr<ChildProcess>> workers;
    for (int i = 0; i < 3; ++i)
      workers.push_back(StartWorker(cluster.redis, server.address(), cluster.job));
    for (auto& w : workers) results.push_back(ExpectExit0(*w));
    REQUIRE(server.Terminate().exit_code == 0);
  }

  // The host was shared: more than one worker fetched from it.
  int fetching = 0;
  for (const auto& r : results) fetching += PagesFetched(r.out) > 0 ? 1 : 0;
  CHECK(fetching >= 2);
  for (int host = 0; host < 2; ++host) {
    INFO("host " << host);
    CHECK(cluster.site->MaxInFlight(host) == 1);
    // As in the single-process test (crawl_politeness_test): 80 ms allowed
    // for a worker held up between the gate and its request's bytes. Without
    // the shared gate, three workers would start requests ~0 ms apart.
    CHECK(cluster.site->MinStartGap(host) >= std::chrono::milliseconds(120));
  }
  size_t requests = cluster.site->RequestLog().size();
  CHECK(requests > 60);  // 2 hosts x (30 products + listing pages + robots.txt)

  // Nothing was skipped on the way.
  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 0);
}
