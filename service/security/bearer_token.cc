#include "service/security/bearer_token.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

namespace gleaner::service {

namespace {

constexpr std::string_view kBearer = "Bearer ";

std::array<unsigned char, 32> Sha256(std::string_view s) {
  std::array<unsigned char, 32> d{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data());
  return d;
}

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

}  // namespace

Status ReadTokenFile(const std::string& path, std::string* token) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read token file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string t = Trim(ss.str());
  if (t.empty()) return Status::InvalidArgument("token file " + path + " is empty");
  *token = std::move(t);
  return Status::OK();
}

Status ReadTokenEnv(const std::string& name, std::string* token) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    return Status::InvalidArgument("environment variable " + name + " is unset or empty");
  }
  *token = value;
  return Status::OK();
}

BearerTokenCheck::BearerTokenCheck(const std::string& token) : enabled_(!token.empty()) {
  if (enabled_) digest_ = Sha256(token);
}

grpc::Status BearerTokenCheck::Check(const grpc::ServerContext& context) const {
  if (!enabled_) return grpc::Status::OK;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "this server requires a bearer token (authorization metadata)");
  }
  std::string_view value(it->second.data(), it->second.size());
  if (value.substr(0, kBearer.size()) != kBearer) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "authorization metadata must be \"Bearer <token>\"");
  }
  std::array<unsigned char, 32> got = Sha256(value.substr(kBearer.size()));
  if (CRYPTO_memcmp(got.data(), digest_.data(), got.size()) != 0) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "wrong bearer token");
  }
  return grpc::Status::OK;
}

}  // namespace gleaner::service
