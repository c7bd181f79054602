// Per-call metrics of every gRPC service on a server, recorded by a server
// interceptor so the services need no code of their own:
// gleaner_grpc_calls_total{method,code}, gleaner_grpc_streams_active{method}
// and the gleaner_grpc_call_seconds{method} histogram. A call is counted just
// before its status is sent, so a client that has its answer also finds it
// counted. Thread-safe.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "service/metrics/metrics_registry.h"

namespace gleaner::service {

// Adds the three families to `registry` (which must outlive the factory and the server).
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeGrpcMetricsInterceptor(
    MetricsRegistry* registry);

}  // namespace gleaner::service
