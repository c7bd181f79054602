// MetricsHttpServer: the plain-HTTP endpoint Prometheus scrapes. GET /metrics
// answers the text `render` returns (Content-Type text/plain; version=0.0.4);
// any other path is 404, any other method on /metrics 405. Connections are
// served asynchronously on one thread of its own, so a slow scraper delays
// neither gRPC calls nor other scrapers. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

namespace gleaner::service {

class MetricsHttpServer {
 public:
  // `listen` is HOST:PORT (port 0 picks a free one); without a host
  // (":9100" or "9100") it listens on 127.0.0.1 only. IOError when the address
  // cannot be bound. `render` is called on the server's thread at each scrape.
  static Status Start(const std::string& listen, std::function<std::string()> render,
                      std::unique_ptr<MetricsHttpServer>* out);
  // Stops the thread, then closes the listener and every connection.
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // "HOST:PORT" as bound (IPv6 hosts in brackets).
  const std::string& address() const { return address_; }

 private:
  struct Impl;
  explicit MetricsHttpServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  std::string address_;
};

}  // namespace gleaner::service
