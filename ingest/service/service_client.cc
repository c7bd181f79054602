#include "ingest/service/service_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <cstdlib>

#include "ingest/service/bearer_token.h"

namespace gleaner::service {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

Status ResolveClientConfig(const std::string& server_flag, const std::string& token_file_flag,
                           ClientConfig* config) {
  config->server = server_flag;
  if (config->server.empty()) config->server = Env("GLEANER_SERVER");
  if (config->server.empty()) config->server = "127.0.0.1:50051";
  if (!token_file_flag.empty()) return ReadTokenFile(token_file_flag, &config->token);
  config->token = Env("GLEANER_TOKEN");
  return Status::OK();
}

std::shared_ptr<grpc::Channel> OpenChannel(const ClientConfig& config) {
  return grpc::CreateChannel(config.server, grpc::InsecureChannelCredentials());
}

void PrepareCall(const ClientConfig& config, grpc::ClientContext* context) {
  if (!config.token.empty()) context->AddMetadata("authorization", "Bearer " + config.token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(config.timeout_s));
}

}  // namespace gleaner::service
