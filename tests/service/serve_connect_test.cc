// How client commands connect: a connection attempt that fails is retried
// for a short window before the call (Debian 12's gRPC can misreport a
// loopback connect in progress as failed under load), and a server that is
// really absent is still reported promptly with the real reason.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/loopback_port.h"
#include "tests/support/temp_dir.h"

using namespace gleaner::testing;

TEST_CASE("a client whose first connection attempts fail reaches a server that listens soon after") {
  TempDir dir;
  const std::string address = "127.0.0.1:" + std::to_string(FreePort());
  ChildProcess client;
  client.Start({GLEANER_BINARY, "jobs", "list", "--json", "--server", address});
  // Long enough for the client's first attempt to be refused, well inside its retry window.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ChildProcess server;
  server.Start({GLEANER_BINARY, "serve", "--listen", address, "--data", dir / "data"});

  ProcessResult listed = client.Wait();
  INFO(listed.err);
  CHECK(listed.exit_code == 0);
  CHECK(listed.out == "[]\n");
  server.Kill(SIGTERM);
  CHECK(server.Wait().exit_code == 0);
}

TEST_CASE("a client of a server that is not there fails with the reason, not after its deadline") {
  const std::string address = "127.0.0.1:" + std::to_string(FreePort());
  auto started = std::chrono::steady_clock::now();
  ProcessResult r = RunProcess({GLEANER_BINARY, "jobs", "list", "--server", address});
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("Connection refused") != std::string::npos);
  // The call's own deadline is 60 s; the retry window is 2 s.
  CHECK(seconds < 30);
}
