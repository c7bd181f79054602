// `gleaner pull` and PullDataset against a live server: the rows of each split
// are exactly those `gleaner prepare` writes for the same job and rules, and a
// stream dropped mid-way resumes from its token without gaps or repeats.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "schema/gleaner_service.grpc.pb.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/fixture/fixture_site.h"
#include "tests/service/serve_process.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

const std::string kRules = std::string(GLEANER_SOURCE_DIR) + "/configs/rules/demo.yaml";

// configs/jobs/demo.yaml aimed at `site`.
std::string DemoJob(const fixture::FixtureSite& site) {
  std::string yaml = ReadFile(std::string(GLEANER_SOURCE_DIR) + "/configs/jobs/demo.yaml");
  yaml.replace(yaml.find("[\"{{site}}") + 2, 8, site.BaseUrl());  // the seed, not the comment
  return yaml;
}

// A crawled store of the demo job, with the fixture stopped again.
struct CrawledShop {
  CrawledShop() {
    fixture::FixtureOptions options;
    options.pages = 120;
    std::unique_ptr<fixture::FixtureSite> site;
    REQUIRE(fixture::FixtureSite::Start(options, &site).ok());
    std::string job = WriteJob(dir, "demo.yaml", DemoJob(*site));
    ProcessResult crawl = Gleaner({"crawl", job, "--data", dir / "data"});
    INFO(crawl.err);
    REQUIRE(crawl.exit_code == 0);
  }
  TempDir dir;
};

std::vector<v1::DatasetRow> PullRows(const ServeProcess& server, v1::PullDatasetRequest request,
                                     size_t stop_after_batches, std::string* last_token) {
  auto stub = v1::DatasetService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  auto stream = stub->PullDataset(&context, request);
  std::vector<v1::DatasetRow> rows;
  v1::PullDatasetResponse batch;
  for (size_t n = 0; n < stop_after_batches && stream->Read(&batch); ++n) {
    rows.insert(rows.end(), batch.rows().begin(), batch.rows().end());
    *last_token = batch.resume_token();
  }
  context.TryCancel();  // a no-op for a stream that already ended
  stream->Finish();
  return rows;
}

}  // namespace

TEST_CASE("each pulled split equals the split `gleaner prepare` writes") {
  CrawledShop shop;
  ProcessResult prepare =
      Gleaner({"prepare", "--job", "demo", "--rules", kRules, "--out", shop.dir / "prepared",
               "--format", "jsonl", "--data", shop.dir / "data"});
  INFO(prepare.err);
  REQUIRE(prepare.exit_code == 0);

  ServeProcess server(shop.dir, shop.dir / "data", {});
  size_t total = 0;
  for (std::string split : {"train", "validation", "test"}) {
    std::string out = shop.dir / ("pulled-" + split + ".jsonl");
    ProcessResult pull = Client(server, {"pull", "--job", "demo", "--rules", kRules, "--split",
                                         split, "--out", out, "--batch-rows", "7"});
    INFO(split << ": " << pull.err);
    REQUIRE(pull.exit_code == 0);
    std::string expected = ReadFile(shop.dir / ("prepared/" + split + "/part-00000.jsonl"));
    CHECK(ReadFile(out) == expected);
    total += std::count(expected.begin(), expected.end(), '\n');
  }
  CHECK(total > 80);

  ProcessResult bad = Client(server, {"pull", "--job", "demo", "--rules", kRules, "--split",
                                      "holdout", "--out", shop.dir / "x.jsonl"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("INVALID_ARGUMENT: split: expected train, validation or test") !=
        std::string::npos);
  ProcessResult unknown =
      Client(server, {"pull", "--job", "nope", "--rules", kRules, "--out", shop.dir / "x.jsonl"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("NOT_FOUND") != std::string::npos);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a dropped stream resumes from its token with no gap and no repeat") {
  CrawledShop shop;
  ServeProcess server(shop.dir, shop.dir / "data", {});
  v1::PullDatasetRequest request;
  request.set_job("demo");
  request.set_rules_yaml(ReadFile(kRules));
  request.set_split("train");
  request.set_batch_rows(5);

  std::string token;
  std::vector<v1::DatasetRow> whole = PullRows(server, request, SIZE_MAX, &token);
  REQUIRE(whole.size() > 20);

  std::vector<v1::DatasetRow> first = PullRows(server, request, 2, &token);
  REQUIRE(first.size() == 10);
  request.set_resume_token(token);
  std::vector<v1::DatasetRow> rest = PullRows(server, request, SIZE_MAX, &token);
  first.insert(first.end(), rest.begin(), rest.end());
  REQUIRE(first.size() == whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    INFO("row " << i);
    CHECK(first[i].SerializeAsString() == whole[i].SerializeAsString());
  }

  // A token is bound to its split and rules.
  auto stub = v1::DatasetService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  request.set_split("test");
  grpc::ClientContext context;
  auto stream = stub->PullDataset(&context, request);
  v1::PullDatasetResponse batch;
  while (stream->Read(&batch)) {
  }
  CHECK(stream->Finish().error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  REQUIRE(server.Terminate().exit_code == 0);
}
