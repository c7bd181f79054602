// Bearer-token authentication of gRPC calls. The server keeps only the
// SHA-256 of its token and compares digests with CRYPTO_memcmp, so neither the
// token's bytes nor its length leak through timing. Immutable after
// construction; thread-safe.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <array>
#include <string>

#include "common/status.h"

namespace gleaner::service {

// Reads a token file: its contents without surrounding whitespace.
// InvalidArgument when the file is empty, IOError when it cannot be read.
Status ReadTokenFile(const std::string& path, std::string* token);

// Reads a token from the environment variable `name`, as is. InvalidArgument
// when the variable is unset or empty.
Status ReadTokenEnv(const std::string& name, std::string* token);

class BearerTokenCheck {
 public:
  // An empty token disables the check: every call is accepted.
  explicit BearerTokenCheck(const std::string& token);

  bool enabled() const { return enabled_; }
  // OK, or UNAUTHENTICATED when the call lacks "authorization: Bearer <token>".
  grpc::Status Check(const grpc::ServerContext& context) const;

 private:
  bool enabled_;
  std::array<unsigned char, 32> digest_{};
};

}  // namespace gleaner::service
