// The log lines of the long-running commands, `gleaner serve` and `gleaner
// worker`, through the real binary: each line on stderr starts with an RFC
// 3339 UTC timestamp and a level, and with --log-format json each line is one
// JSON object (ts, level, msg, then fields such as the job), so that a log
// shipper can parse all of them, the process's own last error included.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/crawl/crawl_test_util.h"
#include "tests/distributed/worker_cluster.h"
#include "tests/service/serve_process.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

const std::regex kRfc3339Utc(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every line as a JSON object with ts, level and msg; fails on any other line.
std::vector<nlohmann::json> JsonLines(const std::string& err) {
  std::vector<nlohmann::json> out;
  for (const std::string& line : Lines(err)) {
    INFO(line);
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(line));
    REQUIRE(j.is_object());
    CHECK(std::regex_match(j.value("ts", ""), kRfc3339Utc));
    CHECK((j["level"] == "info" || j["level"] == "warn" || j["level"] == "error"));
    CHECK(j["msg"].is_string());
    out.push_back(j);
  }
  return out;
}

const nlohmann::json* Find(const std::vector<nlohmann::json>& lines, const std::string& msg) {
  for (const auto& j : lines) {
    if (j["msg"] == msg) return &j;
  }
  return nullptr;
}

// Submits `job` to `server` and polls until it succeeded; the bound only stops a hung test.
void RunToCompletion(const ServeProcess& server, const std::string& job, const std::string& name) {
  ProcessResult submit = Client(server, {"jobs", "submit", job});
  INFO(submit.err);
  REQUIRE(submit.exit_code == 0);
  for (int i = 0; i < 600; ++i) {
    ProcessResult status = Client(server, {"jobs", "status", name, "--json"});
    REQUIRE(status.exit_code == 0);
    if (nlohmann::json::parse(status.out)["phase"] == "succeeded") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("job " << name << " did not succeed");
}

ShopCluster::Options SmallShop(int pages) {
  ShopCluster::Options options;
  options.pages = pages;
  options.politeness = kFastPoliteness;
  return options;
}

}  // namespace

TEST_CASE("serve's text log lines start with an RFC 3339 UTC timestamp and a level") {
  ShopCluster cluster(SmallShop(10));
  ServeProcess server(cluster.dir, cluster.dir / "served", {"--allow-private-networks"});
  RunToCompletion(server, cluster.job, "shop");
  ProcessResult stop = server.Terminate();
  CHECK(stop.exit_code == 0);
  INFO(stop.err);
  const std::regex line(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (INFO|WARN|ERROR) \S.*)");
  std::vector<std::string> lines = Lines(stop.err);
  REQUIRE(lines.size() >= 4);
  for (const std::string& l : lines) {
    INFO(l);
    CHECK(std::regex_match(l, line));
  }
  CHECK(stop.err.find(" INFO listening address=" + server.address() + "\n") != std::string::npos);
  CHECK(stop.err.find(" INFO job started job=shop\n") != std::string::npos);
  CHECK(stop.err.find(" INFO job ended job=shop pages=") != std::string::npos);
  CHECK(stop.err.find(" INFO shutting down signal=SIGTERM\n") != std::string::npos);
}

TEST_CASE("serve --log-format json writes one JSON object a line, with the job as a field") {
  ShopCluster cluster(SmallShop(10));
  ServeProcess server(cluster.dir, cluster.dir / "served",
                      {"--allow-private-networks", "--log-format", "json"});
  RunToCompletion(server, cluster.job, "shop");
  ProcessResult stop = server.Terminate();
  CHECK(stop.exit_code == 0);
  INFO(stop.err);
  std::vector<nlohmann::json> lines = JsonLines(stop.err);
  const nlohmann::json* listening = Find(lines, "listening");
  REQUIRE(listening != nullptr);
  CHECK((*listening)["address"] == server.address());
  const nlohmann::json* ended = Find(lines, "job ended");
  REQUIRE(ended != nullptr);
  CHECK((*ended)["job"] == "shop");
  CHECK((*ended)["pages"].is_number());
  CHECK((*ended)["pages"] > 0);
  CHECK((*ended)["level"] == "info");
  REQUIRE(Find(lines, "stopped") != nullptr);
}

TEST_CASE("serve's last error is a log line too, and a bad --log-format is a usage error") {
  TempDir dir;
  WriteFile(dir / "cert.pem", "");
  ProcessResult bad_flags =
      RunProcess({GLEANER_BINARY, "serve", "--listen", "127.0.0.1:0", "--data", dir / "data",
                  "--tls-cert", dir / "cert.pem", "--log-format", "json"});
  INFO(bad_flags.err);
  CHECK(bad_flags.exit_code == 2);
  std::vector<nlohmann::json> lines = JsonLines(bad_flags.err);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["level"] == "error");
  CHECK(lines[0]["msg"].get<std::string>().find("--tls-key") != std::string::npos);

  ProcessResult bad_format =
      RunProcess({GLEANER_BINARY, "serve", "--data", dir / "data", "--log-format", "yaml"});
  INFO(bad_format.err);
  CHECK(bad_format.exit_code == 2);
  CHECK(bad_format.err.find("text or json") != std::string::npos);
}

TEST_CASE("worker --log-format json writes one JSON object a line, progress included") {
  ShopCluster cluster(SmallShop(20));
  ServeProcess server(cluster.dir, cluster.dir / "served", {});
  ChildProcess worker;
  worker.Start({GLEANER_BINARY, "worker", "--redis", cluster.redis.url(), "--ingest",
                server.address(), "--job", cluster.job, "--log-format", "json"});
  ProcessResult r = ExpectExit0(worker);
  INFO(r.err);
  std::vector<nlohmann::json> lines = JsonLines(r.err);
  // The crawl's progress lines ("shop: 0 done, 1 queued, ...") go through the log as well.
  bool progress = false;
  for (const auto& j : lines) progress |= j["msg"].get<std::string>().rfind("shop: ", 0) == 0;
  CHECK(progress);
  server.Terminate();
}
