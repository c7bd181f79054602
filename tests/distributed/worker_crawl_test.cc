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
  ShopCluster cluster({.politeness = kFastPoliteness});

  {
    ServeProcess server(cluster.dir, cluster.dir / "served", {});
    std::vector<std::unique_ptr<ChildProcess>> workers;
    for (int i = 0; i < 3; ++i)
      workers.push_back(StartWorker(cluster.redis, server.address(), cluster.job));
    for (auto& w : workers) ExpectExit0(*w);
    ProcessResult stop = server.Terminate();
    INFO(stop.err);
    CHECK(stop.exit_code == 0);
  }

  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 30);
  CHECK(DumpRecords(cluster.dir / "served", "shop").size() ==
        DumpRecords(cluster.dir / "crawled", "shop").size());
}

TEST_CASE("kill -9 of a worker mid-crawl still ends with every record once") {
  ShopCluster cluster({});

  {
    ServeProcess server(cluster.dir, cluster.dir / "served", {});
    std::vector<std::unique_ptr<ChildProcess>> workers;
    for (int i = 0; i < 3; ++i)
      workers.push_back(StartWorker(cluster.redis, server.address(), cluster.job));
    WaitForRecords(server.address(), 30);
    workers[0]->Kill(SIGKILL);
    CHECK(workers[0]->Wait().signal == SIGKILL);
    ExpectExit0(*workers[1]);
    ExpectExit0(*workers[2]);
    ProcessResult stop = server.Terminate();
    INFO(stop.err);
    CHECK(stop.exit_code == 0);
  }

  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 150);
}

TEST_CASE("workers wait while the ingest service is away, then deliver everything") {
  ShopCluster cluster({});
  int port = FreePort();
  std::string address = "127.0.0.1:" + std::to_string(port);

  auto server = StartServeAt(port, cluster.dir / "served");
  std::vector<std::unique_ptr<ChildProcess>> workers;
  for (int i = 0; i < 2; ++i) workers.push_back(StartWorker(cluster.redis, address, cluster.job));
  WaitForRecords(address, 30);
  // Killed, not stopped: whatever it acked must be on disk already.
  server->Kill();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  server = StartServeAt(port, cluster.dir / "served");
  for (auto& w : workers) ExpectExit0(*w);
  server->Kill();

  ExpectRecordsOfOneCrawl(cluster.job, cluster.dir / "served", cluster.dir / "crawled", 150);
}

TEST_CASE("a worker the ingest service refuses gives up and says why") {
  ShopCluster cluster({.pages = 20, .politeness = kFastPoliteness});
  WriteFile(cluster.dir / "token", "s3cret\n");
  WriteFile(cluster.dir / "wrong", "guess\n");
  ServeProcess server(cluster.dir, cluster.dir / "served", {"--token-file", cluster.dir / "token"});

  ChildProcess worker;
  worker.Start({GLEANER_BINARY, "worker", "--redis", cluster.redis.url(), "--ingest",
                server.address(), "--job", cluster.job, "--token-file", cluster.dir / "wrong"});
  ProcessResult r = worker.Wait();
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("gave up") != std::string::npos);
  CHECK(r.err.find("UNAUTHENTICATED") != std::string::npos);
}
