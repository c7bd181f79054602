// Waits for a served job's state over one gRPC channel kept for the test.
// Polling by running `gleaner jobs status` costs a process start (~50 ms of
// CPU) per look, ten times a second: across the suite about a core kept busy
// waiting. Tests still assert through the CLI; this is only how they wait.
// Not thread-safe; one per test thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "schema/gleaner_service.grpc.pb.h"
#include "tests/service/serve_process.h"

namespace gleaner::testing {

class JobWatcher {
 public:
  explicit JobWatcher(const ServeProcess& server);
  explicit JobWatcher(const std::string& address);

  // The job's state; nullopt while the server does not know it (NOT_FOUND).
  // Any other error fails the test.
  std::optional<v1::JobState> Get(const std::string& job);

  // Polls until `done` holds for the job's state and returns that state. The
  // bound only stops a hung test, which then fails naming `what`.
  v1::JobState WaitUntil(const std::string& job, const std::string& what,
                         const std::function<bool(const v1::JobState&)>& done,
                         std::chrono::seconds bound = std::chrono::seconds(120));
  // `phase` as `jobs status` prints it ("running", "succeeded", ...).
  v1::JobState WaitForPhase(const std::string& job, const std::string& phase);
  // Until the job has run: its phase is neither queued nor running.
  v1::JobState WaitForEnd(const std::string& job);

 private:
  std::unique_ptr<v1::JobService::Stub> stub_;
};

}  // namespace gleaner::testing
