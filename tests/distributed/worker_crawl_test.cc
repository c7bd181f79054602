// Stateless workers on a shared Redis frontier: drives real `gleaner worker`
// processes against the fixture site, a throwaway redis-server and a real
// `gleaner serve`, and checks what the server stored against what a
// single-process `gleaner crawl` of the same job stores.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "schema/gleaner_service.grpc.pb.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/fixture/fixture_site.h"
#include "tests/service/serve_process.h"
#include "tests/support/loopback_port.h"
#include "tests/support/redis_server.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

// Two requests at a time per worker and eight on the host, so that every
// worker gets some of it.
const char* kFast = "{concurrency: 2, per_host: 8, delay_ms: 0}";
// 20 ms between requests on the host, job-wide: the 200 pages take seconds,
// so a test can act mid-crawl.
const char* kSlow = "{concurrency: 2, per_host: 8, delay_ms: 20}";

std::string SiteJob(const fixture::FixtureSite& site, const char* politeness) {
  return "name: shop\nsources:\n  - kind: html\n    seeds: [\"" + site.BaseUrl() +
         "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml + "politeness: " + politeness +
         "\nretry: {attempts: 2, backoff_ms: 10}\n";
}

std::unique_ptr<ChildProcess> StartWorker(const RedisServer& redis, const std::string& ingest,
                                          const std::string& job) {
  auto worker = std::make_unique<ChildProcess>();
  // A short lease: the URLs of a killed worker come back within seconds.
  worker->Start({GLEANER_BINARY, "worker", "--redis", redis.url(), "--ingest", ingest, "--job", job,
                 "--lease-s", "2"});
  return worker;
}

void ExpectExit0(ChildProcess& worker) {
  ProcessResult r = worker.Wait();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
}

// Polls the server's IngestService.Stats until it stored `n` records; the
// bound only stops a hung test.
void WaitForRecords(const std::string& address, uint64_t n) {
  auto stub =
      v1::IngestService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  for (int i = 0; i < 1200; ++i) {
    grpc::ClientContext context;
    v1::StatsResponse stats;
    if (stub->Stats(&context, v1::StatsRequest(), &stats).ok() && stats.records() >= n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("the server never stored " << n << " records");
}

// `gleaner serve` on a fixed port, so that it can come back at the same
// address; returns once it listens.
std::unique_ptr<BackgroundProcess> StartServeAt(int port, const std::string& data) {
  auto server = std::make_unique<BackgroundProcess>(std::vector<std::string>{
      GLEANER_BINARY, "serve", "--listen", "127.0.0.1:" + std::to_string(port), "--data", data});
  while (auto line = server->ReadLine()) {
    if (line->rfind("listening on ", 0) == 0) return server;
  }
  FAIL("gleaner serve did not start");
  return nullptr;
}

// url -> the records extracted from it, without their fetch times, in a
// fixed order: a duplicate shows as an extra element.
std::map<std::string, std::vector<std::string>> RecordsByUrl(const std::string& data) {
  std::map<std::string, std::vector<std::string>> out;
  for (auto rec : DumpRecords(data, "shop")) {
    rec.erase("_fetch_time");
    out[rec["_url"]].push_back(rec.dump());
  }
  for (auto& [url, records] : out) std::sort(records.begin(), records.end());
  return out;
}

}  // namespace

TEST_CASE("three workers store exactly the records of a single-process crawl") {
  fixture::FixtureOptions options;
  options.pages = 200;
  std::unique_ptr<fixture::FixtureSite> site;
  REQUIRE(fixture::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, kFast));
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

  ProcessResult crawl = Gleaner({"crawl", job, "--data", dir / "crawled"});
  INFO(crawl.err);
  REQUIRE(crawl.exit_code == 0);
  auto served = RecordsByUrl(dir / "served");
  auto crawled = RecordsByUrl(dir / "crawled");
  CHECK(crawled.size() > 30);
  CHECK(served == crawled);
  CHECK(DumpRecords(dir / "served", "shop").size() == DumpRecords(dir / "crawled", "shop").size());
}

TEST_CASE("kill -9 of a worker mid-crawl still ends with every record once") {
  fixture::FixtureOptions options;
  options.pages = 200;
  std::unique_ptr<fixture::FixtureSite> site;
  REQUIRE(fixture::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, kSlow));
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

  REQUIRE(Gleaner({"crawl", job, "--data", dir / "crawled"}).exit_code == 0);
  auto served = RecordsByUrl(dir / "served");
  auto crawled = RecordsByUrl(dir / "crawled");
  CHECK(crawled.size() > 150);
  CHECK(served == crawled);
}

TEST_CASE("workers wait while the ingest service is away, then deliver everything") {
  fixture::FixtureOptions options;
  options.pages = 200;
  std::unique_ptr<fixture::FixtureSite> site;
  REQUIRE(fixture::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, kSlow));
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

  REQUIRE(Gleaner({"crawl", job, "--data", dir / "crawled"}).exit_code == 0);
  auto served = RecordsByUrl(dir / "served");
  auto crawled = RecordsByUrl(dir / "crawled");
  CHECK(crawled.size() > 150);
  CHECK(served == crawled);
}

TEST_CASE("a worker the ingest service refuses gives up and says why") {
  fixture::FixtureOptions options;
  options.pages = 20;
  std::unique_ptr<fixture::FixtureSite> site;
  REQUIRE(fixture::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, kFast));
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
