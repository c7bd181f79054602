// What `gleaner serve` lets in: the bearer token, the SSRF policy for jobs
// submitted over the network, and the unauthenticated health and reflection
// services that load balancers and tools like grpcurl rely on.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "schema/gleaner_service.grpc.pb.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/service/serve_process.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

void Next(grpc::CompletionQueue* cq, void* want) {
  void* tag = nullptr;
  bool ok = false;
  REQUIRE(cq->Next(&tag, &ok));
  REQUIRE(tag == want);
}

// One unary call with raw protobuf bytes, for services whose generated code
// gRPC does not install (health checking).
grpc::Status RawUnary(const std::string& address, const std::string& method,
                      const std::string& request, std::string* response) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::CompletionQueue cq;
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1);
  auto call = stub.PrepareUnaryCall(&context, method, req, &cq);
  call->StartCall();
  grpc::ByteBuffer resp;
  grpc::Status status;
  call->Finish(&resp, &status, &cq);
  Next(&cq, &cq);
  *response = Flatten(resp);
  return status;
}

// The first answer of the reflection stream to one request.
std::string ReflectionAnswer(const std::string& address, const std::string& request) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  int start, write, read, done, finish;
  call->StartCall(&start);
  Next(&cq, &start);
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1);
  call->Write(req, &write);
  Next(&cq, &write);
  grpc::ByteBuffer resp;
  call->Read(&resp, &read);
  Next(&cq, &read);
  call->WritesDone(&done);
  Next(&cq, &done);
  grpc::Status status;
  call->Finish(&status, &finish);
  Next(&cq, &finish);
  CHECK(status.ok());
  return Flatten(resp);
}

}  // namespace

TEST_CASE("with --token-file every call needs the token, health checks do not") {
  TempDir dir;
  WriteFile(dir / "token", "s3cret\n");
  WriteFile(dir / "wrong", "guess\n");
  ServeProcess server(dir, dir / "served", {"--token-file", dir / "token"});

  ProcessResult none = Client(server, {"jobs", "list"}, {{"GLEANER_TOKEN", ""}});
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("UNAUTHENTICATED") != std::string::npos);

  ProcessResult wrong = Client(server, {"jobs", "list", "--token-file", dir / "wrong"});
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.err.find("UNAUTHENTICATED: wrong bearer token") != std::string::npos);

  ProcessResult prefix = Client(server, {"jobs", "list"}, {{"GLEANER_TOKEN", "s3cre"}});
  CHECK(prefix.exit_code == 2);
  CHECK(prefix.err.find("UNAUTHENTICATED") != std::string::npos);

  ProcessResult by_file = Client(server, {"jobs", "list", "--token-file", dir / "token"});
  INFO(by_file.err);
  CHECK(by_file.exit_code == 0);
  CHECK(by_file.out == "no jobs\n");
  ProcessResult by_env = Client(server, {"jobs", "list"}, {{"GLEANER_TOKEN", "s3cret"}});
  CHECK(by_env.exit_code == 0);

  // grpc.health.v1.HealthCheckResponse{status: SERVING} is field 1 = 1.
  std::string health;
  REQUIRE(RawUnary(server.address(), "/grpc.health.v1.Health/Check", "", &health).ok());
  CHECK(health == std::string("\x08\x01", 2));
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("reflection lists the Gleaner services") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {});
  // ServerReflectionRequest{list_services: ""} is field 7, empty.
  std::string answer = ReflectionAnswer(server.address(), std::string("\x3a\x00", 2));
  for (const char* service : {"gleaner.v1.JobService", "gleaner.v1.DatasetService",
                              "gleaner.v1.IngestService", "grpc.health.v1.Health"}) {
    INFO(service);
    CHECK(answer.find(service) != std::string::npos);
  }
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("jobs aimed at private addresses or at the server's secrets are refused") {
  TempDir dir;
  std::string loopback = WriteJob(
      dir, "loop.yaml", "name: loop\nsources: [{kind: html, seeds: [\"http://127.0.0.1:9/a\"]}]\n");
  std::string metadata = WriteJob(
      dir, "meta.yaml",
      "name: meta\nsources: [{kind: json, url: \"http://169.254.169.254/latest/meta-data\"}]\n");
  ServeProcess server(dir, dir / "served", {});
  ProcessResult r = Client(server, {"jobs", "submit", loopback});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("INVALID_ARGUMENT: http://127.0.0.1:9/a targets an address that is not "
                   "public (127.0.0.1 is in loopback (127.0.0.0/8))") != std::string::npos);
  ProcessResult m = Client(server, {"jobs", "submit", metadata});
  CHECK(m.exit_code == 2);
  CHECK(m.err.find("http://169.254.169.254/latest/meta-data") != std::string::npos);
  std::string secret =
      WriteJob(dir, "secret.yaml",
               "name: secret\nsources: [{kind: json, url: \"http://93.184.216.34/\", "
               "bearer_token_env: AWS_SECRET_ACCESS_KEY}]\n");
  ProcessResult env = Client(server, {"jobs", "submit", secret});
  CHECK(env.exit_code == 2);
  CHECK(env.err.find("INVALID_ARGUMENT: sources[0].bearer_token_env: a job sent to the server "
                     "may only name variables starting with GLEANER_JOB_, got "
                     "AWS_SECRET_ACCESS_KEY") != std::string::npos);
  // Nothing was stored for any of them.
  CHECK(Client(server, {"jobs", "status", "loop"}).err.find("NOT_FOUND") != std::string::npos);
  CHECK(Client(server, {"jobs", "list"}).out == "no jobs\n");
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a port another server holds is an error, not a shared listener") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {});
  // `timeout` turns a second server that wrongly starts into exit code 124.
  ProcessResult second = RunProcess({"/usr/bin/timeout", "60", GLEANER_BINARY, "serve", "--listen",
                                     server.address(), "--data", dir / "other"});
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("cannot listen on " + server.address()) != std::string::npos);
  REQUIRE(server.Terminate().exit_code == 0);
}
