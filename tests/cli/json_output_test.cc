// `--json` means one JSON document on stdout, on every command that takes
// it: a script pipes stdout to a JSON parser, so a summary line, a progress
// line or a second document there breaks it. Each command runs as a user
// runs it (the real binary, a crawled fixture site, a real server) and its
// stdout goes through a strict parser, which refuses anything after the first
// document. A guard reads every command's flags (from `gleaner completion
// bash`, generated from the CLI11 tree) so that a command that gains --json
// without a case here fails the suite.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "demo/fixture_site.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/service/job_watcher.h"
#include "tests/service/serve_process.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

// Parses stdout as exactly one JSON document (trailing whitespace allowed).
nlohmann::json OneDocument(const ProcessResult& r, const std::string& command) {
  INFO("gleaner " << command << "\nexit " << r.exit_code << "\nstdout:\n"
                  << r.out << "\nstderr:\n"
                  << r.err);
  REQUIRE(r.exit_code == 0);
  nlohmann::json doc;
  REQUIRE_NOTHROW(doc = nlohmann::json::parse(r.out));
  return doc;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Every command path ("stage scan") that takes --json, read from `gleaner
// completion bash`: the script lists each command of the CLI11 tree with its
// flags, one case line a command (`'stage scan') subcommands='' flags='-h
// --help --data --json ...'`), so one process answers what walking `--help`
// command by command took ~40 starts for.
std::set<std::string> CommandsWithJson() {
  ProcessResult completion = RunProcess({GLEANER_BINARY, "completion", "bash"});
  INFO(completion.err);
  REQUIRE(completion.exit_code == 0);
  std::set<std::string> out;
  size_t commands = 0;
  std::istringstream lines(completion.out);
  for (std::string line; std::getline(lines, line);) {
    const size_t open = line.find('\'');
    const size_t close = line.find("') subcommands='");
    const size_t flags = line.find(" flags='");
    if (open == std::string::npos || close == std::string::npos || flags == std::string::npos ||
        line.find_first_not_of(' ') != open) {
      continue;
    }
    ++commands;
    std::istringstream words(line.substr(flags + 8, line.find('\'', flags + 8) - flags - 8));
    for (std::string flag; words >> flag;) {
      if (flag == "--json") out.insert(line.substr(open + 1, close - open - 1));
    }
  }
  INFO(completion.out);
  REQUIRE(commands > 20);  // the whole tree was read, not a changed format
  return out;
}

std::string SiteJob(const demo::FixtureSite& site, const std::string& name,
                    const std::string& politeness, const std::string& extra = "") {
  return "name: " + name + "\nsources:\n  - kind: html\n    seeds: [\"" + site.BaseUrl() +
         "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml + "politeness: " + politeness +
         "\nretry: {attempts: 2, backoff_ms: 10}\n" + extra;
}

}  // namespace

TEST_CASE("every command that takes --json prints exactly one JSON document on stdout") {
  demo::FixtureOptions options;
  options.pages = 30;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  // The fields kProductRecordsYaml extracts: a rules field no record has is
  // refused, so configs/rules/demo.yaml (availability, reviews) would not do.
  const std::string rules = WriteJob(dir, "rules.yaml", R"(dataset: shop
fields:
  title:    {type: string, required: true}
  price:    {type: float, parse: currency}
  upc:      {type: string, required: true}
  category: {type: category}
dedup: {key: [upc]}
monitor: {baseline: previous, on_drift: warn}
)");
  const std::string data = dir / "data";
  const std::string job =
      WriteJob(dir, "shop.yaml",
               SiteJob(*site, "shop", "{concurrency: 8, per_host: 4, delay_ms: 0}",
                       "prepare: {rules: " + rules + ", out: " + (dir / "run-out") + "}\n"));
  std::set<std::string> covered;
  auto run = [&](const std::string& command, std::vector<std::string> args) {
    covered.insert(command);
    args.push_back("--json");
    ProcessResult r = Gleaner(args);
    return OneDocument(r, Join(args));
  };

  // `run` crawls first: its crawl summary is not the manifest, so not on stdout.
  nlohmann::json manifest = run("run", {"run", job, "--data", data});
  CHECK(manifest["source"]["job"] == "shop");
  run("jobs check", {"jobs", "check", job});

  nlohmann::json scanned = run("stage scan", {"stage", "scan", "shop", "--data", data});
  REQUIRE(!scanned.empty());
  const std::string url = scanned[0]["source_url"];
  run("stage jobs", {"stage", "jobs", "--data", data});
  run("stage count", {"stage", "count", "shop", "--data", data});
  CHECK(run("stage runs", {"stage", "runs", "shop", "--data", data})[0]["run"] == 1);
  run("stage get", {"stage", "get", "shop", url, "--data", data});
  run("stage errors", {"stage", "errors", "shop", "--data", data});
  run("stage stats", {"stage", "stats", "--data", data});
  nlohmann::json dumped = run("stage dump", {"stage", "dump", "shop", "--data", data});
  CHECK(dumped.size() == scanned.size());
  CHECK(dumped == scanned);

  run("prepare",
      {"prepare", "--job", "shop", "--rules", rules, "--out", dir / "out", "--data", data});
  CHECK(run("profile", {"profile", dir / "out"})["format"] == "gleaner-profile/1");
  CHECK(run("drift", {"drift", dir / "out", dir / "out"})["verdict"] == "none");
  run("rules check", {"rules", "check", rules});
  run("rules check", {"rules", "check", rules, "--job", "shop", "--data", data});
  // Last of the store's verbs: it removes what the others read.
  CHECK(run("stage delete", {"stage", "delete", "shop", "--yes", "--data", data})["records"] ==
        scanned.size());

  // The clients of a server. A slow job stays running long enough to pause,
  // resume and cancel: at 200 ms a page, ASan on a loaded machine (each
  // client start ~1 s) saw its 30 pages finish before the cancel. Cancelled,
  // it costs no more time at 1 s.
  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  const std::string slow = WriteJob(
      dir, "slow.yaml", SiteJob(*site, "slow", "{concurrency: 1, per_host: 1, delay_ms: 1000}"));
  auto client = [&](const std::string& command, std::vector<std::string> args) {
    covered.insert(command);
    args.push_back("--json");
    args.push_back("--server");
    args.push_back(server.address());
    return OneDocument(Gleaner(args), Join(args));
  };
  client("jobs submit", {"jobs", "submit", slow});
  client("jobs list", {"jobs", "list"});
  client("jobs status", {"jobs", "status", "slow"});
  CHECK(client("jobs runs", {"jobs", "runs", "slow"}).is_array());
  CHECK(client("jobs pause", {"jobs", "pause", "slow"})["job"] == "slow");
  client("jobs resume", {"jobs", "resume", "slow"});
  CHECK(client("jobs cancel", {"jobs", "cancel", "slow"})["job"] == "slow");
  client("jobs schedule", {"jobs", "schedule", slow, "--cron", "0 0 1 1 *"});
  client("jobs schedules", {"jobs", "schedules"});
  nlohmann::json removed = client("jobs unschedule", {"jobs", "unschedule", "slow"});
  CHECK(removed["job"] == "slow");
  CHECK(removed["schedule"].is_null());
  client("jobs workers", {"jobs", "workers"});
  // A job with a prepare block: the server prepares its dataset after each
  // run, and compares the second with the first.
  JobWatcher watcher(server);
  for (uint32_t run = 1; run <= 2; ++run) {
    REQUIRE(Client(server, {"jobs", "submit", job}).exit_code == 0);
    watcher.WaitUntil("shop", "dataset prepared after run " + std::to_string(run),
                      [run](const v1::JobState& s) { return s.prepare().run() == run; });
  }
  CHECK(client("jobs profile", {"jobs", "profile", "shop"})["format"] == "gleaner-profile/1");
  CHECK(client("jobs drift", {"jobs", "drift", "shop"})["format"] == "gleaner-drift/1");

  CHECK(CommandsWithJson() == covered);
}

TEST_CASE("stage dump --json is one array of the records that --format jsonl gives a line each") {
  demo::FixtureOptions options;
  options.pages = 10;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  const std::string job = WriteJob(
      dir, "shop.yaml", SiteJob(*site, "shop", "{concurrency: 4, per_host: 4, delay_ms: 0}"));
  REQUIRE(Gleaner({"crawl", job, "--data", dir / "data"}).exit_code == 0);
  nlohmann::json array =
      OneDocument(Gleaner({"stage", "dump", "shop", "--json", "--data", dir / "data"}), "dump");
  REQUIRE(array.is_array());
  std::vector<nlohmann::json> lines = DumpRecords(dir / "data", "shop");
  CHECK(array == nlohmann::json(lines));
  // The record's metadata has the names it has everywhere else.
  REQUIRE(!lines.empty());
  CHECK(lines[0].contains("source_url"));
  CHECK(lines[0].contains("fetch_time"));
  CHECK(!lines[0].contains("_url"));
}

TEST_CASE("a flag the command would ignore is a usage error naming both flags") {
  TempDir dir;
  ProcessResult dump =
      Gleaner({"stage", "dump", "shop", "--json", "--format", "csv", "--data", dir / "data"});
  INFO(dump.err);
  CHECK(dump.exit_code == 2);
  CHECK(dump.out.empty());
  CHECK(dump.err.find("--json") != std::string::npos);
  CHECK(dump.err.find("--format") != std::string::npos);

  // Without --job nothing is read from the store.
  const std::string rules = std::string(GLEANER_SOURCE_DIR) + "/configs/rules/demo.yaml";
  ProcessResult check = Gleaner({"rules", "check", rules, "--data", dir / "data"});
  INFO(check.err);
  CHECK(check.exit_code == 2);
  CHECK(check.out.empty());
  CHECK(check.err.find("--data") != std::string::npos);
  CHECK(check.err.find("--job") != std::string::npos);
}
