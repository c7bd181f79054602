#include "service/server/gleaner_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <chrono>

#include "distributed/redis_job_board.h"
#include "ingest/prepare/dataset_location.h"
#include "ingest/prepare/dataset_publish.h"
#include "service/dataset/dataset_service.h"
#include "service/dataset/job_dataset_preparer.h"
#include "service/ingest/ingest_service.h"
#include "service/jobs/job_runner.h"
#include "service/jobs/job_scheduler.h"
#include "service/jobs/job_service.h"
#include "service/metrics/grpc_metrics_interceptor.h"
#include "service/metrics/metrics_http_server.h"
#include "service/metrics/metrics_registry.h"
#include "service/metrics/service_metrics.h"
#include "service/security/bearer_token.h"
#include "storage/staging_store.h"

namespace gleaner::service {

namespace {

// Calls still running this long after Shutdown starts are cancelled.
constexpr auto kShutdownGrace = std::chrono::seconds(10);

}  // namespace

// Declaration order is teardown order reversed: the gRPC server goes first,
// then the services, the job queue, and the store last.
struct GleanerServer::Parts {
  std::unique_ptr<storage::StagingStore> store;
  OutputClaims dataset_claims;                   // dataset directories being written
  std::unique_ptr<JobDatasetPreparer> preparer;  // without --redis
  std::unique_ptr<JobQueue> runner;  // a JobRunner, or a RedisJobBoard with --redis
  std::unique_ptr<JobScheduler> scheduler;
  std::unique_ptr<BearerTokenCheck> auth;
  // Always there, so services can count whether or not metrics are served.
  std::unique_ptr<MetricsRegistry> metrics;
  ServiceMetrics service_metrics;
  std::unique_ptr<JobServiceImpl> jobs;
  std::unique_ptr<IngestServiceImpl> ingest;
  std::unique_ptr<DatasetServiceImpl> datasets;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<MetricsHttpServer> metrics_http;  // reads the store: stopped before it closes
  bool shut_down = false;
};

GleanerServer::GleanerServer() : parts_(std::make_unique<Parts>()) {}

GleanerServer::~GleanerServer() { Shutdown(); }

Status GleanerServer::Start(const ServerOptions& options, std::unique_ptr<GleanerServer>* out) {
  std::unique_ptr<GleanerServer> server(new GleanerServer());
  Parts& p = *server->parts_;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenPrimary(options.data_dir, {}, &p.store));
  // Debris of a PrepareDataset killed with the last server; what cannot be mended
  // now is mended by the next PrepareDataset into that directory, so the server starts anyway.
  if (Status s = prepare::RecoverPublishesBelow(prepare::DatasetsDir(options.data_dir));
      !s.ok() && options.log != nullptr) {
    options.log->Warn(s.message());
  }
  std::function<int64_t()> revisit_clock;
  if (options.clock) {
    revisit_clock = [clock = options.clock] {
      return std::chrono::duration_cast<std::chrono::microseconds>(clock().time_since_epoch())
          .count();
    };
  }
  if (options.redis_url.empty()) {
    crawler::CrawlOptions crawl;
    crawl.revisit_clock = revisit_clock;
    crawl.ca_file = options.ca_file;
    // The submit-time check cannot see redirects, links or later DNS answers.
    crawl.public_networks_only = !options.allow_private_networks;
    p.preparer = std::make_unique<JobDatasetPreparer>(p.store.get(), &p.dataset_claims);
    p.runner =
        std::make_unique<JobRunner>(p.store.get(), std::move(crawl), options.log, p.preparer.get());
  } else {
    std::unique_ptr<distributed::RedisJobBoard> board;
    distributed::RedisJobBoard::Options bo;
    bo.url = options.redis_url;
    bo.clock = revisit_clock;
    GLEANER_RETURN_IF_ERROR(
        distributed::RedisJobBoard::Open(p.store.get(), bo, options.log, &board));
    p.runner = std::move(board);
  }
  p.auth = std::make_unique<BearerTokenCheck>(options.token);
  p.metrics = std::make_unique<MetricsRegistry>();
  p.service_metrics = AddServiceMetrics(p.metrics.get(), p.store.get(),
                                        options.redis_url.empty() ? nullptr : p.runner.get());
  JobQueue* runner = p.runner.get();
  p.scheduler = std::make_unique<JobScheduler>(
      p.store.get(),
      [runner](const crawler::JobConfig& job, const std::string& yaml) {
        uint32_t position = 0;
        return runner->Submit(job, yaml, &position);
      },
      options.log, options.clock);
  p.jobs = std::make_unique<JobServiceImpl>(
      p.store.get(), p.runner.get(), p.scheduler.get(), p.auth.get(),
      JobServiceOptions{options.allow_private_networks, !options.redis_url.empty(),
                        p.preparer.get()});
  p.datasets = std::make_unique<DatasetServiceImpl>(
      p.store.get(), p.auth.get(), p.service_metrics.records_pulled, &p.dataset_claims);
  p.ingest = std::make_unique<IngestServiceImpl>(p.store.get(), p.runner.get(), p.auth.get(),
                                                 p.service_metrics.records_ingested,
                                                 revisit_clock);

  // Metrics bind first: a taken metrics port then fails before any call is served.
  if (!options.metrics_listen.empty()) {
    MetricsRegistry* metrics = p.metrics.get();
    GLEANER_RETURN_IF_ERROR(MetricsHttpServer::Start(
        options.metrics_listen, [metrics] { return metrics->Render(); }, &p.metrics_http));
    server->metrics_address_ = p.metrics_http->address();
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (p.metrics_http != nullptr) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(MakeGrpcMetricsInterceptor(p.metrics.get()));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!options.tls_cert_pem.empty()) {
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({options.tls_key_pem, options.tls_cert_pem});
    credentials = grpc::SslServerCredentials(ssl);
  }
  int port = 0;
  // gRPC sets SO_REUSEPORT by default, which would let a second server share
  // the port with this one and split its calls; a taken port must be an error.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(options.listen, credentials, &port);
  builder.RegisterService(p.jobs.get());
  builder.RegisterService(p.ingest.get());
  builder.RegisterService(p.datasets.get());
  p.server = builder.BuildAndStart();
  if (p.server == nullptr || port == 0) {
    return Status::IOError("cannot listen on " + options.listen);
  }
  size_t colon = options.listen.rfind(':');
  server->address_ = options.listen.substr(0, colon) + ":" + std::to_string(port);
  // Jobs start only once the server is up, so a bind failure runs nothing.
  GLEANER_RETURN_IF_ERROR(p.runner->Start());
  GLEANER_RETURN_IF_ERROR(p.scheduler->Start());
  *out = std::move(server);
  return Status::OK();
}

void GleanerServer::Shutdown() {
  Parts& p = *parts_;
  if (p.shut_down) return;
  p.shut_down = true;
  if (p.server) {
    p.server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
    p.server->Wait();
  }
  if (p.scheduler) p.scheduler->Shutdown();
  if (p.runner) p.runner->Shutdown();
  p.metrics_http.reset();
  p.store.reset();  // closes RocksDB: memtables were logged in the WAL, now flushed
}

}  // namespace gleaner::service
