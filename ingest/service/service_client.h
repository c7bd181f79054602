// How client commands (`gleaner jobs`, `gleaner pull`) reach a server: the
// address from --server, else $GLEANER_SERVER, else 127.0.0.1:50051; the
// bearer token from --token-file, else $GLEANER_TOKEN (the token itself);
// every call with a deadline. Plain functions; thread-safe.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace gleaner::service {

struct ClientConfig {
  std::string server;
  std::string token;  // empty: send none
  int timeout_s = 60;
};

// Fills `config` from the flags and the environment; a token file that
// cannot be read is an error.
Status ResolveClientConfig(const std::string& server_flag, const std::string& token_file_flag,
                           ClientConfig* config);

std::shared_ptr<grpc::Channel> OpenChannel(const ClientConfig& config);

// Adds the token and the deadline to a call.
void PrepareCall(const ClientConfig& config, grpc::ClientContext* context);

}  // namespace gleaner::service
