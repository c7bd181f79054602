// How client commands (`gleaner jobs`, `gleaner pull`) reach a server: the
// address from --server, else $GLEANER_SERVER, else 127.0.0.1:50051; the
// bearer token from --token-file, else $GLEANER_TOKEN (the token itself);
// TLS when asked for with --tls or a CA file (--tls-ca, else
// $GLEANER_TLS_CA), trusting that CA, or the system's CAs without one; every
// call with a deadline. Plain functions; thread-safe.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/channel_arguments.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"

namespace gleaner::service {

// The client flags as given on the command line; empty: not given.
struct ClientFlags {
  std::string server;
  std::string token_file;
  std::string tls_ca;
  bool tls = false;
};

struct ClientConfig {
  std::string server;
  std::string token;  // empty: send none
  bool tls = false;
  std::string tls_roots_pem;  // with tls: the trusted CAs; empty: gRPC's default roots
  int timeout_s = 60;
};

// Fills `config` from the flags and the environment; a token or CA file that
// cannot be read is an error.
Status ResolveClientConfig(const ClientFlags& flags, ClientConfig* config);

// `args` tunes the channel, e.g. how fast it reconnects.
std::shared_ptr<grpc::Channel> OpenChannel(
    const ClientConfig& config, const grpc::ChannelArguments& args = grpc::ChannelArguments());

// OpenChannel for a command that makes a few calls and exits: it retries a
// failed connection attempt quickly for up to kConnectRetryWindow before the
// first call (which then reports the real failure, if any). Debian 12's gRPC
// (1.51) may report a loopback connect still in progress as failed, because it
// reads errno after other calls (fixed upstream in grpc/grpc#35064): without a
// retry a loaded machine sees "UNAVAILABLE: ipv4:...: No such file or
// directory" from a server that is up. Blocks for at most the window.
std::shared_ptr<grpc::Channel> OpenConnectedChannel(const ClientConfig& config);
inline constexpr std::chrono::milliseconds kConnectRetryWindow{2000};

// Adds the token and the deadline to a call.
void PrepareCall(const ClientConfig& config, grpc::ClientContext* context);

}  // namespace gleaner::service
