// `gleaner serve --metrics`: Prometheus text exposition at GET /metrics with
// the gRPC calls the server answered (counted by method and code, streams in
// progress, durations), the records pulled, and the store's jobs and their
// runs; any other path is 404. Also the whole path end to end: submit, crawl, pull.
#include <curl/curl.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "demo/fixture_site.h"
#include "storage/job_phase.h"
#include "storage/job_writer.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/service/crawled_shop.h"
#include "tests/service/job_watcher.h"
#include "tests/service/serve_process.h"
#include "tests/support/loaded_curl.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

struct HttpReply {
  long status = 0;
  std::string content_type;
  std::string body;
};

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

HttpReply Get(const std::string& address, const std::string& path, bool post = false) {
  HttpReply reply;
  const CurlLibrary& libcurl = LoadedCurl();
  CURL* curl = libcurl.easy_init();
  std::string url = "http://" + address + path;
  libcurl.easy_setopt(curl, CURLOPT_URL, url.c_str());
  libcurl.easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  libcurl.easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  libcurl.easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  if (post) libcurl.easy_setopt(curl, CURLOPT_POSTFIELDS, "");
  CURLcode code = libcurl.easy_perform(curl);
  libcurl.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  char* type = nullptr;
  libcurl.easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
  if (type != nullptr) reply.content_type = type;
  libcurl.easy_cleanup(curl);
  REQUIRE(code == CURLE_OK);
  return reply;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// sample ("name{labels}") → value, for every line that is not a comment.
std::map<std::string, std::string> Samples(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const std::string& line : Lines(text)) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

// The samples of one metric name (with or without labels).
std::set<std::string> SeriesOf(const std::map<std::string, std::string>& samples,
                               const std::string& name) {
  std::set<std::string> out;
  for (const auto& [series, value] : samples) {
    if (series == name || series.rfind(name + "{", 0) == 0) out.insert(series + " " + value);
  }
  return out;
}

std::string Metrics(const ServeProcess& server) {
  HttpReply reply = Get(server.metrics_address(), "/metrics");
  REQUIRE(reply.status == 200);
  CHECK(reply.content_type == "text/plain; version=0.0.4; charset=utf-8");
  return reply.body;
}

void Next(grpc::CompletionQueue* cq, void* want) {
  void* tag = nullptr;
  bool ok = false;
  REQUIRE(cq->Next(&tag, &ok));
  REQUIRE(tag == want);
}

const char* kReflection = "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
const char* kPhases[] = {"queued", "running", "paused", "succeeded", "failed", "cancelled"};

}  // namespace

TEST_CASE("/metrics counts the calls the server answered, by method and code") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {"--metrics", "127.0.0.1:0"});
  REQUIRE(server.metrics_address().rfind("127.0.0.1:", 0) == 0);

  REQUIRE(Client(server, {"jobs", "list"}).exit_code == 0);
  REQUIRE(Client(server, {"jobs", "list"}).exit_code == 0);
  ProcessResult missing = Client(server, {"jobs", "status", "nope"});
  REQUIRE(missing.err.find("NOT_FOUND") != std::string::npos);

  // A bidirectional stream (server reflection) is active until it finishes.
  grpc::GenericStub stub(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&context, std::string("/") + kReflection, &cq);
  int start, write, read, done, finish;
  call->StartCall(&start);
  Next(&cq, &start);
  std::string list_services("\x3a\x00", 2);  // ServerReflectionRequest{list_services: ""}
  grpc::Slice slice(list_services);
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, &write);
  Next(&cq, &write);
  grpc::ByteBuffer response;
  call->Read(&response, &read);
  Next(&cq, &read);
  std::string stream_gauge =
      "gleaner_grpc_streams_active{method=\"" + std::string(kReflection) + "\"}";
  CHECK(Samples(Metrics(server))[stream_gauge] == "1");
  call->WritesDone(&done);
  Next(&cq, &done);
  grpc::Status status;
  call->Finish(&status, &finish);
  Next(&cq, &finish);
  REQUIRE(status.ok());

  std::string text = Metrics(server);
  INFO(text);
  auto samples = Samples(text);
  const std::string list = "method=\"gleaner.v1.JobService/ListJobs\"";
  const std::string get = "method=\"gleaner.v1.JobService/GetJob\"";
  const std::string reflect = "method=\"" + std::string(kReflection) + "\"";
  CHECK(SeriesOf(samples, "gleaner_grpc_calls_total") ==
        std::set<std::string>{"gleaner_grpc_calls_total{" + get + ",code=\"NOT_FOUND\"} 1",
                              "gleaner_grpc_calls_total{" + list + ",code=\"OK\"} 2",
                              "gleaner_grpc_calls_total{" + reflect + ",code=\"OK\"} 1"});
  CHECK(SeriesOf(samples, "gleaner_grpc_streams_active") ==
        std::set<std::string>{stream_gauge + " 0"});
  CHECK(SeriesOf(samples, "gleaner_grpc_call_seconds_count") ==
        std::set<std::string>{"gleaner_grpc_call_seconds_count{" + get + "} 1",
                              "gleaner_grpc_call_seconds_count{" + list + "} 2",
                              "gleaner_grpc_call_seconds_count{" + reflect + "} 1"});
  CHECK(samples["gleaner_grpc_call_seconds_bucket{" + list + ",le=\"+Inf\"}"] == "2");
  // No call here takes five minutes: the largest finite bucket holds them all.
  CHECK(samples["gleaner_grpc_call_seconds_bucket{" + list + ",le=\"300\"}"] == "2");
  CHECK(samples.count("gleaner_grpc_call_seconds_sum{" + list + "}") == 1);
  // Fifteen buckets per method: fourteen bounds and +Inf.
  CHECK(SeriesOf(samples, "gleaner_grpc_call_seconds_bucket").size() == 3 * 15);

  for (const char* phase : kPhases) {
    CHECK(samples["gleaner_jobs{phase=\"" + std::string(phase) + "\"}"] == "0");
  }
  for (const char* zero :
       {"gleaner_pages_fetched_total", "gleaner_pages_not_modified_total",
        "gleaner_fetched_bytes_total", "gleaner_fetch_errors_total",
        "gleaner_records_ingested_total", "gleaner_records_pulled_total",
        "gleaner_run_records_total{change=\"added\"}",
        "gleaner_run_records_total{change=\"removed\"}"}) {
    INFO(zero);
    CHECK(samples[zero] == "0");
  }

  // Every family has its HELP and TYPE line, in that order, before its samples.
  std::map<std::string, std::string> types;
  std::string last_help;
  for (const std::string& line : Lines(text)) {
    if (line.rfind("# HELP ", 0) == 0) {
      last_help = line.substr(7, line.find(' ', 7) - 7);
    } else if (line.rfind("# TYPE ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      CHECK(name == last_help);
      types[name] = line.substr(line.rfind(' ') + 1);
    }
  }
  CHECK(types == std::map<std::string, std::string>{
                     {"gleaner_jobs", "gauge"},
                     {"gleaner_pages_fetched_total", "counter"},
                     {"gleaner_pages_not_modified_total", "counter"},
                     {"gleaner_run_records_total", "counter"},
                     {"gleaner_fetched_bytes_total", "counter"},
                     {"gleaner_fetch_errors_total", "counter"},
                     {"gleaner_records_ingested_total", "counter"},
                     {"gleaner_records_pulled_total", "counter"},
                     {"gleaner_grpc_calls_total", "counter"},
                     {"gleaner_grpc_streams_active", "gauge"},
                     {"gleaner_grpc_call_seconds", "histogram"},
                 });

  CHECK(Get(server.metrics_address(), "/other").status == 404);
  CHECK(Get(server.metrics_address(), "/").status == 404);
  CHECK(Get(server.metrics_address(), "/metrics", /*post=*/true).status == 405);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("job series are read from the store, a bare port listens on loopback") {
  demo::FixtureOptions options;
  options.pages = 12;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job =
      WriteJob(dir, "shop.yaml",
               "name: shop\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
                   "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml +
                   "politeness: {concurrency: 4, per_host: 4, delay_ms: 0}\n");
  ProcessResult crawl = Gleaner({"crawl", job, "--data", dir / "data"});
  INFO(crawl.err);
  REQUIRE(crawl.exit_code == 0);
  nlohmann::json stored = StageJob(dir / "data", "shop");
  REQUIRE(stored["phase"] == "succeeded");
  REQUIRE(stored["stats"]["pages_fetched"].get<uint64_t>() > 12);

  ServeProcess server(dir, dir / "data", {"--metrics", ":0"});
  REQUIRE(server.metrics_address().rfind("127.0.0.1:", 0) == 0);
  auto samples = Samples(Metrics(server));
  for (const char* phase : kPhases) {
    INFO(phase);
    CHECK(samples["gleaner_jobs{phase=\"" + std::string(phase) + "\"}"] ==
          (std::string(phase) == "succeeded" ? "1" : "0"));
  }
  CHECK(samples["gleaner_pages_fetched_total"] ==
        std::to_string(stored["stats"]["pages_fetched"].get<uint64_t>()));
  CHECK(samples["gleaner_fetched_bytes_total"] ==
        std::to_string(stored["stats"]["bytes_fetched"].get<uint64_t>()));
  CHECK(samples["gleaner_fetch_errors_total"] == std::to_string(stored["errors"].get<uint64_t>()));
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("run series add up every run of every job, not only the current one") {
  TempDir dir;
  {
    std::unique_ptr<storage::StagingStore> store;
    REQUIRE(storage::StagingStore::OpenPrimary(dir / "data", {}, &store).ok());
    // Job "weekly": run 1 added 10 records, run 2 found 2 changed, 1 removed,
    // 7 unchanged and 3 pages not modified; job "daily" has one run (4 added).
    struct Run {
      const char* job;
      uint32_t number;
      uint64_t added, changed, unchanged, removed, not_modified;
    };
    for (const Run& r : {Run{"weekly", 1, 10, 0, 0, 0, 0}, Run{"weekly", 2, 0, 2, 7, 1, 3},
                         Run{"daily", 1, 4, 0, 0, 0, 0}}) {
      std::unique_ptr<storage::JobWriter> writer;
      REQUIRE(storage::JobWriter::Open(store.get(), r.job, &writer).ok());
      v1::JobState* state = writer->mutable_state();
      state->set_phase(v1::JOB_SUCCEEDED);
      v1::JobStats* stats = state->mutable_stats();
      stats->set_pages_not_modified(stats->pages_not_modified() + r.not_modified);
      v1::CrawlRun* run = state->mutable_run();
      run->Clear();
      run->set_number(r.number);
      run->set_end(v1::CrawlRun::COMPLETE);
      run->set_pages_not_modified(r.not_modified);
      run->set_records_added(r.added);
      run->set_records_changed(r.changed);
      run->set_records_unchanged(r.unchanged);
      run->set_records_removed(r.removed);
      REQUIRE(writer->Commit().ok());
    }
  }
  ServeProcess server(dir, dir / "data", {"--metrics", ":0"});
  std::string text = Metrics(server);
  INFO(text);
  auto samples = Samples(text);
  CHECK(samples["gleaner_pages_not_modified_total"] == "3");
  CHECK(SeriesOf(samples, "gleaner_run_records_total") ==
        std::set<std::string>{"gleaner_run_records_total{change=\"added\"} 14",
                              "gleaner_run_records_total{change=\"changed\"} 2",
                              "gleaner_run_records_total{change=\"unchanged\"} 7",
                              "gleaner_run_records_total{change=\"removed\"} 1"});
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a taken metrics port stops the server before it listens") {
  TempDir dir;
  ServeProcess first(dir, dir / "first", {"--metrics", "127.0.0.1:0"});
  ProcessResult second =
      RunProcess({"/usr/bin/timeout", "60", GLEANER_BINARY, "serve", "--listen", "127.0.0.1:0",
                  "--data", dir / "second", "--metrics", first.metrics_address()});
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("cannot listen on " + first.metrics_address() + " for metrics") !=
        std::string::npos);
  CHECK(second.out.find("listening on") == std::string::npos);
  REQUIRE(first.Terminate().exit_code == 0);
}

TEST_CASE(
    "end to end: a submitted job's pulled splits equal `gleaner prepare`'s, /metrics counts them") {
  demo::FixtureOptions options;
  options.pages = 120;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string job = WriteJob(dir, "demo.yaml", DemoJob(*site));
  ServeProcess server(dir, dir / "data", {"--metrics", ":0", "--allow-private-networks"});
  ProcessResult submit = Client(server, {"jobs", "submit", job});
  INFO(submit.err);
  REQUIRE(submit.exit_code == 0);
  CHECK(storage::JobPhaseWord(JobWatcher(server).WaitForEnd("demo").phase()) ==
        std::string("succeeded"));

  uint64_t pulled = 0;
  for (std::string split : {"train", "validation", "test"}) {
    ProcessResult pull = Client(server, {"pull", "--job", "demo", "--rules", kDemoRules, "--split",
                                         split, "--out", dir / ("pulled-" + split + ".jsonl")});
    INFO(split << ": " << pull.err);
    REQUIRE(pull.exit_code == 0);
    std::string rows = ReadFile(dir / ("pulled-" + split + ".jsonl"));
    pulled += std::count(rows.begin(), rows.end(), '\n');
  }
  auto samples = Samples(Metrics(server));
  CHECK(samples["gleaner_records_pulled_total"] == std::to_string(pulled));
  CHECK(samples["gleaner_jobs{phase=\"succeeded\"}"] == "1");
  REQUIRE(server.Terminate().exit_code == 0);

  // The same rules prepared locally over the store the server crawled into.
  PrepareDemoJsonl(dir / "data", dir / "prepared");
  for (std::string split : {"train", "validation", "test"}) {
    INFO(split);
    CHECK(ReadFile(dir / ("pulled-" + split + ".jsonl")) ==
          ReadFile(dir / ("prepared/" + split + "/part-00000.jsonl")));
  }
  CHECK(pulled > 80);
}
