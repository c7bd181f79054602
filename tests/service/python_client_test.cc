// The Python client (clients/python/gleaner_client.py) against a live server,
// run by Debian's /usr/bin/python3 on tests/service/python_pull_check.py: the
// DataFrame it pulls holds the rows `gleaner prepare` writes for the same job
// and rules, with the documented dtypes, also when the stream breaks mid-way;
// a token-protected server lets it in only with the token; a `category` field
// arrives as a pandas Categorical; status, cancel, schedule and runs manage and
// show jobs (tests/service/python_jobs_check.py).
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/service/crawled_shop.h"
#include "tests/service/serve_process.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

// One JSON value per line, keys in file order.
std::vector<nlohmann::ordered_json> ReadJsonLines(const std::string& path) {
  std::vector<nlohmann::ordered_json> rows;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    rows.push_back(nlohmann::ordered_json::parse(line));
  }
  return rows;
}

// Debian's python3 running tests/service/SCRIPT with the client and its stubs.
ProcessResult RunPython(const std::string& script, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/python3",
                                   std::string(GLEANER_SOURCE_DIR) + "/tests/service/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  // PYTHONDONTWRITEBYTECODE: no __pycache__ in the source tree's clients/python.
  return RunProcess(
      argv, {{"PYTHONPATH", std::string(GLEANER_PYTHON_STUBS) + ":" + GLEANER_PYTHON_CLIENT},
             {"PYTHONDONTWRITEBYTECODE", "1"}});
}

// One pull of python_pull_check.py: where it writes, and its options (0 and
// "" leave one out).
nlohmann::json PullSpec(const std::string& out_dir, int batch_rows = 0, int break_after = 0,
                        const std::string& token = "") {
  std::filesystem::create_directories(out_dir);
  nlohmann::json spec = {{"out_dir", out_dir}, {"batch_rows", batch_rows}};
  if (break_after > 0) spec["break_after"] = break_after;
  if (!token.empty()) spec["token"] = token;
  return spec;
}

// python_pull_check.py pulling the train split of "demo" once per PullSpec,
// in one python process (importing grpc and pandas costs more than a pull).
ProcessResult PythonPulls(const ServeProcess& server, const std::vector<nlohmann::json>& pulls) {
  std::vector<std::string> args = {server.address(), "demo", kDemoRules, "train"};
  for (const nlohmann::json& pull : pulls) args.push_back(pull.dump());
  return RunPython("python_pull_check.py", args);
}

}  // namespace

TEST_CASE("the Python client pulls the train split `gleaner prepare` writes, as typed columns") {
  CrawledShop shop;
  PrepareDemoJsonl(shop.dir / "data", shop.dir / "prepared");
  std::vector<nlohmann::ordered_json> expected =
      ReadJsonLines(shop.dir / "prepared/train/part-00000.jsonl");
  REQUIRE(expected.size() > 60);

  ServeProcess server(shop.dir, shop.dir / "data", {});
  // Unbroken, then with the first stream failing (UNAVAILABLE) after 3 batches
  // of 7 rows: the client resumes from the third batch's token.
  const std::string whole = shop.dir / "whole";
  const std::string broken_dir = shop.dir / "broken";
  ProcessResult pulls = PythonPulls(server, {PullSpec(whole, 7), PullSpec(broken_dir, 7, 3)});
  INFO(pulls.err);
  REQUIRE(pulls.exit_code == 0);
  for (const std::string& out : {whole, broken_dir}) {
    const bool broken = out == broken_dir;
    INFO((broken ? "broken: " : "whole: ") << ReadFile(out + "/error.txt"));
    REQUIRE(std::filesystem::exists(out + "/meta.json"));

    // Same rows, in the same order, same column names; numbers, nulls and
    // timestamps (as the JSONL writer spells them) unchanged by the DataFrame.
    std::vector<nlohmann::ordered_json> rows = ReadJsonLines(out + "/rows.jsonl");
    REQUIRE(rows.size() == expected.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      INFO("row " << i);
      CHECK(rows[i].dump() == expected[i].dump());
    }

    nlohmann::json meta = nlohmann::json::parse(ReadFile(out + "/meta.json"));
    CHECK(meta["pull_calls"] == (broken ? 2 : 1));
    // configs/rules/demo.yaml's fields in order, then the metadata columns.
    CHECK(meta["columns"] == nlohmann::json::parse(R"([
        ["title", "string"], ["price", "float64"], ["rating", "Int64"], ["upc", "string"],
        ["availability", "string"], ["reviews", "Int64"], ["category", "category"],
        ["source_url", "string"], ["fetch_time", "datetime64[ns, UTC]"]])"));
  }
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("the Python client needs the token of a token-protected server") {
  CrawledShop shop;
  WriteFile(shop.dir / "token", "s3cret\n");
  ServeProcess server(shop.dir, shop.dir / "data", {"--token-file", shop.dir / "token"});

  const std::string without = shop.dir / "without";
  const std::string with = shop.dir / "with";
  ProcessResult pulls = PythonPulls(server, {PullSpec(without), PullSpec(with, 0, 0, "s3cret")});
  INFO(pulls.err);
  REQUIRE(pulls.exit_code == 0);

  CHECK(ReadFile(without + "/error.txt").find("UNAUTHENTICATED") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(without + "/rows.jsonl"));

  INFO(ReadFile(with + "/error.txt"));
  REQUIRE(std::filesystem::exists(with + "/rows.jsonl"));
  CHECK(ReadJsonLines(with + "/rows.jsonl").size() > 60);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("the Python client submits, inspects, cancels, schedules jobs and lists their runs") {
  demo::FixtureOptions options;
  options.pages = 40;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  // One request at a time, 200 ms apart: "slow" is still running when cancelled.
  auto job = [&](const std::string& name) {
    return "name: " + name + "\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
           "/\"]\npoliteness: {concurrency: 1, per_host: 1, delay_ms: 200}\n";
  };
  std::string slow = WriteJob(dir, "slow.yaml", job("slow"));
  std::string queued = WriteJob(dir, "queued.yaml", job("queued"));
  std::string nightly =
      WriteJob(dir, "nightly.yaml", job("nightly") + "schedule: \"30 2 * * *\"\n");
  std::string fast =
      WriteJob(dir, "fast.yaml",
               "name: fast\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
                   "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml +
                   "politeness: {concurrency: 8, per_host: 8, delay_ms: 0}\n");

  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  ProcessResult run = RunPython("python_jobs_check.py",
                                {server.address(), slow, queued, nightly, fast, dir / "runs.json"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("schedule: job's own cron") != std::string::npos);
  REQUIRE(run.out.find("runs: 2 runs") != std::string::npos);
  // runs() has the keys and values `gleaner jobs runs --json` prints.
  ProcessResult cli = Client(server, {"jobs", "runs", "fast", "--json"});
  REQUIRE(cli.exit_code == 0);
  CHECK(nlohmann::json::parse(ReadFile(dir / "runs.json")) == nlohmann::json::parse(cli.out));
  REQUIRE(server.Terminate().exit_code == 0);
}
