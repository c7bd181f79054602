// DatasetPuller against an in-process DatasetService on 127.0.0.1 whose
// streams break on purpose: a cut stream resumes from the token of the last
// batch received (no row lost or repeated), a stream that keeps breaking gives
// up after its attempts, a refusal is not retried, and the caller's error
// stops the pull.
#include "service/client/dataset_puller.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "schema/gleaner_service.grpc.pb.h"

using namespace gleaner;

namespace {

// Rows 0..rows-1 of one int64 column, `batch_rows` a batch; a resume token is
// the index of the next row. The first `cuts` streams end with UNAVAILABLE
// after `cut_after` batches; with `refuse`, every stream is refused at once.
class BreakingDatasetService final : public v1::DatasetService::Service {
 public:
  int rows = 50;
  int batch_rows = 4;
  int cuts = 0;
  int cut_after = 2;
  bool refuse = false;

  grpc::Status PullDataset(grpc::ServerContext*, const v1::PullDatasetRequest* request,
                           grpc::ServerWriter<v1::PullDatasetResponse>* writer) override {
    int call = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      tokens_.push_back(request->resume_token());
      call = static_cast<int>(tokens_.size());
    }
    if (refuse) return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "job has new records");
    int next = request->resume_token().empty() ? 0 : std::stoi(request->resume_token());
    for (int sent = 0; next < rows; ++sent) {
      if (call <= cuts && sent == cut_after) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "cut on purpose");
      }
      v1::PullDatasetResponse batch;
      if (next == 0) {
        v1::DatasetColumn* column = batch.add_columns();
        column->set_name("n");
        column->set_type(v1::COLUMN_INT64);
      }
      for (int i = 0; i < batch_rows && next < rows; ++i, ++next) {
        batch.add_rows()->add_values()->set_int_value(next);
      }
      batch.set_resume_token(std::to_string(next));
      writer->Write(batch);
    }
    return grpc::Status::OK;
  }

  // The resume token of each call, in order.
  std::vector<std::string> tokens() const {
    std::lock_guard<std::mutex> lock(mu_);
    return tokens_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> tokens_;
};

// The service above, listening on an ephemeral port of 127.0.0.1.
struct InProcessServer {
  explicit InProcessServer(BreakingDatasetService* service) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service);
    server = builder.BuildAndStart();
    REQUIRE(server != nullptr);
    address = "127.0.0.1:" + std::to_string(port);
  }
  ~InProcessServer() { server->Shutdown(); }

  std::unique_ptr<grpc::Server> server;
  std::string address;
};

struct Pulled {
  Status status;
  std::vector<int64_t> rows;
  int resumes = 0;
};

Pulled PullAll(const std::string& address, int attempts = 4) {
  Pulled pulled;
  service::DatasetPuller::Options options;
  options.config.server = address;
  options.attempts = attempts;
  options.on_resume = [&pulled](const std::string&) { ++pulled.resumes; };
  service::DatasetPuller puller(options);
  v1::PullDatasetRequest request;
  request.set_job("demo");
  request.set_split("train");
  pulled.status = puller.Pull(request, [&pulled](const v1::PullDatasetResponse& batch) {
    for (const auto& row : batch.rows()) pulled.rows.push_back(row.values(0).int_value());
    return Status::OK();
  });
  return pulled;
}

std::vector<int64_t> Iota(int n) {
  std::vector<int64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(i);
  return v;
}

}  // namespace

TEST_CASE("a pull whose stream is never cut hands on every row once") {
  BreakingDatasetService service;
  InProcessServer server(&service);
  Pulled pulled = PullAll(server.address);
  REQUIRE(pulled.status.ok());
  CHECK(pulled.rows == Iota(service.rows));
  CHECK(pulled.resumes == 0);
  CHECK(service.tokens() == std::vector<std::string>{""});
}

TEST_CASE("a stream cut mid-way resumes from the last token without gaps or repeats") {
  BreakingDatasetService service;
  service.cuts = 2;  // two cuts, three streams: within the four attempts
  InProcessServer server(&service);
  Pulled pulled = PullAll(server.address);
  INFO(pulled.status.ToString());
  REQUIRE(pulled.status.ok());
  CHECK(pulled.rows == Iota(service.rows));
  CHECK(pulled.resumes == 2);
  // Each stream got 2 batches of 4 rows before its cut.
  CHECK(service.tokens() == std::vector<std::string>{"", "8", "16"});
}

TEST_CASE("a stream that keeps breaking gives up after its attempts with the server's error") {
  BreakingDatasetService service;
  service.cuts = 100;
  InProcessServer server(&service);
  Pulled pulled = PullAll(server.address, /*attempts=*/3);
  CHECK(pulled.status.code() == Status::Code::kUnavailable);
  CHECK_THAT(pulled.status.message(), Catch::Contains("server " + server.address));
  CHECK(service.tokens().size() == 3);
  CHECK(pulled.rows == Iota(3 * 2 * service.batch_rows));
}

TEST_CASE("a refused pull is not retried") {
  BreakingDatasetService service;
  service.refuse = true;
  InProcessServer server(&service);
  Pulled pulled = PullAll(server.address);
  CHECK(pulled.status.code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(pulled.status.message(), Catch::Contains("job has new records"));
  CHECK(service.tokens().size() == 1);
  CHECK(pulled.resumes == 0);
}

TEST_CASE("an error from the batch callback stops the pull and is its result") {
  BreakingDatasetService service;
  InProcessServer server(&service);
  service::DatasetPuller::Options options;
  options.config.server = server.address;
  service::DatasetPuller puller(options);
  int batches = 0;
  Status s = puller.Pull(v1::PullDatasetRequest(), [&batches](const v1::PullDatasetResponse&) {
    ++batches;
    return Status::IOError("disk full");
  });
  CHECK(s.code() == Status::Code::kIOError);
  CHECK(batches == 1);
  CHECK(service.tokens().size() == 1);
}
