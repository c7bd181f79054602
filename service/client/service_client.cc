#include "service/client/service_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <cstdlib>

#include "service/security/bearer_token.h"
#include "service/security/tls_pem.h"

namespace gleaner::service {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

Status ResolveClientConfig(const ClientFlags& flags, ClientConfig* config) {
  config->server = flags.server;
  if (config->server.empty()) config->server = Env("GLEANER_SERVER");
  if (config->server.empty()) config->server = "127.0.0.1:50051";
  std::string ca = flags.tls_ca.empty() ? Env("GLEANER_TLS_CA") : flags.tls_ca;
  config->tls = flags.tls || !ca.empty();
  if (!ca.empty()) {
    GLEANER_RETURN_IF_ERROR(ReadCaFile(ca, &config->tls_roots_pem));
  } else if (config->tls) {
    config->tls_roots_pem = SystemRootsPem();
  }
  if (!flags.token_file.empty()) return ReadTokenFile(flags.token_file, &config->token);
  config->token = Env("GLEANER_TOKEN");
  return Status::OK();
}

std::shared_ptr<grpc::Channel> OpenChannel(const ClientConfig& config,
                                           const grpc::ChannelArguments& args) {
  if (!config.tls) {
    return grpc::CreateCustomChannel(config.server, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = config.tls_roots_pem;
  return grpc::CreateCustomChannel(config.server, grpc::SslCredentials(ssl), args);
}

std::shared_ptr<grpc::Channel> OpenConnectedChannel(const ClientConfig& config) {
  // Reconnect soon after a failed attempt (gRPC's default waits 1 s, then
  // longer), so several attempts fit in the window.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 400);
  std::shared_ptr<grpc::Channel> channel = OpenChannel(config, args);
  // A channel that failed stays in TRANSIENT_FAILURE while it retries, so
  // wait for READY within the window rather than counting state changes.
  const auto give_up = std::chrono::system_clock::now() + kConnectRetryWindow;
  for (grpc_connectivity_state state = channel->GetState(/*try_to_connect=*/true);
       state != GRPC_CHANNEL_READY && state != GRPC_CHANNEL_SHUTDOWN;
       state = channel->GetState(/*try_to_connect=*/true)) {
    if (!channel->WaitForStateChange(state, give_up)) break;
  }
  return channel;
}

void PrepareCall(const ClientConfig& config, grpc::ClientContext* context) {
  if (!config.token.empty()) context->AddMetadata("authorization", "Bearer " + config.token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(config.timeout_s));
}

}  // namespace gleaner::service
