// Token files: surrounding whitespace (the newline editors add) is not part
// of the token, and an empty or missing file is refused.
#include "service/security/bearer_token.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

using namespace gleaner;

namespace {

std::string TempFile(const std::string& content) {
  char path[] = "/tmp/gleaner-token-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << content;
  return path;
}

}  // namespace

TEST_CASE("a token file's surrounding whitespace is not part of the token") {
  std::string path = TempFile("  s3cret-token\n\n");
  std::string token;
  REQUIRE(service::ReadTokenFile(path, &token).ok());
  CHECK(token == "s3cret-token");
  std::remove(path.c_str());
}

TEST_CASE("an empty or missing token file is refused") {
  std::string path = TempFile(" \n");
  std::string token = "unchanged";
  CHECK(service::ReadTokenFile(path, &token).IsInvalidArgument());
  CHECK(token == "unchanged");
  std::remove(path.c_str());
  CHECK(service::ReadTokenFile("/nonexistent/token", &token).code() == Status::Code::kIOError);
}

TEST_CASE("without a token every call is accepted") {
  CHECK_FALSE(service::BearerTokenCheck("").enabled());
  CHECK(service::BearerTokenCheck("t").enabled());
}
