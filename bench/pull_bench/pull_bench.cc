// pull_bench: `PullDataset` throughput. Stages N product records (the data of
// prepare_bench), prepares them locally, then serves the same store with
// `GleanerServer` in a child process and pulls the train split to a C++
// client over loopback. Reports the pull's records/s and MB/s and, from the
// same run, the local prepare's rate of cleaned rows, and their ratio. Not a
// test; run by hand (see bench/README.md).
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "bench/support/child_measurement.h"
#include "bench/support/product_records.h"
#include "bench/support/resource_usage.h"
#include "ingest/prepare/dataset_export.h"
#include "ingest/rules/rules_parser.h"
#include "schema/gleaner_service.grpc.pb.h"
#include "service/server/gleaner_server.h"

namespace gleaner::bench {
namespace {

constexpr char kJob[] = "bench";

// Cleaned rows the local prepare writes (all three splits) per second.
Status PrepareLocally(const std::string& dir, const std::string& out, uint64_t* rows) {
  rules::RulesConfig rules;
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesYaml(kProductRules, "pull_bench rules", &rules));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenFollower(dir, &store));
  prepare::ExportResult result;
  GLEANER_RETURN_IF_ERROR(prepare::PrepareDataset(store.get(), kJob, rules, out, {}, &result));
  const auto& split = result.report.split_rows;
  *rows = split[0] + split[1] + split[2];
  std::printf("         staged %llu; kept train %lld, validation %lld, test %lld\n",
              static_cast<unsigned long long>(result.report.records_scanned),
              static_cast<long long>(split[0]), static_cast<long long>(split[1]),
              static_cast<long long>(split[2]));
  return Status::OK();
}

// A `gleaner serve` of the store in a child process: the address it bound is
// read from a pipe; SIGTERM shuts it down gracefully.
class ServerChild {
 public:
  explicit ServerChild(const std::string& dir) {
    int fds[2];
    if (pipe(fds) != 0) return;
    std::fflush(stdout);
    pid_ = fork();
    if (pid_ == 0) {
      close(fds[0]);
      sigset_t signals;
      sigemptyset(&signals);
      sigaddset(&signals, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &signals, nullptr);
      service::ServerOptions options;
      options.listen = "127.0.0.1:0";
      options.data_dir = dir;
      std::unique_ptr<service::GleanerServer> server;
      Status s = service::GleanerServer::Start(options, &server);
      std::string address = s.ok() ? server->address() : "";
      if (!s.ok()) std::fprintf(stderr, "serve: %s\n", s.ToString().c_str());
      (void)!write(fds[1], address.data(), address.size());
      close(fds[1]);
      if (!s.ok()) _exit(1);
      int sig = 0;
      sigwait(&signals, &sig);
      server->Shutdown();
      _exit(0);
    }
    close(fds[1]);
    char buf[128];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) address_.append(buf, n);
    close(fds[0]);
  }

  const std::string& address() const { return address_; }

  // Stops the server and returns what it used: CPU and peak RSS.
  struct rusage Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    struct rusage usage {};
    wait4(pid_, &status, 0, &usage);
    return usage;
  }

 private:
  pid_t pid_ = -1;
  std::string address_;
};

struct PullResult {
  uint64_t rows = 0;
  uint64_t bytes = 0;  // serialized response bytes
  double seconds = 0;
  double client_cpu = 0;
};

Status Pull(const std::string& address, uint32_t batch_rows, PullResult* result) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = v1::DatasetService::NewStub(channel);
  v1::PullDatasetRequest request;
  request.set_job(kJob);
  request.set_rules_yaml(kProductRules);
  request.set_split("train");
  request.set_batch_rows(batch_rows);
  const double cpu_start = CpuSeconds();
  const auto start = Clock::now();
  grpc::ClientContext context;
  auto reader = stub->PullDataset(&context, request);
  v1::PullDatasetResponse response;
  while (reader->Read(&response)) {
    result->rows += response.rows_size();
    result->bytes += response.ByteSizeLong();
  }
  grpc::Status status = reader->Finish();
  result->seconds = SecondsSince(start);
  result->client_cpu = CpuSeconds() - cpu_start;
  return status.ok() ? Status::OK() : Status::IOError("PullDataset: " + status.error_message());
}

int Run(int argc, char** argv) {
  CLI::App app{"PullDataset over loopback vs a local prepare of the same staged records"};
  uint32_t batch_rows = 0;
  ProductBenchDir work("pull-bench", 1250000);
  work.AddFlags(&app);
  app.add_option("--batch-rows", batch_rows, "Rows per streamed batch (0: the server's default)");
  CLI11_PARSE(app, argc, argv);
  bool ok = work.Stage(kJob);
  const std::string store = work.store(), out = work.dataset();
  Measured prepared;
  if (ok) {
    prepared = InChild("prepare", [&](uint64_t* rows) { return PrepareLocally(store, out, rows); });
    ok = prepared.ok;
  }
  PullResult pull;
  struct rusage server_usage {};
  if (ok) {
    ServerChild server(store);
    ok = !server.address().empty();
    if (ok) {
      Status s = Pull(server.address(), batch_rows, &pull);
      if (!s.ok()) std::fprintf(stderr, "pull: %s\n", s.ToString().c_str());
      ok = s.ok();
    }
    server_usage = server.Stop();
  }
  if (ok) {
    const double pull_rate = pull.rows / pull.seconds;
    const double prepare_rate = prepared.rows / prepared.seconds;
    std::printf(
        "pull     %9llu rows  %6.2f s  %9.0f rows/s  %6.1f MB/s  | cpu server %.2f s, client "
        "%.2f s  | server peak RSS %ld MiB\n",
        static_cast<unsigned long long>(pull.rows), pull.seconds, pull_rate,
        pull.bytes / pull.seconds / 1e6, CpuSeconds(server_usage), pull.client_cpu,
        server_usage.ru_maxrss / 1024);
    std::printf("pull / local prepare (cleaned rows per second): %.0f %%\n",
                100 * pull_rate / prepare_rate);
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace gleaner::bench

int main(int argc, char** argv) { return gleaner::bench::Run(argc, argv); }
