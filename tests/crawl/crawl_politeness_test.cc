// Politeness as the server saw it: the real binary crawls the fixture site
// and the server's request log holds the starts, each the kernel's receive
// timestamp of the request's first bytes (demo/request_log.h); the crawler
// counts a host's gap from each request's send (crawler/fetch/host_start_gate.h),
// so neither side's starvation under ctest --parallel moves the gaps.
#include <catch2/catch.hpp>
#include <chrono>

#include "demo/fixture_site.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

TEST_CASE("politeness: request starts on one host are at least delay_ms apart") {
  demo::FixtureOptions options;
  options.pages = 20;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string yaml =
      "name: slowly\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
      "/\"]\n    scope: {max_depth: 1}\npoliteness: {concurrency: 8, per_host: 4, delay_ms: 200}\n";
  ProcessResult run = Gleaner({"crawl", WriteJob(dir, "job.yaml", yaml), "--data", dir / "data"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE(site->RequestLog().size() >= 5);
  // The crawler spaces request starts by delay_ms. Between its gate and the
  // request's bytes the crawler itself can be held up, more for one request
  // than for the next (89 ms at load 10, not run alone); without the gate the
  // gap would be ~0 ms, so an 80 ms allowance still tells the two apart.
  CHECK(site->MinStartGap(0) >= std::chrono::milliseconds(120));
}
