// `gleaner serve` runs submitted jobs: drives the real binary (server and
// `gleaner jobs` clients) against the fixture site on 127.0.0.1, and checks
// what the server stored against what `gleaner crawl` stores for the same job.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <thread>

#include "demo/fixture_site.h"
#include "schema/gleaner_service.grpc.pb.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/service/job_watcher.h"
#include "tests/service/serve_process.h"
#include "tests/support/loopback_port.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

std::string SiteJob(const demo::FixtureSite& site, const std::string& name,
                    const std::string& politeness) {
  return "name: " + name + "\nsources:\n  - kind: html\n    seeds: [\"" + site.BaseUrl() +
         "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml + "politeness: " + politeness +
         "\nretry: {attempts: 2, backoff_ms: 10}\n";
}

const char* kFast = "{concurrency: 8, per_host: 4, delay_ms: 0}";
// Slow enough (one request at a time, 100 ms apart) that a test can act mid-crawl.
const char* kSlow = "{concurrency: 1, per_host: 1, delay_ms: 100}";

nlohmann::json Status(const ServeProcess& server, const std::string& job) {
  ProcessResult r = Client(server, {"jobs", "status", job, "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

// Waits (over gRPC) until `done` holds for the job's state, then returns what
// `jobs status --json` prints.
nlohmann::json WaitFor(const ServeProcess& server, const std::string& job,
                       const std::string& what,
                       const std::function<bool(const v1::JobState&)>& done) {
  JobWatcher(server).WaitUntil(job, what, done);
  return Status(server, job);
}

nlohmann::json WaitForPhase(const ServeProcess& server, const std::string& job,
                            const std::string& phase) {
  JobWatcher(server).WaitForPhase(job, phase);
  return Status(server, job);
}

nlohmann::json WaitForEnd(const ServeProcess& server, const std::string& job) {
  JobWatcher(server).WaitForEnd(job);
  return Status(server, job);
}

// url -> the records extracted from it, without their fetch times.
std::map<std::string, std::vector<nlohmann::json>> RecordsByUrl(const std::string& data,
                                                                const std::string& job) {
  std::map<std::string, std::vector<nlohmann::json>> out;
  for (auto rec : DumpRecords(data, job)) {
    rec.erase("fetch_time");
    out[rec["source_url"]].push_back(rec);
  }
  return out;
}

// What a run counts per (source_url, index_in_page) going from the records
// `before` to `after`, as `stage runs` names the counts.
std::map<std::string, size_t> Changes(const std::multimap<std::string, std::string>& before,
                                      const std::multimap<std::string, std::string>& after) {
  std::map<std::string, std::vector<std::string>> a, b;
  for (const auto& [url, content] : before) a[url].push_back(content);
  for (const auto& [url, content] : after) b[url].push_back(content);
  std::map<std::string, size_t> n = {{"added", 0}, {"changed", 0}, {"unchanged", 0}, {"removed", 0}};
  for (const auto& [url, old_records] : a) {
    const std::vector<std::string>& now = b[url];
    for (size_t i = 0; i < old_records.size(); ++i) {
      ++n[i >= now.size() ? "removed" : now[i] == old_records[i] ? "unchanged" : "changed"];
    }
    if (now.size() > old_records.size()) n["added"] += now.size() - old_records.size();
  }
  for (const auto& [url, new_records] : b) {
    if (a.count(url) == 0) n["added"] += new_records.size();
  }
  return n;
}

}  // namespace

TEST_CASE("a submitted job runs to completion and stores what `gleaner crawl` stores") {
  demo::FixtureOptions options;
  options.pages = 40;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, "shop", kFast));

  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  ProcessResult submit = Client(server, {"jobs", "submit", job, "--json"});
  INFO(submit.err);
  REQUIRE(submit.exit_code == 0);
  nlohmann::json submitted = nlohmann::json::parse(submit.out);
  CHECK(submitted["job"] == "shop");
  CHECK(submitted["phase"] == "queued");

  nlohmann::json done = WaitForPhase(server, "shop", "succeeded");
  CHECK(done["queue_position"] == 0);

  ProcessResult list = Client(server, {"jobs", "list", "--json"});
  REQUIRE(list.exit_code == 0);
  nlohmann::json jobs = nlohmann::json::parse(list.out);
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0]["job"] == "shop");
  CHECK(jobs[0]["phase"] == "succeeded");
  CHECK(jobs[0]["records"] == done["records"]);

  // Submitting it again while it is complete runs nothing new.
  REQUIRE(Client(server, {"jobs", "submit", job}).exit_code == 0);
  nlohmann::json again = WaitForPhase(server, "shop", "succeeded");
  CHECK(again["records"] == done["records"]);

  auto ingest = v1::IngestService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::StatsResponse stats;
  REQUIRE(ingest->Stats(&context, v1::StatsRequest(), &stats).ok());
  CHECK(stats.jobs_by_phase().size() == 1);
  CHECK(stats.jobs_by_phase().at("succeeded") == 1);
  CHECK(stats.records() == done["records"]);
  CHECK(stats.queued() == 0);
  CHECK(stats.running().empty());

  ProcessResult stop = server.Terminate();
  INFO(stop.err);
  CHECK(stop.exit_code == 0);

  REQUIRE(Gleaner({"crawl", job, "--data", dir / "crawled"}).exit_code == 0);
  auto served = RecordsByUrl(dir / "served", "shop");
  auto crawled = RecordsByUrl(dir / "crawled", "shop");
  CHECK(served.size() > 30);
  CHECK(served == crawled);
  CHECK(done["records"] == DumpRecords(dir / "crawled", "shop").size());
}

TEST_CASE("SIGTERM stops the server with exit 0 and the interrupted job resumes on restart") {
  demo::FixtureOptions options;
  options.pages = 40;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "shop.yaml", SiteJob(*site, "shop", kSlow));

  {
    ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
    REQUIRE(Client(server, {"jobs", "submit", job}).exit_code == 0);
    WaitFor(server, "shop", "3 records",
            [](const v1::JobState& s) { return s.record_count() >= 3; });
    ProcessResult stop = server.Terminate();
    INFO(stop.err);
    CHECK(stop.exit_code == 0);
  }
  nlohmann::json interrupted = StageJob(dir / "served", "shop");
  CHECK(interrupted["phase"] == "running");
  size_t before = interrupted["records"];

  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  nlohmann::json done = WaitForPhase(server, "shop", "succeeded");
  CHECK(done["records"] > before);
  REQUIRE(server.Terminate().exit_code == 0);

  REQUIRE(Gleaner({"crawl", job, "--data", dir / "crawled"}).exit_code == 0);
  auto served = RecordsByUrl(dir / "served", "shop");
  CHECK(served == RecordsByUrl(dir / "crawled", "shop"));
  for (const auto& [url, records] : served) CHECK(records.size() == 1);
}

TEST_CASE("cancel stops a running crawl, resubmitting continues it to the end") {
  demo::FixtureOptions options;
  // About 12 s of crawl at kSlow: still running after the five client calls
  // before the cancel, even on a loaded machine under ASan (at 40 pages it
  // once ended first there, and the cancel found nothing to cancel).
  options.pages = 120;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string slow = WriteJob(dir, "slow.yaml", SiteJob(*site, "slow", kSlow));
  std::string queued = WriteJob(dir, "queued.yaml", SiteJob(*site, "queued", kSlow));

  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  REQUIRE(Client(server, {"jobs", "submit", slow}).exit_code == 0);
  // One job runs at a time: the second waits in the queue.
  ProcessResult second = Client(server, {"jobs", "submit", queued, "--json"});
  REQUIRE(second.exit_code == 0);
  CHECK(nlohmann::json::parse(second.out)["queue_position"] == 1);
  ProcessResult dup = Client(server, {"jobs", "submit", queued});
  CHECK(dup.exit_code == 2);
  CHECK(dup.err.find("FAILED_PRECONDITION") != std::string::npos);
  CHECK(dup.err.find("job 'queued' is already queued") != std::string::npos);

  ProcessResult drop = Client(server, {"jobs", "cancel", "queued", "--json"});
  INFO(drop.err);
  REQUIRE(drop.exit_code == 0);
  CHECK(nlohmann::json::parse(drop.out)["phase"] == "cancelled");
  CHECK(nlohmann::json::parse(drop.out)["records"] == 0);

  WaitFor(server, "slow", "2 records", [](const v1::JobState& s) { return s.record_count() >= 2; });
  // Or the cancel below would test nothing.
  REQUIRE(nlohmann::json::parse(Client(server, {"jobs", "status", "slow", "--json"}).out)["phase"] ==
          "running");
  ProcessResult cancel = Client(server, {"jobs", "cancel", "slow", "--json"});
  INFO(cancel.err);
  REQUIRE(cancel.exit_code == 0);
  nlohmann::json cancelled = nlohmann::json::parse(cancel.out);
  CHECK(cancelled["phase"] == "cancelled");
  ProcessResult again = Client(server, {"jobs", "cancel", "slow"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("FAILED_PRECONDITION") != std::string::npos);

  REQUIRE(Client(server, {"jobs", "submit", slow}).exit_code == 0);
  nlohmann::json done = WaitForPhase(server, "slow", "succeeded");
  CHECK(done["records"] > cancelled["records"]);
  REQUIRE(server.Terminate().exit_code == 0);
  for (const auto& [url, records] : RecordsByUrl(dir / "served", "slow")) {
    CHECK(records.size() == 1);
  }
}

TEST_CASE("a served job reaching max_pages is succeeded with the reason, as under gleaner crawl") {
  demo::FixtureOptions options;
  options.pages = 40;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job =
      WriteJob(dir, "capped.yaml", SiteJob(*site, "capped", kFast) + "max_pages: 5\n");
  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  REQUIRE(Client(server, {"jobs", "submit", job}).exit_code == 0);
  nlohmann::json done = WaitForEnd(server, "capped");
  CHECK(done["phase"] == "succeeded");
  CHECK(done["message"] == "max_pages (5) reached");
  size_t pages = 0;
  for (const auto& e : site->RequestLog()) pages += e.target != "/robots.txt";
  CHECK(pages == 5);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a served job that fetched nothing is failed with the cause, resubmitted, it retries") {
  const int port = FreePort();
  TempDir dir;
  std::string job = WriteJob(dir, "down.yaml",
                             "name: down\nsources:\n  - kind: html\n    seeds: "
                             "[\"http://127.0.0.1:" +
                                 std::to_string(port) +
                                 "/\"]\n    scope: {max_depth: 0}\n"
                                 "retry: {attempts: 2, backoff_ms: 10}\n");
  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  REQUIRE(Client(server, {"jobs", "submit", job}).exit_code == 0);
  nlohmann::json failed = WaitForEnd(server, "down");
  CHECK(failed["phase"] == "failed");
  CHECK(failed["message"].get<std::string>().starts_with(
      "no page fetched: 1 URL failed: 1 connect (robots.txt: "));

  // The host comes up; the job submitted again fetches its seed.
  demo::FixtureOptions options;
  options.port = port;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  REQUIRE(Client(server, {"jobs", "submit", job}).exit_code == 0);
  nlohmann::json done = WaitForEnd(server, "down");  // submitting made it pending
  CHECK(done["phase"] == "succeeded");
  bool seed_fetched = false;
  for (const auto& e : site->RequestLog()) seed_fetched |= e.target == "/";
  CHECK(seed_fetched);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("gleaner crawl or run on a store a running server holds says so and exits 1") {
  TempDir dir;
  WriteFile(dir / "rules.yaml", "dataset: d\nfields:\n  title: {type: string}\n");
  std::string job = WriteJob(dir, "job.yaml",
                             "name: held\nsources:\n  - kind: html\n    seeds: "
                             "[\"http://127.0.0.1:9/\"]\nprepare: {rules: rules.yaml}\n");
  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  for (const char* verb : {"crawl", "run"}) {
    ProcessResult r = Gleaner({verb, job, "--data", dir / "served"});
    INFO(verb << ": " << r.err);
    CHECK(r.exit_code == 1);  // the input is fine; the store is busy
    CHECK(r.err.find("is held by a running gleaner serve (pid " + std::to_string(server.pid())) !=
          std::string::npos);
    CHECK(r.err.find("submit the job to it instead: gleaner jobs submit " + job) !=
          std::string::npos);
  }
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a bad job file is INVALID_ARGUMENT naming its line and column, nothing is stored") {
  TempDir dir;
  // Line 3, column 27 is the value of concurrency.
  std::string job = WriteJob(dir, "bad.yaml",
                             "name: bad\n"
                             "sources: [{kind: html, seeds: [\"http://127.0.0.1:1/\"]}]\n"
                             "politeness: {concurrency: lots}\n");
  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  ProcessResult r = Client(server, {"jobs", "submit", job});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("INVALID_ARGUMENT") != std::string::npos);
  CHECK(r.err.find(job + ":3:27:") != std::string::npos);
  CHECK(r.err.find("concurrency") != std::string::npos);
  ProcessResult list = Client(server, {"jobs", "list", "--json"});
  CHECK(nlohmann::json::parse(list.out).empty());
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("an unknown job is NOT_FOUND, a malformed name is INVALID_ARGUMENT") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {});
  for (const char* verb : {"status", "cancel", "pause", "resume"}) {
    ProcessResult r = Client(server, {"jobs", verb, "nope"});
    INFO(verb << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("NOT_FOUND") != std::string::npos);
    CHECK(r.err.find("nope") != std::string::npos);
  }
  ProcessResult bad = Client(server, {"jobs", "status", "no/slash"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("INVALID_ARGUMENT") != std::string::npos);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a schedule is kept across a server restart until it is removed") {
  TempDir dir;
  std::string job = WriteJob(dir, "nightly.yaml",
                             "name: nightly\n"
                             "sources: [{kind: html, seeds: [\"http://127.0.0.1:9/\"]}]\n"
                             "schedule: \"30 2 * * *\"\n");
  {
    ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
    ProcessResult add = Client(server, {"jobs", "schedule", job, "--json"});
    INFO(add.err);
    REQUIRE(add.exit_code == 0);
    nlohmann::json s = nlohmann::json::parse(add.out);
    CHECK(s["job"] == "nightly");
    CHECK(s["cron"] == "30 2 * * *");
    CHECK(s["last_run"].is_null());
    ProcessResult bad = Client(server, {"jobs", "schedule", job, "--cron", "61 * * * *"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("INVALID_ARGUMENT: cron: minute field") != std::string::npos);
    REQUIRE(server.Terminate().exit_code == 0);
  }
  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  ProcessResult list = Client(server, {"jobs", "schedules", "--json"});
  REQUIRE(list.exit_code == 0);
  nlohmann::json schedules = nlohmann::json::parse(list.out);
  REQUIRE(schedules.size() == 1);
  CHECK(schedules[0]["job"] == "nightly");
  CHECK(schedules[0]["cron"] == "30 2 * * *");
  // The next run is at 02:30 UTC of some day.
  CHECK(schedules[0]["next_run"].get<std::string>().substr(10, 6) == "T02:30");
  REQUIRE(Client(server, {"jobs", "unschedule", "nightly"}).exit_code == 0);
  CHECK(Client(server, {"jobs", "schedules"}).out == "no schedules\n");
  ProcessResult again = Client(server, {"jobs", "unschedule", "nightly"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("NOT_FOUND") != std::string::npos);
  REQUIRE(server.Terminate().exit_code == 0);
}

namespace {

// A shop of `pages` products, job "minutely" crawling it on "* * * * *", and
// a server (store dir/served) whose schedules run by a clock the test moves,
// not by the real minute: 10:00:30 until the test sets it.
struct MinutelyShop {
  static std::unique_ptr<demo::FixtureSite> StartSite(int pages) {
    demo::FixtureOptions options;
    options.pages = pages;
    std::unique_ptr<demo::FixtureSite> site;
    REQUIRE(demo::FixtureSite::Start(options, &site).ok());
    return site;
  }
  explicit MinutelyShop(int pages)
      : site(StartSite(pages)),
        job(WriteJob(dir, "minutely.yaml",
                     SiteJob(*site, "minutely", kFast) + "schedule: \"* * * * *\"\n")),
        clock(dir, ten + std::chrono::seconds(30)),
        server(dir, dir / "served", {"--allow-private-networks"}, clock.env()) {}

  std::unique_ptr<demo::FixtureSite> site;
  TempDir dir;
  std::string job;
  const std::chrono::system_clock::time_point ten =
      std::chrono::sys_days(std::chrono::year(2030) / 1 / 1) + std::chrono::hours(10);
  SchedulerClock clock;
  ServeProcess server;
};

}  // namespace

TEST_CASE("a schedule fires at its minute and runs the job to completion") {
  MinutelyShop shop(10);
  auto& [site, dir, job, ten, clock, server] = shop;
  ProcessResult add = Client(server, {"jobs", "schedule", job});
  INFO(add.err);
  REQUIRE(add.exit_code == 0);
  // Unknown until the schedule fires, at the next minute by that clock.
  CHECK(Client(server, {"jobs", "status", "minutely"}).exit_code == 2);
  clock.Set(ten + std::chrono::minutes(1));
  nlohmann::json done = WaitForPhase(server, "minutely", "succeeded");
  nlohmann::json schedules =
      nlohmann::json::parse(Client(server, {"jobs", "schedules", "--json"}).out);
  REQUIRE(schedules.size() == 1);
  CHECK_FALSE(schedules[0]["last_run"].is_null());
  REQUIRE(server.Terminate().exit_code == 0);
  // The scheduled run stored what `gleaner crawl` of the same job stores.
  REQUIRE(Gleaner({"crawl", job, "--data", dir / "crawled"}).exit_code == 0);
  CHECK(done["records"] == DumpRecords(dir / "crawled", "minutely").size());
  CHECK(RecordsByUrl(dir / "served", "minutely") == RecordsByUrl(dir / "crawled", "minutely"));
}

TEST_CASE("each firing of a schedule is a new run, which picks up what changed on the site") {
  MinutelyShop shop(40);
  auto& [site, dir, job, ten, clock, server] = shop;
  REQUIRE(Client(server, {"jobs", "schedule", job}).exit_code == 0);
  JobWatcher watcher(server);
  auto run_ended = [](uint32_t number) {
    return [number](const v1::JobState& s) {
      return s.run().number() == number && s.run().end() != v1::CrawlRun::OPEN &&
             s.phase() == v1::JOB_SUCCEEDED;
    };
  };

  clock.Set(ten + std::chrono::minutes(1));
  watcher.WaitUntil("minutely", "run 1 ended", run_ended(1));
  const auto run1 = Contents(DumpRecords(dir / "served", "minutely"));
  REQUIRE(run1.size() >= 40);

  demo::SiteChange change;
  change.changed_fraction = 0.1;
  change.removed_fraction = 0.1;
  change.added = 3;
  demo::SiteChangeReport report;
  REQUIRE(site->Change(change, &report).ok());
  REQUIRE(!report.changed.empty());
  REQUIRE(!report.removed.empty());
  clock.Set(ten + std::chrono::minutes(2));
  watcher.WaitUntil("minutely", "run 2 ended", run_ended(2));

  // The oracle: a first crawl of the changed site, against run 1's records.
  REQUIRE(Gleaner({"crawl", job, "--data", dir / "fresh"}).exit_code == 0);
  const auto fresh = Contents(DumpRecords(dir / "fresh", "minutely"));
  std::map<std::string, size_t> expected = Changes(run1, fresh);
  REQUIRE(expected["changed"] > 0);
  REQUIRE(expected["removed"] > 0);
  REQUIRE(expected["added"] > 0);

  ProcessResult listed = Client(server, {"jobs", "runs", "minutely", "--json"});
  INFO(listed.err);
  REQUIRE(listed.exit_code == 0);
  nlohmann::json runs = nlohmann::json::parse(listed.out);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["run"] == 1);
  CHECK(runs[0]["records_added"] == run1.size());
  const nlohmann::json& run2 = runs[1];
  CHECK(run2["run"] == 2);
  CHECK(run2["phase"] == "succeeded");
  for (const char* count : {"added", "changed", "unchanged", "removed"}) {
    INFO(count);
    CHECK(run2[std::string("records_") + count] == expected[count]);
  }
  // `jobs status` shows the current run; the records as of run 2 are those of the changed site.
  ProcessResult status = Client(server, {"jobs", "status", "minutely", "--json"});
  REQUIRE(status.exit_code == 0);
  CHECK(nlohmann::json::parse(status.out)["run"] == run2);
  CHECK_THAT(Client(server, {"jobs", "status", "minutely"}).out,
             Catch::Contains("run:      2 (succeeded): " + std::to_string(expected["added"]) +
                             " added, " + std::to_string(expected["changed"]) + " changed"));
  CHECK(Contents(DumpRecords(dir / "served", "minutely")) == fresh);
  ProcessResult stop = server.Terminate();
  REQUIRE(stop.exit_code == 0);
  // The log says which run each firing was and what it found.
  CHECK_THAT(stop.err, Catch::Contains(" run=1 ") && Catch::Contains(" run=2 ") &&
                           Catch::Contains(" added=" + std::to_string(expected["added"]) +
                                           " changed=" + std::to_string(expected["changed"]) +
                                           " unchanged="));
  // Over gRPC as in the store.
  ProcessResult stored = Gleaner({"stage", "runs", "minutely", "--json", "--data", dir / "served"});
  REQUIRE(stored.exit_code == 0);
  CHECK(nlohmann::json::parse(stored.out) == runs);
  CHECK(StageJob(dir / "served", "minutely")["run"] == run2);
}

TEST_CASE("a job meeting a response nested 100,000 levels deep ends and the server survives it") {
  demo::FixtureOptions options;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "deep.yaml", DeepJsonJobYaml("deep", site->BaseUrl()));
  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  ProcessResult submit = Client(server, {"jobs", "submit", job});
  INFO(submit.err);
  REQUIRE(submit.exit_code == 0);
  nlohmann::json done = WaitForPhase(server, "deep", "succeeded");
  CHECK(done["records"] == 40);
  // Still answering after the job, and still the same process.
  ProcessResult list = Client(server, {"jobs", "list", "--json"});
  REQUIRE(list.exit_code == 0);
  CHECK(nlohmann::json::parse(list.out).size() == 1);
  nlohmann::json errors = StageErrors(dir / "served", "deep");
  REQUIRE(errors.size() == 1);
  CHECK(PathOf(errors[0]["url"]) == "/fault/deep-json");
  CHECK(errors[0]["kind"] == "ERROR_PARSE");
  ProcessResult stop = server.Terminate();
  INFO(stop.err);
  CHECK(stop.exit_code == 0);
}
