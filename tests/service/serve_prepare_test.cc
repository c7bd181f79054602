// PrepareDataset and CheckRules against a live server: a dataset prepared
// over the network is the one `gleaner prepare` writes, it lands only below
// DATA/datasets/ (never among the store's files, whatever it is called), a
// restarted server mends what a killed publish left, a monitor's refusal to
// publish is FAILED_PRECONDITION, and rules problems and dry-run counts are
// what `gleaner rules check` reports.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include "schema/gleaner_service.grpc.pb.h"
#include "tests/service/crawled_shop.h"
#include "tests/service/serve_process.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

class Datasets {
 public:
  explicit Datasets(const ServeProcess& server)
      : stub_(v1::DatasetService::NewStub(
            grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()))) {}

  grpc::Status Prepare(const v1::PrepareDatasetRequest& request,
                       v1::PrepareDatasetResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    return stub_->PrepareDataset(&context, request, response);
  }
  grpc::Status Check(const std::string& rules_yaml, const std::string& job,
                     v1::CheckRulesResponse* response) {
    v1::CheckRulesRequest request;
    request.set_rules_yaml(rules_yaml);
    request.set_job(job);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    return stub_->CheckRules(&context, request, response);
  }

 private:
  std::unique_ptr<v1::DatasetService::Stub> stub_;
};

v1::PrepareDatasetRequest DemoRequest(const std::string& out) {
  v1::PrepareDatasetRequest request;
  request.set_job("demo");
  request.set_rules_yaml(ReadFile(kDemoRules));
  request.set_out(out);
  request.set_format("jsonl");
  return request;
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("PrepareDataset writes below the data directory what `gleaner prepare` writes") {
  CrawledShop shop;
  const std::string local = shop.dir / "local";
  PrepareDemoJsonl(shop.dir / "data", local);
  const json expected = json::parse(ReadFile(local + "/manifest.json"));

  ServeProcess server(shop.dir, shop.dir / "data", {});
  Datasets datasets(server);
  v1::PrepareDatasetResponse response;
  grpc::Status s = datasets.Prepare(DemoRequest("exports/demo"), &response);
  INFO(s.error_message());
  REQUIRE(s.ok());

  const std::string served = shop.dir / "data/datasets/exports/demo";
  CHECK(response.manifest_json() == ReadFile(served + "/manifest.json"));
  const json manifest = json::parse(response.manifest_json());
  CHECK(response.version() == expected["version"]);
  CHECK(manifest["version"] == expected["version"]);
  CHECK(manifest["format"] == "jsonl");
  CHECK(manifest["splits"] == expected["splits"]);
  CHECK(manifest["quarantine"] == expected["quarantine"]);
  CHECK(expected["splits"]["train"]["rows"].get<int64_t>() > 60);
  REQUIRE(expected["splits"]["train"]["shards"].size() == 1);
  for (const char* set : {"train", "validation", "test", "quarantine"}) {
    const json& shards = std::string(set) == "quarantine" ? expected["quarantine"]["shards"]
                                                          : expected["splits"][set]["shards"];
    for (const json& shard : shards) {
      const std::string path = shard["path"];
      INFO(set << ": " << path);
      CHECK(ReadFile(served + "/" + path) == ReadFile(local + "/" + path));
    }
  }

  // Preparing again replaces the dataset with the same one.
  v1::PrepareDatasetResponse again;
  REQUIRE(datasets.Prepare(DemoRequest("exports/demo"), &again).ok());
  CHECK(again.version() == response.version());

  // A monitor refusing to publish: the rules drop a column (schema drift).
  v1::PrepareDatasetRequest narrower = DemoRequest("exports/demo");
  std::string rules = ReadFile(kDemoRules);
  const size_t availability = rules.find("  availability:");
  REQUIRE(availability != std::string::npos);
  rules.erase(availability, rules.find('\n', availability) + 1 - availability);
  narrower.set_rules_yaml(rules + "monitor: {on_drift: fail}\n");
  const auto before = Snapshot(served);
  s = datasets.Prepare(narrower, &again);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(s.error_message().find("drift in 1 field (availability (removed))") != std::string::npos);
  CHECK(Snapshot(served) == before);
  const json rejected = json::parse(ReadFile(served + ".drift-rejected.json"));
  CHECK(rejected["schema"][0]["field"] == "availability");
  CHECK(rejected["schema"][0]["change"] == "removed");

  v1::PrepareDatasetRequest unknown = DemoRequest("exports/nope");
  unknown.set_job("nope");
  CHECK(datasets.Prepare(unknown, &response).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_FALSE(fs::exists(shop.dir / "data/datasets/exports/nope"));

  v1::PrepareDatasetRequest bad = DemoRequest("exports/bad");
  bad.set_rules_yaml("dataset: shop\nfields:\n  sku: {type: string, requird: true}\n");
  s = datasets.Prepare(bad, &response);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("rules:3:23:") != std::string::npos);
  CHECK_FALSE(fs::exists(shop.dir / "data/datasets/exports/bad"));
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("PrepareDataset refuses an `out` that leaves the data directory and writes nothing") {
  CrawledShop shop;
  const std::string data = shop.dir / "data";
  const std::string outside = shop.dir / "outside";
  fs::create_directory(outside);
  fs::create_directories(data + "/datasets");
  fs::create_directory_symlink(outside, data + "/datasets/escape");
  const std::set<std::string> before = Entries(data);

  ServeProcess server(shop.dir, data, {});
  Datasets datasets(server);
  for (const std::string& out :
       std::vector<std::string>{"../x", "../000072.sst", shop.dir / "abs", "escape", "escape/ds",
                                "", ".", std::string("ds\0/../../x", 11)}) {
    INFO("out: \"" << out << "\"");
    v1::PrepareDatasetResponse response;
    grpc::Status s = datasets.Prepare(DemoRequest(out), &response);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().rfind("out: ", 0) == 0);
  }
  CHECK_FALSE(fs::exists(shop.dir / "x"));
  CHECK_FALSE(fs::exists(shop.dir / "abs"));
  CHECK(fs::is_empty(outside));
  CHECK(Entries(data + "/datasets") == std::set<std::string>{"escape"});
  std::set<std::string> after = Entries(data);
  // RocksDB may roll its own files while serving; no dataset or temporary directory appeared.
  for (const std::string& name : after) {
    INFO(name);
    CHECK((before.count(name) == 1 || !fs::is_directory(data + "/" + name)));
  }
  REQUIRE(server.Terminate().exit_code == 0);
}

// The RocksDB file names the store will use next: the numbers after the
// highest one in the directory, as tables, logs, manifests and options.
std::vector<std::string> NextStoreFileNames(const std::string& data) {
  uint64_t highest = 0;
  for (const std::string& name : Entries(data)) {
    const size_t digits = name.find_first_of("0123456789");
    if (digits != std::string::npos)
      highest = std::max<uint64_t>(highest, std::stoull(name.substr(digits)));
  }
  std::vector<std::string> names;
  char name[64];
  for (uint64_t n = highest + 1; n <= highest + 4; ++n) {
    for (const char* pattern : {"%06llu.sst", "%06llu.log", "MANIFEST-%06llu", "OPTIONS-%06llu"}) {
      std::snprintf(name, sizeof name, pattern, static_cast<unsigned long long>(n));
      names.push_back(name);
    }
  }
  return names;
}

TEST_CASE("PrepareDataset outputs named like the store's own files leave the store intact") {
  CrawledShop shop;
  const std::string data = shop.dir / "data";
  std::vector<std::string> outs = NextStoreFileNames(data);
  for (const char* name : {"CURRENT", "LOCK", "LOG", "IDENTITY", "MANIFEST-000001", "archive"}) {
    outs.push_back(name);
  }
  const std::string current = ReadFile(data + "/CURRENT");
  {
    ServeProcess server(shop.dir, data, {});
    Datasets datasets(server);
    for (const std::string& out : outs) {
      INFO("out: " << out);
      v1::PrepareDatasetResponse response;
      grpc::Status s = datasets.Prepare(DemoRequest(out), &response);
      INFO(s.error_message());
      CHECK(s.ok());
      CHECK(fs::exists(data + "/datasets/" + out + "/manifest.json"));
    }
    REQUIRE(server.Terminate().exit_code == 0);
  }
  CHECK(fs::is_regular_file(data + "/LOCK"));
  // The next start opens the store (creating files with those numbers) and serves it.
  ServeProcess server(shop.dir, data, {});
  Datasets datasets(server);
  v1::PrepareDatasetResponse response;
  grpc::Status s = datasets.Prepare(DemoRequest(outs.front()), &response);
  INFO(s.error_message());
  CHECK(s.ok());
  REQUIRE(server.Terminate().exit_code == 0);
  ProcessResult count = Gleaner({"stage", "count", "demo", "--data", data});
  INFO(count.err);
  CHECK(count.exit_code == 0);
  CHECK(fs::is_regular_file(data + "/CURRENT"));
}

TEST_CASE("a server started after a PrepareDataset was killed mends what the publish left") {
  CrawledShop shop;
  const std::string data = shop.dir / "data";
  const std::string demo = data + "/datasets/team/demo";
  std::string version;
  {
    ServeProcess server(shop.dir, data, {});
    Datasets datasets(server);
    v1::PrepareDatasetResponse response;
    REQUIRE(datasets.Prepare(DemoRequest("team/demo"), &response).ok());
    version = response.version();
    REQUIRE(server.Terminate().exit_code == 0);
  }
  // As a server killed mid-publish leaves them: a half-written dataset, and the
  // old one moved aside (by a gleaner of before the atomic swap) with OUT gone.
  const std::string partial = demo + ".tmp-" + std::to_string(GonePid());
  fs::create_directories(partial + "/train");
  WriteFile(partial + "/train/part-00000.jsonl", "{\"half\":");
  const std::string aside = demo + ".old-" + std::to_string(GonePid());
  fs::rename(demo, aside);

  ServeProcess server(shop.dir, data, {});
  CHECK(Entries(data + "/datasets/team") == std::set<std::string>{"demo"});
  CHECK(json::parse(ReadFile(demo + "/manifest.json"))["version"] == version);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a NUL byte in a request's string field is INVALID_ARGUMENT naming the field") {
  CrawledShop shop;
  ServeProcess server(shop.dir, shop.dir / "data", {});
  Datasets datasets(server);
  const std::string nul("\0", 1);
  struct Case {
    const char* field;
    v1::PrepareDatasetRequest request;
  };
  std::vector<Case> cases;
  cases.push_back({"out", DemoRequest("ds" + nul + "x")});
  cases.push_back({"job", DemoRequest("ds")});
  cases.back().request.set_job("demo" + nul);
  cases.push_back({"format", DemoRequest("ds")});
  cases.back().request.set_format("jsonl" + nul);
  for (const Case& c : cases) {
    INFO(c.field);
    v1::PrepareDatasetResponse response;
    grpc::Status s = datasets.Prepare(c.request, &response);
    INFO(s.error_message());
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().find(c.field) != std::string::npos);
  }
  CHECK_FALSE(fs::exists(shop.dir / "data/datasets/ds"));
  v1::CheckRulesResponse checked;
  grpc::Status s = datasets.Check(ReadFile(kDemoRules), "demo" + nul, &checked);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("job") != std::string::npos);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("CheckRules reports problems by line and column and counts rules like `rules check`") {
  CrawledShop shop;
  ProcessResult check = Gleaner(
      {"rules", "check", kDemoRules, "--job", "demo", "--json", "--data", shop.dir / "data"});
  INFO(check.err);
  REQUIRE(check.exit_code == 0);
  const json expected = json::parse(check.out)["rules"];
  REQUIRE(expected.size() > 3);

  ServeProcess server(shop.dir, shop.dir / "data", {});
  Datasets datasets(server);
  const std::string rules = ReadFile(kDemoRules);

  v1::CheckRulesResponse valid;
  REQUIRE(datasets.Check(rules, "", &valid).ok());
  CHECK(valid.problems().empty());
  CHECK(valid.counts().empty());

  v1::CheckRulesResponse counted;
  grpc::Status s = datasets.Check(rules, "demo", &counted);
  INFO(s.error_message());
  REQUIRE(s.ok());
  CHECK(counted.problems().empty());
  REQUIRE(counted.counts_size() == static_cast<int>(expected.size()));
  for (int i = 0; i < counted.counts_size(); ++i) {
    INFO("rule " << i);
    CHECK(counted.counts(i).rule() == expected[i]["rule"]);
    CHECK(counted.counts(i).evaluated() == expected[i]["evaluated"]);
    CHECK(counted.counts(i).failed() == expected[i]["failed"]);
  }

  struct Bad {
    std::string text;
    uint32_t line, column;
    std::string mentions;
  };
  for (const Bad& bad : {
           // "requird" starts at column 23 of line 3.
           Bad{"dataset: shop\nfields:\n  sku: {type: string, requird: true}\n", 3, 23, "requird"},
           // A field that fell out of `fields` is an unknown top-level key at 4:1.
           Bad{"dataset: shop\nfields:\n  sku: {type: string}\nprice: {type: float}\n", 4, 1,
               "price"},
       }) {
    INFO(bad.text);
    for (const std::string job : {"", "demo"}) {
      v1::CheckRulesResponse response;
      s = datasets.Check(bad.text, job, &response);
      INFO(s.error_message());
      REQUIRE(s.ok());
      REQUIRE(response.problems_size() == 1);
      CHECK(response.problems(0).line() == bad.line);
      CHECK(response.problems(0).column() == bad.column);
      CHECK(response.problems(0).message().find(bad.mentions) != std::string::npos);
      CHECK(response.counts().empty());
    }
  }

  v1::CheckRulesResponse response;
  CHECK(datasets.Check(rules, "nope", &response).error_code() == grpc::StatusCode::NOT_FOUND);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("with --token-file PrepareDataset and CheckRules need the token") {
  TempDir dir;
  WriteFile(dir / "token", "s3cret\n");
  ServeProcess server(dir, dir / "served", {"--token-file", dir / "token"});
  auto stub = v1::DatasetService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  for (const std::string token : {"", "guess"}) {
    INFO("token: " << token);
    grpc::ClientContext prepare_context;
    if (!token.empty()) prepare_context.AddMetadata("authorization", "Bearer " + token);
    v1::PrepareDatasetResponse prepared;
    CHECK(stub->PrepareDataset(&prepare_context, DemoRequest("ds"), &prepared).error_code() ==
          grpc::StatusCode::UNAUTHENTICATED);
    grpc::ClientContext check_context;
    if (!token.empty()) check_context.AddMetadata("authorization", "Bearer " + token);
    v1::CheckRulesRequest request;
    request.set_rules_yaml("fields: {sku: {type: string}}\n");
    v1::CheckRulesResponse checked;
    CHECK(stub->CheckRules(&check_context, request, &checked).error_code() ==
          grpc::StatusCode::UNAUTHENTICATED);
  }
  CHECK_FALSE(fs::exists(dir / "served/datasets/ds"));

  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer s3cret");
  v1::CheckRulesRequest request;
  request.set_rules_yaml("fields: {sku: {type: string}}\n");
  v1::CheckRulesResponse checked;
  CHECK(stub->CheckRules(&context, request, &checked).ok());
  CHECK(checked.problems().empty());
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("PrepareDataset and CheckRules refuse a field whose key no staged record has") {
  CrawledShop shop;
  const std::string data = shop.dir / "data";
  ServeProcess server(shop.dir, data, {});
  Datasets datasets(server);
  // `prize` starts at column 30 of line 3; the demo's records have `price`.
  const std::string typo =
      "fields:\n  title: {type: string}\n  price: {type: float, from: prize}\n";

  v1::CheckRulesResponse unchecked;
  REQUIRE(datasets.Check(typo, "", &unchecked).ok());
  CHECK(unchecked.problems().empty());  // no job: no records to compare with

  v1::CheckRulesResponse checked;
  grpc::Status s = datasets.Check(typo, "demo", &checked);
  INFO(s.error_message());
  REQUIRE(s.ok());
  REQUIRE(checked.problems_size() == 1);
  CHECK(checked.problems(0).line() == 3);
  CHECK(checked.problems(0).column() == 30);
  CHECK(checked.problems(0).message().find("field 'price' reads staged key 'prize'") !=
        std::string::npos);
  CHECK(checked.problems(0).message().find("did you mean 'price'?") != std::string::npos);

  v1::PrepareDatasetRequest request = DemoRequest("typo");
  request.set_rules_yaml(typo);
  v1::PrepareDatasetResponse response;
  s = datasets.Prepare(request, &response);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().rfind("rules:3:30: field 'price' reads staged key 'prize'", 0) == 0);
  CHECK_FALSE(fs::exists(data + "/datasets/typo"));
  REQUIRE(server.Terminate().exit_code == 0);
}
