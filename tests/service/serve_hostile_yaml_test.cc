// Hostile YAML sent to a live server: SubmitJob answers INVALID_ARGUMENT and
// CheckRules reports the problem by line and column, promptly, and the server
// stays up with its memory bounded. A one-byte ',' in either used to make the
// server allocate until it aborted; a 40,000-key headers map took 24 s.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "schema/gleaner_service.grpc.pb.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/service/serve_process.h"
#include "tests/support/hostile_yaml.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

// What a refusal names: "NAME:LINE:COL: message".
std::string Refusal(const std::string& name, const HostileYaml& hostile) {
  return name + ":" + std::to_string(hostile.line) + ":" + std::to_string(hostile.column) + ": " +
         hostile.message;
}

// The server's peak memory; a server that allocated without end would have died instead.
constexpr long kMaxServerRssKib = 512 * 1024;

TEST_CASE("hostile job files are INVALID_ARGUMENT from SubmitJob and nothing is queued") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {});
  for (const HostileYaml& hostile : HostileYamlTexts()) {
    INFO(hostile.fault);
    const std::string job = WriteJob(dir, "hostile.yaml", hostile.text);
    ProcessResult r = Client(server, {"jobs", "submit", job});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("INVALID_ARGUMENT") != std::string::npos);
    CHECK(r.err.find(Refusal(job, hostile)) != std::string::npos);
  }
  // The client sends at most one byte over the limit of an endless file.
  ProcessResult zero = Client(server, {"jobs", "submit", "/dev/zero"});
  CHECK(zero.exit_code == 2);
  CHECK(zero.err.find("INVALID_ARGUMENT") != std::string::npos);
  CHECK(zero.err.find("/dev/zero:1:1: longer than 1048576 bytes") != std::string::npos);

  ProcessResult list = Client(server, {"jobs", "list", "--json"});
  CHECK(nlohmann::json::parse(list.out).empty());
  ProcessResult stopped = server.Terminate();
  CHECK(stopped.exit_code == 0);
  CHECK(stopped.max_rss_kib < kMaxServerRssKib);
}

// Each key was compared with every earlier one: 40,000 headers took 24 s of server time.
TEST_CASE("a 40,000-key headers map with a duplicate is refused at once") {
  TempDir dir;
  std::string yaml =
      "name: wide\nsources:\n  - kind: json\n    url: \"http://127.0.0.1:1/\"\n    headers:\n";
  for (int i = 0; i < 40000; ++i) yaml += "      X-H" + std::to_string(i) + ": v\n";
  yaml += "      X-H0: again\n";
  const std::string job = WriteJob(dir, "wide.yaml", yaml);
  ServeProcess server(dir, dir / "served", {});
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = Client(server, {"jobs", "submit", job});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(job + ":40006:7: sources[0].headers: duplicate key 'X-H0' (first defined at "
                         "line 6, column 7)") != std::string::npos);
  CHECK(elapsed < std::chrono::seconds(10));  // generous for a loaded machine; it was 24 s
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("hostile rules are CheckRules problems with their position, and the server stays up") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {});
  auto stub = v1::DatasetService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  for (const HostileYaml& hostile : HostileYamlTexts()) {
    INFO(hostile.fault);
    v1::CheckRulesRequest request;
    request.set_rules_yaml(hostile.text);
    v1::CheckRulesResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status s = stub->CheckRules(&context, request, &response);
    INFO(s.error_message());
    REQUIRE(s.ok());
    REQUIRE(response.problems_size() == 1);
    CHECK(response.problems(0).line() == static_cast<uint32_t>(hostile.line));
    CHECK(response.problems(0).column() == static_cast<uint32_t>(hostile.column));
    CHECK(response.problems(0).message() == hostile.message);
  }
  ProcessResult stopped = server.Terminate();
  CHECK(stopped.exit_code == 0);
  CHECK(stopped.max_rss_kib < kMaxServerRssKib);
}

}  // namespace
