// Stateless workers on a shared Redis frontier: drives real `gleaner worker`
// processes against the fixture site, a throwaway redis-server and a real
// `gleaner serve`, and checks what the server stored against what a
// single-process `gleaner crawl` of the same job stores.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "tests/crawl/crawl_test_util.h"
#include "tests/distributed/worker_cluster.h"
#include "tests/service/serve_process.h"
#include "tests/support/loopback_port.h"

using namespace gleaner;
using namespace gleaner::testing;

TEST_CASE("three workers store exactly the records of a single-process crawl") {
  fixture::FixtureOptions options;
  options.pages = 200;
  std::unique_ptr<fixture::FixtureSite> site;
  REQUIRE(fixture::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, kFastPoliteness));
  RedisServer redis;

  {
    ServeProcess server(dir, dir / "served", {});
    std::vector<std::unique_ptr<ChildProcess>> workers;
    for (int i = 0; i < 3; ++i) workers.push_back(StartWorker(redis, server.address(), job));
    for (auto& w : workers) ExpectExit0(*w);
    ProcessResult stop = server.Terminate();
    INFO(stop.err);
    CHECK(stop.exit_code == 0);
  }

  ExpectRecordsOfOneCrawl(job, dir / "served", dir / "crawled", 30);
  CHECK(DumpRecords(dir / "served", "shop").size() == DumpRecords(dir / "crawled", "shop").size());
}

TEST_CASE("kill -9 of a worker mid-crawl still ends with every record once") {
  fixture::FixtureOptions options;
  options.pages = 200;
  std::unique_ptr<fixture::FixtureSite> site;
  REQUIRE(fixture::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, kSlowPoliteness));
  RedisServer redis;

  {
    ServeProcess server(dir, dir / "served", {});
    std::vector<std::unique_ptr<ChildProcess>> workers;
    for (int i = 0; i < 3; ++i) workers.push_back(StartWorker(redis, server.address(), job));
    WaitForRecords(server.address(), 30);
    workers[0]->Kill(SIGKILL);
    CHECK(workers[0]->Wait().signal == SIGKILL);
    ExpectExit0(*workers[1]);
    ExpectExit0(*workers[2]);
    ProcessResult stop = server.Terminate();
    INFO(stop.err);
    CHECK(stop.exit_code == 0);
  }

  ExpectRecordsOfOneCrawl(job, dir / "served", dir / "crawled", 150);
}

TEST_CASE("workers wait while the ingest service is away, then deliver everything") {
  fixture::FixtureOptions options;
  options.pages = 200;
  std::unique_ptr<fixture::FixtureSite> site;
  REQUIRE(fixture::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, kSlowPoliteness));
  RedisServer redis;
  int port = FreePort();
  std::string address = "127.0.0.1:" + std::to_string(port);

  auto server = StartServeAt(port, dir / "served");
  std::vector<std::unique_ptr<ChildProcess>> workers;
  for (int i = 0; i < 2; ++i) workers.push_back(StartWorker(redis, address, job));
  WaitForRecords(address, 30);
  // Killed, not stopped: whatever it acked must be on disk already.
  server->Kill();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  server = StartServeAt(port, dir / "served");
  for (auto& w : workers) ExpectExit0(*w);
  server->Kill();

  ExpectRecordsOfOneCrawl(job, dir / "served", dir / "crawled", 150);
}

TEST_CASE("a worker the ingest service refuses gives up and says why") {
  fixture::FixtureOptions options;
  options.pages = 20;
  std::unique_ptr<fixture::FixtureSite> site;
  REQUIRE(fixture::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, kFastPoliteness));
  WriteFile(dir / "token", "s3cret\n");
  WriteFile(dir / "wrong", "guess\n");
  RedisServer redis;
  ServeProcess server(dir, dir / "served", {"--token-file", dir / "token"});

  ChildProcess worker;
  worker.Start({GLEANER_BINARY, "worker", "--redis", redis.url(), "--ingest", server.address(),
                "--job", job, "--token-file", dir / "wrong"});
  ProcessResult r = worker.Wait();
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("gave up") != std::string::npos);
  CHECK(r.err.find("UNAUTHENTICATED") != std::string::npos);
}
