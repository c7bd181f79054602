#include "common/curl_library.h"

#include <catch2/catch.hpp>

namespace gleaner {
namespace {

TEST_CASE("a libcurl that is not installed is an error naming the file, not a crash") {
  std::unique_ptr<CurlLibrary> library;
  const Status s = CurlLibrary::Load("libcurl-not-installed.so.4", &library);
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == Status::Code::kIOError);
  CHECK_THAT(s.message(), Catch::Contains("libcurl-not-installed.so.4"));
  CHECK(library == nullptr);
}

TEST_CASE("a library without libcurl's functions is refused, naming the first one missing") {
  // libc is loaded in every process and has none of them.
  std::unique_ptr<CurlLibrary> library;
  const Status s = CurlLibrary::Load("libc.so.6", &library);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains("libc.so.6") && Catch::Contains("curl_global_init"));
  CHECK(library == nullptr);
}

TEST_CASE("the process's libcurl loads once and parses a URL through its functions") {
  const CurlLibrary* first = nullptr;
  REQUIRE(SharedCurl(&first).ok());
  const CurlLibrary* second = nullptr;
  REQUIRE(SharedCurl(&second).ok());
  CHECK(first == second);
  CURLU* url = first->url();
  REQUIRE(first->url_set(url, CURLUPART_URL, "HTTP://Example.ORG:8080/a/../b?q", 0) == CURLUE_OK);
  char* path = nullptr;  // RFC 3986 section 5.2.4 removes the dot segment
  REQUIRE(first->url_get(url, CURLUPART_PATH, &path, 0) == CURLUE_OK);
  CHECK(std::string(path) == "/b");
  first->free(path);
  first->url_cleanup(url);
}

}  // namespace
}  // namespace gleaner
