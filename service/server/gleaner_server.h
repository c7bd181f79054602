// GleanerServer: `gleaner serve` below the command line. It opens the staging
// store as its primary, resumes interrupted jobs, runs the stored schedules
// (crawling jobs itself, or, given a Redis URL, publishing them to workers),
// and serves JobService, DatasetService and IngestService, with gRPC health
// checking and server reflection, on one listening address (plaintext, or TLS
// with a certificate), and optionally Prometheus metrics over HTTP. Shutdown
// is graceful: no new calls, calls in flight finish, the running crawl
// commits and stays resumable, the store is closed. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/logger.h"
#include "common/status.h"

namespace gleaner::service {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";  // HOST:PORT; port 0 picks a free one
  std::string data_dir;
  std::string token;  // empty: no authentication
  // PEM certificate chain and its private key (both or neither); empty: plaintext.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // HOST:PORT serving Prometheus metrics at GET /metrics (see
  // MetricsHttpServer); empty: none.
  std::string metrics_listen;
  // Jobs may reach loopback and private addresses: not checked when submitted,
  // nor when this process crawls them.
  bool allow_private_networks = false;
  // redis://HOST[:PORT][/DB]: jobs go to `gleaner worker` processes through
  // this Redis (RedisJobBoard); empty: this process crawls them (JobRunner).
  std::string redis_url;
  std::string ca_file;    // extra CA certificates for the crawls' https fetches; may be empty
  Logger* log = nullptr;  // jobs started and ended, schedules run, recovery
  // The time the schedules run by (JobScheduler::Clock) and revisits go by
  // (which URLs a run revisits, when each is next due); null: the system
  // clock. Only tests set another, through `gleaner serve`'s test hook.
  std::function<std::chrono::system_clock::time_point()> clock;
};

class GleanerServer {
 public:
  // IOError when the address cannot be bound; the store's own errors as is.
  static Status Start(const ServerOptions& options, std::unique_ptr<GleanerServer>* out);
  ~GleanerServer();  // Shutdown()
  GleanerServer(const GleanerServer&) = delete;
  GleanerServer& operator=(const GleanerServer&) = delete;

  // "HOST:PORT" as bound, with the chosen port when --listen asked for 0.
  const std::string& address() const { return address_; }
  // The metrics endpoint as bound; empty without metrics_listen.
  const std::string& metrics_address() const { return metrics_address_; }
  void Shutdown();

 private:
  struct Parts;
  GleanerServer();

  std::unique_ptr<Parts> parts_;
  std::string address_;
  std::string metrics_address_;
};

}  // namespace gleaner::service
