// Schedules with a fake clock: when they fire, that a restart keeps them,
// and that runs missed while the server was down fire once, not per period.
#include "service/jobs/job_scheduler.h"

#include <catch2/catch.hpp>

#include "crawler/job/job_parser.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using TimePoint = std::chrono::system_clock::time_point;

namespace {

// 2026-01-01 00:00:00 UTC: 20454 days after the epoch.
const TimePoint kNewYear = TimePoint(std::chrono::seconds(20454LL * 86400));

TimePoint At(int hour, int minute, int second = 0) {
  return kNewYear + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

int64_t Micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

const char* kYaml =
    "name: shop\nsources: [{kind: html, seeds: [\"http://a.example/\"]}]\nschedule: \"0 * * * "
    "*\"\n";

struct Harness {
  explicit Harness(storage::StagingStore* store)
      : scheduler(
            store,
            [this](const crawler::JobConfig& job, const std::string& yaml) {
              submitted.push_back(job.name);
              prepare_rules.push_back(job.prepare_rules_yaml);
              CHECK(yaml == kYaml);
              return submit_result;
            },
            nullptr, [this] { return now; }) {}

  TimePoint now = At(10, 2, 30);
  std::vector<std::string> submitted;
  std::vector<std::string> prepare_rules;  // the rules text each firing carried
  Status submit_result;
  service::JobScheduler scheduler;
};

crawler::JobConfig Job() {
  crawler::JobConfig job;
  REQUIRE(crawler::ParseJobYaml(kYaml, "shop.yaml", &job).ok());
  return job;
}

std::unique_ptr<storage::StagingStore> Open(const std::string& dir) {
  std::unique_ptr<storage::StagingStore> store;
  REQUIRE(storage::StagingStore::OpenPrimary(dir, {}, &store).ok());
  return store;
}

}  // namespace

TEST_CASE("a schedule fires when its cron time comes, once, then waits for the next") {
  testing::TempDir dir;
  auto store = Open(dir.path());
  Harness h(store.get());
  v1::Schedule added;
  REQUIRE(h.scheduler.Add(Job(), kYaml, "*/5 * * * *", &added).ok());
  CHECK(added.name() == "shop");
  CHECK(added.next_run_micros() == Micros(At(10, 5)));
  CHECK(added.last_run_micros() == 0);

  h.now = At(10, 4, 59);
  h.scheduler.RunDue();
  CHECK(h.submitted.empty());
  h.now = At(10, 5);
  h.scheduler.RunDue();
  h.scheduler.RunDue();
  CHECK(h.submitted == std::vector<std::string>{"shop"});
  auto listed = h.scheduler.List();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].last_run_micros() == Micros(At(10, 5)));
  CHECK(listed[0].next_run_micros() == Micros(At(10, 10)));
}

TEST_CASE("a job that is still busy skips a run, the schedule moves on") {
  testing::TempDir dir;
  auto store = Open(dir.path());
  Harness h(store.get());
  v1::Schedule added;
  REQUIRE(h.scheduler.Add(Job(), kYaml, "", &added).ok());
  CHECK(added.cron() == "0 * * * *");  // the job's own schedule
  h.submit_result = Status::FailedPrecondition("job 'shop' is already running");
  h.now = At(11, 0);
  h.scheduler.RunDue();
  CHECK(h.submitted.size() == 1);
  CHECK(h.scheduler.List()[0].next_run_micros() == Micros(At(12, 0)));
}

TEST_CASE("schedules survive a restart, and runs missed while down fire once") {
  testing::TempDir dir;
  {
    auto store = Open(dir.path());
    Harness h(store.get());
    v1::Schedule added;
    REQUIRE(h.scheduler.Add(Job(), kYaml, "*/5 * * * *", &added).ok());
  }
  {
    auto store = Open(dir.path());
    Harness h(store.get());
    h.now = At(11, 33, 10);  // 18 runs were missed
    REQUIRE(h.scheduler.Load().ok());
    h.scheduler.RunDue();
    CHECK(h.submitted == std::vector<std::string>{"shop"});
  }
  auto store = Open(dir.path());
  Harness h(store.get());
  h.now = At(11, 34);
  REQUIRE(h.scheduler.Load().ok());
  h.scheduler.RunDue();
  CHECK(h.submitted.empty());
  auto listed = h.scheduler.List();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].cron() == "*/5 * * * *");
  CHECK(listed[0].spec().yaml() == kYaml);
  CHECK(listed[0].last_run_micros() == Micros(At(11, 33, 10)));
  CHECK(listed[0].next_run_micros() == Micros(At(11, 35)));

  REQUIRE(h.scheduler.Remove("shop").ok());
  CHECK(h.scheduler.Remove("shop").IsNotFound());
  Harness reloaded(store.get());
  REQUIRE(reloaded.scheduler.Load().ok());
  CHECK(reloaded.scheduler.List().empty());
}

TEST_CASE("a bad or missing cron is INVALID_ARGUMENT and nothing is stored") {
  testing::TempDir dir;
  auto store = Open(dir.path());
  Harness h(store.get());
  v1::Schedule added;
  Status bad = h.scheduler.Add(Job(), kYaml, "0 24 * * *", &added);
  CHECK(bad.IsInvalidArgument());
  CHECK(bad.message() == "cron: hour field: expected a number from 0 to 23, got \"24\"");
  crawler::JobConfig unscheduled = Job();
  unscheduled.schedule.clear();
  CHECK(h.scheduler.Add(unscheduled, kYaml, "", &added).IsInvalidArgument());
  CHECK(h.scheduler.List().empty());
}

TEST_CASE("a schedule's firings carry the job's prepare rules text, across a restart") {
  testing::TempDir dir;
  crawler::JobConfig job = Job();
  job.prepare_rules_yaml = "dataset: books\nfields: {title: {type: string}}\n";
  {
    auto store = Open(dir.path());
    Harness h(store.get());
    v1::Schedule added;
    REQUIRE(h.scheduler.Add(job, kYaml, "*/5 * * * *", &added).ok());
    CHECK(added.spec().prepare_rules_yaml() == job.prepare_rules_yaml);
  }
  auto store = Open(dir.path());
  Harness h(store.get());
  h.now = At(10, 5);
  REQUIRE(h.scheduler.Load().ok());
  h.scheduler.RunDue();
  CHECK(h.prepare_rules == std::vector<std::string>{job.prepare_rules_yaml});
}
