#include "tests/service/job_watcher.h"

#include <grpcpp/grpcpp.h>

#include <thread>

#include <catch2/catch.hpp>

#include "storage/job_phase.h"

namespace gleaner::testing {

namespace {

// Short enough that a wait ends soon after the state is reached; a gRPC call
// costs tens of microseconds.
constexpr auto kPollInterval = std::chrono::milliseconds(20);

}  // namespace

JobWatcher::JobWatcher(const ServeProcess& server) : JobWatcher(server.address()) {}

JobWatcher::JobWatcher(const std::string& address)
    : stub_(v1::JobService::NewStub(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}

std::optional<v1::JobState> JobWatcher::Get(const std::string& job) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::JobRequest request;
  request.set_name(job);
  v1::JobInfo info;
  grpc::Status status = stub_->GetJob(&context, request, &info);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
  INFO("GetJob " << job << ": " << status.error_message());
  REQUIRE(status.ok());
  return info.state();
}

v1::JobState JobWatcher::WaitUntil(const std::string& job, const std::string& what,
                                   const std::function<bool(const v1::JobState&)>& done,
                                   std::chrono::seconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  std::optional<v1::JobState> state;
  while (std::chrono::steady_clock::now() < deadline) {
    state = Get(job);
    if (state && done(*state)) return *state;
    std::this_thread::sleep_for(kPollInterval);
  }
  FAIL("job " << job << " never reached: " << what << "; last seen "
              << (state ? state->ShortDebugString() : std::string("unknown")));
  return {};
}

v1::JobState JobWatcher::WaitForPhase(const std::string& job, const std::string& phase) {
  return WaitUntil(job, "phase " + phase, [&](const v1::JobState& s) {
    return storage::JobPhaseWord(s.phase()) == phase;
  });
}

v1::JobState JobWatcher::WaitForEnd(const std::string& job) {
  return WaitUntil(job, "the end of its run", [](const v1::JobState& s) {
    return s.phase() != v1::JOB_PENDING && s.phase() != v1::JOB_RUNNING;
  });
}

}  // namespace gleaner::testing
