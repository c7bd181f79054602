// A job with a `prepare:` block under `gleaner serve`: after each run the
// server prepares its dataset below DATA/datasets/ with the rules text the
// client sent, the rules' monitor comparing it with the version it replaces.
// The fixture's catalogue, before and after its scripted change, says which
// fields drift; GetDrift, `jobs status`, `jobs drift` and /metrics must agree
// with it and with the report the server wrote, GetProfile with the profile
// it wrote; under on_drift: fail the old version stays published. Also: the
// rules must travel with the job, and a dataset name may not leave
// DATA/datasets/.
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "schema/gleaner_service.grpc.pb.h"
#include "tests/service/crawled_shop.h"
#include "tests/service/job_watcher.h"
#include "tests/service/serve_process.h"
#include "tests/support/loaded_curl.h"

namespace gleaner::testing {
namespace {

using nlohmann::json;

class DatasetCalls {
 public:
  explicit DatasetCalls(const ServeProcess& server)
      : stub_(v1::DatasetService::NewStub(
            grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()))) {}

  grpc::Status Profile(const std::string& dataset, v1::GetProfileResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->GetProfile(&context, Request(dataset), response);
  }
  grpc::Status Drift(const std::string& dataset, v1::GetDriftResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->GetDrift(&context, Request(dataset), response);
  }

 private:
  static v1::DatasetRequest Request(const std::string& dataset) {
    v1::DatasetRequest request;
    request.set_dataset(dataset);
    return request;
  }
  std::unique_ptr<v1::DatasetService::Stub> stub_;
};

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// GET /metrics.
std::string Scrape(const ServeProcess& server) {
  std::string body;
  const CurlLibrary& libcurl = LoadedCurl();
  CURL* curl = libcurl.easy_init();
  const std::string url = "http://" + server.metrics_address() + "/metrics";
  libcurl.easy_setopt(curl, CURLOPT_URL, url.c_str());
  libcurl.easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  libcurl.easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  libcurl.easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  const CURLcode code = libcurl.easy_perform(curl);
  libcurl.easy_cleanup(curl);
  REQUIRE(code == CURLE_OK);
  return body;
}

// The value of each series of `family` in an exposition, by its label text
// ("dataset=\"demo\",field=\"price\",metric=\"psi\"").
std::map<std::string, double> Series(const std::string& text, const std::string& family) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(family + "{", 0) != 0) continue;
    const size_t close = line.find("} ");
    out[line.substr(family.size() + 1, close - family.size() - 1)] =
        std::stod(line.substr(close + 2));
  }
  return out;
}

// What each gauge metric is in a drift report's field (docs/drift.md): the
// test's own reading of the report, not the server's.
std::map<std::string, json> ScoresOf(const json& f) {
  std::map<std::string, json> s;
  if (f.contains("numeric")) {
    const json& n = f["numeric"];
    s["ks_statistic"] = n["ks"]["statistic"];
    s["normalized_wasserstein"] = n["normalized_wasserstein"];  // null over a constant baseline
    s["psi"] = n["psi"];
    s["jensen_shannon"] = n["jensen_shannon"];
  }
  if (f.contains("categorical")) {
    const json& c = f["categorical"];
    s["jensen_shannon"] = c["jensen_shannon"];
    s["chi_squared_p"] = c["chi_squared"]["p_value"];
    s["linf_excess"] = c["linf"]["excess"];
  }
  if (f.contains("nulls")) s["null_rate_change"] = f["nulls"]["change"];
  return s;
}

// The gauges a report implies: label text → value.
std::map<std::string, double> ExpectedGauges(const json& report) {
  std::map<std::string, double> out;
  for (const json& field : report["fields"]) {
    for (const auto& [metric, value] : ScoresOf(field)) {
      if (!value.is_number()) continue;
      out["dataset=\"demo\",field=\"" + field["field"].get<std::string>() + "\",metric=\"" +
          metric + "\""] = value.get<double>();
    }
  }
  return out;
}

// The demo rules with a monitor (configs/rules/demo.yaml names the dataset "demo").
std::string MonitoredRules(const std::string& on_drift) {
  return ReadFile(kDemoRules) + "monitor: {on_drift: " + on_drift + "}\n";
}

// Moves every product's content twenty generations (price, stock and reviews:
// see drift_cli_test) and returns the fields that touched, as the catalogue says.
std::set<std::string> ChangeShop(ChangingShop* shop) {
  const int before = shop->site->generation();
  shop->ChangeEveryProduct(20);
  return TouchedFields(shop->site->catalog_at(before), shop->site->catalog());
}

// The fields a monitor must call drift after a change touched `touched`:
// availability's distribution stays uniform (drift_cli_test says why), and
// a monitor ignores the crawl's own columns (fetch_time moves with every
// refetch) unless its `fields` names them (docs/prepare.md#monitor).
std::set<std::string> DriftingFields(std::set<std::string> touched) {
  touched.erase("availability");
  return touched;
}

v1::JobState WaitForPrepare(JobWatcher* watcher, uint32_t run) {
  return watcher->WaitUntil("demo", "dataset prepared after run " + std::to_string(run),
                            [run](const v1::JobState& s) { return s.prepare().run() == run; });
}

std::string Version(const std::string& dataset_dir) {
  return json::parse(ReadFile(dataset_dir + "/manifest.json"))["version"];
}

TEST_CASE("a served job's dataset is prepared after each run and its drift shown everywhere") {
  ChangingShop shop(200);
  WriteJob(shop.dir, "rules.yaml", MonitoredRules("warn"));
  WriteJob(shop.dir, "demo.yaml", ReadFile(shop.job) + "prepare: {rules: rules.yaml}\n");
  ServeProcess server(shop.dir, shop.data,
                      {"--allow-private-networks", "--metrics", "127.0.0.1:0"});
  JobWatcher watcher(server);
  DatasetCalls datasets(server);
  const std::string published = shop.data + "/datasets/demo";

  // Nothing published yet; names that leave DATA/datasets/ are refused.
  v1::GetProfileResponse profile;
  v1::GetDriftResponse drift;
  CHECK(datasets.Profile("demo", &profile).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(datasets.Drift("demo", &drift).error_code() == grpc::StatusCode::NOT_FOUND);
  for (const char* bad : {"../demo", "/etc", "", "."}) {
    INFO(bad);
    CHECK(datasets.Drift(bad, &drift).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(datasets.Profile(bad, &profile).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }

  // Run 1: published, nothing to compare with.
  REQUIRE(Client(server, {"jobs", "submit", shop.job}).exit_code == 0);
  v1::JobState state = WaitForPrepare(&watcher, 1);
  INFO(state.prepare().ShortDebugString());
  CHECK(state.prepare().error().empty());
  CHECK(state.prepare().published());
  CHECK_FALSE(state.prepare().compared());
  CHECK(state.prepare().dataset() == "demo");
  const std::string v1_version = Version(published);
  CHECK(state.prepare().version() == v1_version);
  REQUIRE(datasets.Profile("demo", &profile).ok());
  CHECK(profile.profile_json() == ReadFile(published + "/profile.json"));
  CHECK(profile.version() == v1_version);
  CHECK(datasets.Drift("demo", &drift).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(Series(Scrape(server), "gleaner_dataset_drift_verdict").empty());

  // Run 2, after the change: published with its drift report.
  const std::set<std::string> touched = ChangeShop(&shop);
  REQUIRE(touched == std::set<std::string>{"availability", "price", "reviews"});
  REQUIRE(Client(server, {"jobs", "submit", shop.job}).exit_code == 0);
  state = WaitForPrepare(&watcher, 2);
  CHECK(state.prepare().published());
  REQUIRE(state.prepare().compared());
  const std::string v2_version = Version(published);
  CHECK(v2_version != v1_version);

  REQUIRE(datasets.Drift("demo", &drift).ok());
  const std::string report_text = ReadFile(published + "/drift.json");
  CHECK(drift.report_json() == report_text);
  const json report = json::parse(report_text);
  CHECK(drift.summary().verdict() == "drift");
  CHECK_FALSE(drift.summary().refused());
  CHECK(drift.summary().baseline_version() == v1_version);
  CHECK(drift.summary().current_version() == v2_version);
  const std::set<std::string> expected = DriftingFields(touched);
  CHECK(std::set<std::string>(drift.summary().drift_fields().begin(),
                              drift.summary().drift_fields().end()) == expected);
  CHECK(std::set<std::string>(state.prepare().drift().drift_fields().begin(),
                              state.prepare().drift().drift_fields().end()) == expected);

  // `jobs status`, text and JSON.
  const ProcessResult status = Client(server, {"jobs", "status", "demo"});
  REQUIRE(status.exit_code == 0);
  INFO(status.out);
  CHECK(status.out.find("dataset:  demo " + v2_version.substr(0, 12) + " (run 2): drift against " +
                        v1_version + ": drift in " + std::to_string(expected.size()) + " fields") !=
        std::string::npos);
  for (const std::string& field : expected) CHECK(status.out.find(field) != std::string::npos);
  CHECK(status.out.find("; published\n") != std::string::npos);
  const ProcessResult status_json = Client(server, {"jobs", "status", "demo", "--json"});
  REQUIRE(status_json.exit_code == 0);
  const json prepare = json::parse(status_json.out)["prepare"];
  CHECK(prepare["dataset"] == "demo");
  CHECK(prepare["version"] == v2_version);
  CHECK(prepare["monitor"]["verdict"] == "drift");
  CHECK(prepare["monitor"]["drift_fields"].get<std::set<std::string>>() == expected);
  CHECK(prepare["monitor"]["refused"] == false);

  // `jobs drift --json` is the report; `jobs profile`, the profile.
  const ProcessResult drift_cmd = Client(server, {"jobs", "drift", "demo", "--json"});
  REQUIRE(drift_cmd.exit_code == 0);
  CHECK(drift_cmd.out == report_text);
  CHECK(Client(server, {"jobs", "profile", "demo"}).out == ReadFile(published + "/profile.json"));
  // Without --json, a verdict line and a row per field of the report.
  const ProcessResult drift_text = Client(server, {"jobs", "drift", "demo"});
  REQUIRE(drift_text.exit_code == 0);
  CHECK(drift_text.out.rfind("dataset demo: " + v2_version + " against " + v1_version + ": drift\n",
                             0) == 0);
  for (const json& field : report["fields"]) {
    CHECK(drift_text.out.find("\n" + field["field"].get<std::string>() + " ") != std::string::npos);
  }

  // The gauges are the report's scores, exactly (shortest round-trip digits).
  const std::string metrics = Scrape(server);
  const std::map<std::string, double> gauges = ExpectedGauges(report);
  CHECK(gauges.size() >= report["fields"].size() * 3);
  CHECK(Series(metrics, "gleaner_field_drift") == gauges);
  CHECK(Series(metrics, "gleaner_dataset_drift_verdict") ==
        std::map<std::string, double>{{"dataset=\"demo\"", 2}});

  // The outcome lives in the store: a restarted server still shows it.
  REQUIRE(server.Terminate().exit_code == 0);
  ServeProcess restarted(shop.dir, shop.data, {"--allow-private-networks"});
  CHECK(Client(restarted, {"jobs", "status", "demo"})
            .out.find("dataset:  demo " + v2_version.substr(0, 12)) != std::string::npos);
}

TEST_CASE("on_drift: fail keeps the old dataset published and the run succeeded, refused") {
  ChangingShop shop(150);
  WriteJob(shop.dir, "rules.yaml", MonitoredRules("fail"));
  WriteJob(shop.dir, "demo.yaml", ReadFile(shop.job) + "prepare: {rules: rules.yaml}\n");
  ServeProcess server(shop.dir, shop.data, {"--allow-private-networks"});
  JobWatcher watcher(server);
  DatasetCalls datasets(server);
  const std::string published = shop.data + "/datasets/demo";

  REQUIRE(Client(server, {"jobs", "submit", shop.job}).exit_code == 0);
  REQUIRE(WaitForPrepare(&watcher, 1).prepare().published());
  const std::string v1_version = Version(published);
  const std::string v1_profile = ReadFile(published + "/profile.json");

  ChangeShop(&shop);
  REQUIRE(Client(server, {"jobs", "submit", shop.job}).exit_code == 0);
  const v1::JobState state = WaitForPrepare(&watcher, 2);
  INFO(state.prepare().ShortDebugString());
  CHECK(state.phase() == v1::JOB_SUCCEEDED);  // the crawl worked
  CHECK(state.prepare().error().empty());
  CHECK_FALSE(state.prepare().published());
  CHECK(state.prepare().drift().refused());
  CHECK(state.prepare().version() != v1_version);
  CHECK(Version(published) == v1_version);

  v1::GetProfileResponse profile;
  REQUIRE(datasets.Profile("demo", &profile).ok());
  CHECK(profile.version() == v1_version);
  CHECK(profile.profile_json() == v1_profile);
  v1::GetDriftResponse drift;
  REQUIRE(datasets.Drift("demo", &drift).ok());
  CHECK(drift.summary().refused());
  CHECK(drift.summary().verdict() == "drift");
  CHECK(drift.summary().current_version() == state.prepare().version());
  CHECK(drift.report_json() == ReadFile(shop.data + "/datasets/demo.drift-rejected.json"));

  const ProcessResult status = Client(server, {"jobs", "status", "demo"});
  INFO(status.out);
  CHECK(status.out.find("phase:    succeeded") != std::string::npos);
  CHECK(status.out.find("; refused (on_drift: fail), the published version stays\n") !=
        std::string::npos);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("each firing of a schedule prepares against the previous version, across a restart") {
  ChangingShop shop(120);
  const std::string rules = WriteJob(shop.dir, "rules.yaml", MonitoredRules("warn"));
  WriteJob(shop.dir, "demo.yaml", ReadFile(shop.job) + "prepare: {rules: rules.yaml}\n");
  const auto ten = std::chrono::sys_days(std::chrono::year(2030) / 1 / 1) + std::chrono::hours(10);
  SchedulerClock clock(shop.dir, ten + std::chrono::seconds(30));
  std::string v1_version;
  {
    ServeProcess server(shop.dir, shop.data, {"--allow-private-networks"}, clock.env());
    REQUIRE(Client(server, {"jobs", "schedule", shop.job, "--cron", "* * * * *"}).exit_code == 0);
    // From here on only the server's copy of the rules exists.
    std::filesystem::remove(rules);
    JobWatcher watcher(server);
    clock.Set(ten + std::chrono::minutes(1));
    const v1::JobState state = WaitForPrepare(&watcher, 1);
    INFO(state.prepare().ShortDebugString());
    REQUIRE(state.prepare().published());
    v1_version = state.prepare().version();
    REQUIRE(server.Terminate().exit_code == 0);
  }
  ChangeShop(&shop);
  ServeProcess server(shop.dir, shop.data, {"--allow-private-networks"}, clock.env());
  JobWatcher watcher(server);
  clock.Set(ten + std::chrono::minutes(2));
  const v1::JobState state = WaitForPrepare(&watcher, 2);
  INFO(state.prepare().ShortDebugString());
  CHECK(state.prepare().error().empty());
  REQUIRE(state.prepare().compared());
  CHECK(state.prepare().drift().baseline_version() == v1_version);
  CHECK(state.prepare().drift().current_version() == state.prepare().version());
  CHECK(Version(shop.data + "/datasets/demo") == state.prepare().version());
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a job's prepare rules travel as text and name a dataset below DATA/datasets/") {
  TempDir dir;
  ServeProcess server(dir, dir / "data", {"--allow-private-networks"});
  auto jobs = v1::JobService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  const std::string job_yaml =
      "name: shop\nsources:\n  - kind: html\n    seeds: [\"http://127.0.0.1:9/\"]\n"
      "prepare: {rules: rules.yaml}\n";
  const auto submit = [&](const std::string& yaml, const std::string& rules) {
    v1::SubmitJobRequest request;
    request.mutable_job()->set_yaml(yaml);
    request.mutable_job()->set_display_name("jobs/shop.yaml");
    request.mutable_job()->set_prepare_rules_yaml(rules);
    v1::SubmitJobResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return jobs->SubmitJob(&context, request, &response);
  };
  // The server never reads the client's rules file: no text, no job.
  grpc::Status s = submit(job_yaml, "");
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("prepare.rules: the job names jobs/rules.yaml") !=
        std::string::npos);
  // Rules text for a job without a prepare: block.
  s = submit("name: shop\nsources:\n  - kind: html\n    seeds: [\"http://127.0.0.1:9/\"]\n",
             "fields: {a: {type: string}}\n");
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  // Rules that do not parse, named as the job names them.
  s = submit(job_yaml, "fields: {a: {type: strin}}\n");
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("jobs/rules.yaml:1:") != std::string::npos);
  // A dataset name that leaves DATA/datasets/.
  s = submit(job_yaml, "dataset: ../../escaped\nfields: {a: {type: string}}\n");
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("dataset") != std::string::npos);
  // A name publishing keeps for a refused dataset's report.
  s = submit(job_yaml, "dataset: demo.drift-rejected.json\nfields: {a: {type: string}}\n");
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(Client(server, {"jobs", "list", "--json"}).out == "[]\n");
  REQUIRE(server.Terminate().exit_code == 0);
}

}  // namespace
}  // namespace gleaner::testing
