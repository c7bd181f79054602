// `gleaner pull` and PullDataset against a live server: the rows of each split
// are exactly those `gleaner prepare` writes for the same job and rules, a
// stream dropped mid-way resumes from its token without gaps or repeats, many
// streams at once each get the whole split, and cancelled or timed-out streams
// leave the server serving with its threads and descriptors released.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "schema/gleaner_service.grpc.pb.h"
#include "tests/parquet_readers/parquet_read_back.h"
#include "tests/service/crawled_shop.h"
#include "tests/service/serve_process.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

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

v1::PullDatasetRequest TrainRequest(uint32_t batch_rows) {
  v1::PullDatasetRequest request;
  request.set_job("demo");
  request.set_rules_yaml(ReadFile(kDemoRules));
  request.set_split("train");
  request.set_batch_rows(batch_rows);
  return request;
}

// A channel with a connection of its own, as a separate client would have
// (gRPC otherwise shares one connection among equal channels).
std::unique_ptr<v1::DatasetService::Stub> OwnConnection(const ServeProcess& server) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return v1::DatasetService::NewStub(
      grpc::CreateCustomChannel(server.address(), grpc::InsecureChannelCredentials(), args));
}

struct Resources {
  int threads = 0;
  int fds = 0;
};

Resources ResourcesOf(pid_t pid) {
  Resources r;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Threads:", 0) == 0) r.threads = std::stoi(line.substr(8));
  }
  for (const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    (void)e;
    ++r.fds;
  }
  return r;
}

}  // namespace

TEST_CASE("each pulled split equals the split `gleaner prepare` writes") {
  CrawledShop shop;
  PrepareDemoJsonl(shop.dir / "data", shop.dir / "prepared");

  ServeProcess server(shop.dir, shop.dir / "data", {});
  size_t total = 0;
  for (std::string split : {"train", "validation", "test"}) {
    std::string out = shop.dir / ("pulled-" + split + ".jsonl");
    ProcessResult pull = Client(server, {"pull", "--job", "demo", "--rules", kDemoRules, "--split",
                                         split, "--out", out, "--batch-rows", "7"});
    INFO(split << ": " << pull.err);
    REQUIRE(pull.exit_code == 0);
    std::string expected = ReadFile(shop.dir / ("prepared/" + split + "/part-00000.jsonl"));
    CHECK(ReadFile(out) == expected);
    total += std::count(expected.begin(), expected.end(), '\n');
  }
  CHECK(total > 80);

  ProcessResult bad = Client(server, {"pull", "--job", "demo", "--rules", kDemoRules, "--split",
                                      "holdout", "--out", shop.dir / "x.jsonl"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("INVALID_ARGUMENT: split: expected train, validation or test") !=
        std::string::npos);
  ProcessResult unknown = Client(
      server, {"pull", "--job", "nope", "--rules", kDemoRules, "--out", shop.dir / "x.jsonl"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("NOT_FOUND") != std::string::npos);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a pull without --out writes the split to stdout, Parquet to a terminal is refused") {
  CrawledShop shop;
  PrepareDemoJsonl(shop.dir / "data", shop.dir / "prepared");
  ServeProcess server(shop.dir, shop.dir / "data", {});
  const std::string expected = ReadFile(shop.dir / "prepared/validation/part-00000.jsonl");
  REQUIRE(!expected.empty());

  ProcessResult pull =
      Client(server, {"pull", "--job", "demo", "--rules", kDemoRules, "--split", "validation"});
  INFO(pull.err);
  REQUIRE(pull.exit_code == 0);
  CHECK(pull.out == expected);  // the rows only: the summary went to stderr
  CHECK(pull.err.find("into standard output") != std::string::npos);
  ProcessResult dash = Client(server, {"pull", "--job", "demo", "--rules", kDemoRules, "--split",
                                       "validation", "--out", "-"});
  CHECK(dash.out == expected);

  // stdout a terminal: `script` gives the child a pseudo-terminal.
  const std::string command = std::string(GLEANER_BINARY) + " pull --job demo --rules " +
                              kDemoRules + " --format parquet --server " + server.address();
  ProcessResult tty = RunProcess({"/usr/bin/script", "-qec", command, "/dev/null"});
  CHECK(tty.exit_code == 2);
  CHECK(tty.out.find("refusing to write Parquet to a terminal") != std::string::npos);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a split pulled to Parquet reads back with the rows of `gleaner prepare`'s shard") {
  CrawledShop shop;
  ProcessResult prepare = Gleaner({"prepare", "--job", "demo", "--rules", kDemoRules, "--out",
                                   shop.dir / "prepared", "--data", shop.dir / "data"});
  INFO(prepare.err);
  REQUIRE(prepare.exit_code == 0);
  ServeProcess server(shop.dir, shop.dir / "data", {});
  const std::string pulled = shop.dir / "train.parquet";
  ProcessResult pull = Client(server, {"pull", "--job", "demo", "--rules", kDemoRules, "--split",
                                       "train", "--out", pulled});
  INFO(pull.err);
  REQUIRE(pull.exit_code == 0);
  const auto by_reader =
      ReadParquetFilesWithEachReader({pulled, shop.dir / "prepared/train/part-00000.parquet"});
  for (const char* reader : kParquetReaders) {
    INFO(reader);
    const std::vector<nlohmann::json>& read = by_reader.at(reader);
    const nlohmann::json& got = read[0];
    const nlohmann::json& want = read[1];
    CHECK(got["num_rows"].get<int>() > 60);
    CHECK(got["columns"] == want["columns"]);
    CHECK(got["rows"] == want["rows"]);
  }
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a dropped stream resumes from its token with no gap and no repeat") {
  CrawledShop shop;
  ServeProcess server(shop.dir, shop.dir / "data", {});
  v1::PullDatasetRequest request;
  request.set_job("demo");
  request.set_rules_yaml(ReadFile(kDemoRules));
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

TEST_CASE("50 concurrent streams of the same split each receive the whole split") {
  CrawledShop shop;
  ServeProcess server(shop.dir, shop.dir / "data", {});
  std::string token;
  const std::vector<v1::DatasetRow> whole = PullRows(server, TrainRequest(16), SIZE_MAX, &token);
  REQUIRE(whole.size() > 60);
  std::string expected;
  for (const auto& row : whole) expected += row.SerializeAsString();

  constexpr int kStreams = 50;
  std::vector<std::string> got(kStreams);
  std::vector<grpc::Status> status(kStreams);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStreams; ++i) {
    threads.emplace_back([&, i] {
      auto stub = OwnConnection(server);
      grpc::ClientContext context;
      // Only a hung server would come near this.
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
      auto stream = stub->PullDataset(&context, TrainRequest(16));
      v1::PullDatasetResponse batch;
      while (stream->Read(&batch)) {
        for (const auto& row : batch.rows()) got[i] += row.SerializeAsString();
      }
      status[i] = stream->Finish();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kStreams; ++i) {
    INFO("stream " << i << ": " << status[i].error_message());
    CHECK(status[i].ok());
    CHECK(got[i] == expected);
  }
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("cancelled streams leave the server serving, its threads and descriptors released") {
  CrawledShop shop;
  ServeProcess server(shop.dir, shop.dir / "data", {});
  std::string token;
  // The first pull starts gRPC's own threads; the baseline is taken after it.
  const size_t rows = PullRows(server, TrainRequest(4), SIZE_MAX, &token).size();
  REQUIRE(rows > 60);
  const Resources baseline = ResourcesOf(server.pid());

  for (int i = 0; i < 10; ++i) {
    auto stub = OwnConnection(server);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    auto stream = stub->PullDataset(&context, TrainRequest(4));
    v1::PullDatasetResponse batch;
    REQUIRE(stream->Read(&batch));
    CHECK(batch.rows_size() == 4);
    context.TryCancel();
    CHECK(stream->Finish().error_code() == grpc::StatusCode::CANCELLED);
  }
  CHECK(PullRows(server, TrainRequest(4), SIZE_MAX, &token).size() == rows);

  // A leak of one thread or descriptor per cancelled stream would stay above the slack.
  constexpr int kSlack = 3;
  Resources now = ResourcesOf(server.pid());
  for (int i = 0;
       i < 600 && (now.threads > baseline.threads + kSlack || now.fds > baseline.fds + kSlack);
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    now = ResourcesOf(server.pid());
  }
  INFO("threads " << baseline.threads << " -> " << now.threads << ", fds " << baseline.fds << " -> "
                  << now.fds);
  CHECK(now.threads <= baseline.threads + kSlack);
  CHECK(now.fds <= baseline.fds + kSlack);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a pull whose deadline passes ends DEADLINE_EXCEEDED, the server keeps serving") {
  CrawledShop shop;
  ServeProcess server(shop.dir, shop.dir / "data", {});
  auto stub = OwnConnection(server);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(1));
  auto stream = stub->PullDataset(&context, TrainRequest(1));
  v1::PullDatasetResponse batch;
  while (stream->Read(&batch)) {
  }
  CHECK(stream->Finish().error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  std::string token;
  CHECK(PullRows(server, TrainRequest(16), SIZE_MAX, &token).size() > 60);
  REQUIRE(server.Terminate().exit_code == 0);
}
