#include "service/metrics/grpc_metrics_interceptor.h"

#include <chrono>

#include "service/client/grpc_status.h"

namespace gleaner::service {

namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

struct GrpcFamilies {
  Family<Counter>* calls;
  Family<Gauge>* streams;
  Family<Histogram>* seconds;
};

// One per call, created as the call starts and destroyed when it ends.
class CallInterceptor : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(const GrpcFamilies* families, std::string method, bool streaming)
      : families_(families),
        method_(std::move(method)),
        stream_(streaming ? families->streams->With({method_}) : nullptr),
        start_(std::chrono::steady_clock::now()) {
    if (stream_ != nullptr) stream_->Add(1);
  }

  // A call that ends without sending a status (the server shut down under
  // it) still leaves the stream gauge and counts as cancelled.
  ~CallInterceptor() override {
    if (!recorded_) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_ = true;
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    families_->seconds->With({method_})->Observe(elapsed.count());
    families_->calls->With({method_, GrpcCodeName(code)})->Increment();
    if (stream_ != nullptr) stream_->Add(-1);
  }

  const GrpcFamilies* families_;
  const std::string method_;
  Gauge* const stream_;  // null for unary calls
  const std::chrono::steady_clock::time_point start_;
  bool recorded_ = false;
};

class Factory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(MetricsRegistry* registry)
      : families_{
            registry->AddCounterFamily("gleaner_grpc_calls_total",
                                       "gRPC calls finished, by method and status code",
                                       {"method", "code"}),
            registry->AddGaugeFamily("gleaner_grpc_streams_active",
                                     "Streaming gRPC calls in progress, by method", {"method"}),
            registry->AddHistogramFamily(
                "gleaner_grpc_call_seconds", "Duration of gRPC calls until their status, by method",
                {"method"}, {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}),
        } {}

  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    // "/gleaner.v1.JobService/ListJobs" → "gleaner.v1.JobService/ListJobs".
    std::string method = info->method() == nullptr ? "" : info->method();
    if (!method.empty() && method.front() == '/') method.erase(0, 1);
    return new CallInterceptor(&families_, std::move(method),
                               info->type() != ServerRpcInfo::Type::UNARY);
  }

 private:
  const GrpcFamilies families_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeGrpcMetricsInterceptor(
    MetricsRegistry* registry) {
  return std::make_unique<Factory>(registry);
}

}  // namespace gleaner::service
